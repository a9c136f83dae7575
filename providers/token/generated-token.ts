/**
 * GeneratedToken: a random secret made once and then kept.
 *
 * The value is generated inside the provider host with the operating system's cryptographic
 * randomness when the resource is created, and from then on exists only in the resource's
 * outputs, which Pulumi stores encrypted because `value` is an additional secret output. Every
 * later `up` reads it back from the state instead of generating a new one, so a gateway token
 * made this way is stable until the resource is replaced (a change of `bytes`) or destroyed.
 */
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { CheckFailure } from "../provider-kit/check-failures";
import { isUnknown } from "../provider-kit/unknowns";
import { LoadedResource } from "../provider-kit/loaded-resource";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "openclaw", type: "GeneratedToken" } as const;

/** Inputs of GeneratedToken as its provider receives them. */
export interface GeneratedTokenInputs {
  /** Random bytes in the token; the value is twice as many hex characters. */
  bytes: number;
}

/** Outputs of GeneratedToken. */
export interface GeneratedTokenOutputs extends GeneratedTokenInputs {
  /** Lowercase hex, `2 * bytes` characters. Secret. */
  value: string;
}

/** Default size: 32 bytes, the `openssl rand -hex 32` the OpenClaw docs suggest. */
export const DEFAULT_TOKEN_BYTES = 32;

/** Fewest random bytes accepted (128 bits). */
export const MIN_TOKEN_BYTES = 16;

/** Most random bytes accepted. */
export const MAX_TOKEN_BYTES = 256;

/** @internal Exported for tests, which call its methods directly. */
export class GeneratedTokenProvider implements pulumi.dynamic.ResourceProvider<
  GeneratedTokenInputs,
  GeneratedTokenOutputs
> {
  async check(_olds: GeneratedTokenInputs, news: GeneratedTokenInputs) {
    const bytes: unknown = news.bytes ?? DEFAULT_TOKEN_BYTES;
    const failures: CheckFailure[] = [];
    const valid =
      typeof bytes === "number" &&
      Number.isInteger(bytes) &&
      bytes >= MIN_TOKEN_BYTES &&
      bytes <= MAX_TOKEN_BYTES;
    // An unknown size during a preview is judged when it is known.
    if (!valid && !isUnknown(bytes)) {
      failures.push({
        property: "bytes",
        reason: `must be a whole number from ${MIN_TOKEN_BYTES} to ${MAX_TOKEN_BYTES}`,
      });
    }
    return { inputs: { bytes } as GeneratedTokenInputs, failures };
  }

  async diff(_id: string, olds: GeneratedTokenOutputs, news: GeneratedTokenInputs) {
    // Only the size can change, and a new size needs a new value. A change of provider code
    // alone is no change: the token must survive upgrades of this project.
    const changes = olds.bytes !== news.bytes;
    return { changes, replaces: changes ? ["bytes"] : [], deleteBeforeReplace: false };
  }

  async create(inputs: GeneratedTokenInputs) {
    const outs: GeneratedTokenOutputs = {
      bytes: inputs.bytes,
      value: randomBytes(inputs.bytes).toString("hex"),
    };
    return { id: randomBytes(8).toString("hex"), outs };
  }

  async read(id: string, props?: GeneratedTokenOutputs) {
    // Nothing outside the state holds the token, so the state is the live value.
    if (props === undefined) return {};
    // The SDK types `inputs` as the outputs' shape; the engine takes any input map.
    const inputs = { bytes: props.bytes } as GeneratedTokenOutputs;
    return { id, props, inputs };
  }

  async delete(): Promise<void> {
    // The token exists only in the state, which forgets it with the resource.
  }
}

/** Arguments of GeneratedToken. */
export interface GeneratedTokenArgs {
  /** Random bytes (16..256, default 32). Changing it replaces the token with a new value. */
  bytes?: pulumi.Input<number>;
}

/**
 * A random hex token generated once, at create, and kept in the (encrypted) state. `value` is
 * always a secret output.
 */
export class GeneratedToken extends LoadedResource {
  declare readonly bytes: pulumi.Output<number>;
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, args: GeneratedTokenArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      RESOURCE.module,
      RESOURCE.type,
      name,
      { bytes: args.bytes ?? DEFAULT_TOKEN_BYTES, value: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["value"] }),
    );
  }
}
