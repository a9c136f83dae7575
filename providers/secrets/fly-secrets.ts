/**
 * FlySecrets: an app's Fly secrets, as one map of name to value.
 *
 * Values live only in Pulumi's encrypted inputs. Outputs carry, per name, an HMAC-SHA256 digest
 * keyed with a random salt made at create (the salt itself is a secret output), and Fly's
 * secrets `version`; a changed value is detected by recomputing its digest with the stored
 * salt. Machines take `version` as `minSecretsVersion`, so a rotation rolls out to them.
 */
import { createHmac, randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import type { Problem } from "../provider-kit/check-failures";
import { isNotFound } from "../fly-client/fly-api-error";
import { createSecretsClient } from "../fly-client/secret-operations";
import { appNameProblem, envNameProblem } from "../../rules/fly-names";
import { FlyProvider } from "../provider-kit/fly-provider";
import { LoadedResource } from "../provider-kit/loaded-resource";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlySecrets" } as const;

/** Inputs of FlySecrets as its provider receives them. */
export interface FlySecretsInputs {
  /** The app the secrets belong to. Replaces on change. */
  app: string;
  /** Secret name to value; names follow the environment variable rule. */
  values: Record<string, string>;
}

/** Outputs of FlySecrets: no value, ever. */
export interface FlySecretsOutputs {
  app: string;
  /** The secret names this resource set, sorted. */
  keys: string[];
  /** Name to HMAC-SHA256 (hex) of the value, keyed with `salt`. */
  digests: Record<string, string>;
  /** Random key of the digests (hex); a secret output. */
  salt: string;
  /** Fly's secrets version after the last write. */
  version: number;
}

function secretsInputSchema() {
  return z.object({
    app: z.string().superRefine((value, ctx) => {
      const reason = appNameProblem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    }),
    values: z.record(z.string(), z.string()),
  });
}

function nameProblems(values: unknown): Problem[] {
  if (typeof values !== "object" || values === null) return [];
  return Object.keys(values).flatMap((name) => {
    const reason = envNameProblem(name);
    if (reason === undefined) return [];
    // An empty name has no path of its own: the map is at fault.
    return [{ path: name === "" ? ["values"] : ["values", name], reason: `secret ${reason}` }];
  });
}

/** HMAC-SHA256 of `value` keyed with `salt`, hex. */
function digest(salt: string, value: string): string {
  return createHmac("sha256", salt).update(value, "utf8").digest("hex");
}

function digestsOf(salt: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, digest(salt, value)]),
  );
}

/** Names whose value is new or differs from the one the digests were made of. */
function changedNames(olds: FlySecretsOutputs, values: Record<string, string>): string[] {
  return Object.keys(values).filter(
    (name) => olds.digests?.[name] !== digest(olds.salt, values[name]),
  );
}

function removedNames(olds: FlySecretsOutputs, values: Record<string, string>): string[] {
  return (olds.keys ?? []).filter((name) => !(name in values));
}

/** The provider behind the resource below (exported for tests and tooling). */
export class FlySecretsProvider
  extends FlyProvider
  implements pulumi.dynamic.ResourceProvider<FlySecretsInputs, FlySecretsOutputs>
{
  constructor() {
    super(RESOURCE.type, "secrets");
  }

  async check(_olds: FlySecretsInputs, news: FlySecretsInputs) {
    const raw = { ...news, values: news.values ?? {} };
    const problems = [...schemaProblems(secretsInputSchema(), raw), ...nameProblems(raw.values)];
    const failures = toCheckFailures(raw, problems);
    return failures.length > 0 ? { failures } : { inputs: raw };
  }

  async diff(_id: string, olds: FlySecretsOutputs, news: FlySecretsInputs) {
    const replaces = olds.app === news.app ? [] : ["app"];
    // A values map unknown during a preview may hold anything: count it as a change.
    const values =
      typeof news.values === "object" && news.values !== null ? news.values : undefined;
    const changes =
      replaces.length > 0 ||
      values === undefined ||
      changedNames(olds, values).length > 0 ||
      removedNames(olds, values).length > 0;
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: FlySecretsInputs) {
    return this.call(inputs.app, async ({ options, progress }) => {
      const secrets = createSecretsClient(options);
      const salt = randomBytes(32).toString("hex");
      const names = Object.keys(inputs.values).sort();
      progress(`setting ${names.length} secrets (${names.join(", ")})`);
      const written = await secrets.set(inputs.app, inputs.values);
      return { id: inputs.app, outs: this.outputs(inputs, salt, written.version) };
    });
  }

  async read(id: string, props?: FlySecretsOutputs) {
    if (props === undefined || props.salt === undefined) return { id, props };
    return this.call(props.app, async ({ options }) => {
      const secrets = createSecretsClient(options);
      let present: Set<string>;
      try {
        present = new Set((await secrets.list(props.app)).map((secret) => secret.name));
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
      // A secret removed on Fly drops out of the outputs, so the next diff sets it again. Values
      // cannot be read back, so the inputs keep what Pulumi has.
      const keys = props.keys.filter((name) => present.has(name));
      const digests = Object.fromEntries(keys.map((name) => [name, props.digests[name]]));
      return { id, props: { ...props, keys, digests } };
    });
  }

  async update(_id: string, olds: FlySecretsOutputs, news: FlySecretsInputs) {
    return this.call(news.app, async ({ options, progress }) => {
      const secrets = createSecretsClient(options);
      const changed = changedNames(olds, news.values);
      const removed = removedNames(olds, news.values);
      let version = olds.version;
      if (changed.length > 0) {
        progress(`setting secrets ${changed.join(", ")}`);
        const values = Object.fromEntries(changed.map((name) => [name, news.values[name]]));
        version = (await secrets.set(news.app, values)).version;
      }
      if (removed.length > 0) {
        progress(`unsetting secrets ${removed.join(", ")}`);
        version = (await secrets.unset(news.app, removed)).version;
      }
      return { outs: this.outputs(news, olds.salt, version) };
    });
  }

  async delete(_id: string, props: FlySecretsOutputs) {
    await this.call(props.app, async ({ options, progress }) => {
      const secrets = createSecretsClient(options);
      if ((props.keys ?? []).length === 0) return;
      progress(`unsetting secrets ${props.keys.join(", ")}`);
      try {
        await secrets.unset(props.app, props.keys);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  }

  private outputs(inputs: FlySecretsInputs, salt: string, version: number): FlySecretsOutputs {
    return {
      app: inputs.app,
      keys: Object.keys(inputs.values).sort(),
      digests: digestsOf(salt, inputs.values),
      salt,
      version,
    };
  }
}

/** Arguments of FlySecrets. */
export interface FlySecretsArgs {
  /** The app the secrets belong to. Replaces on change. */
  app: pulumi.Input<string>;
  /** Secret name to value. Always stored as a Pulumi secret, whatever the caller passes. */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An app's Fly secrets. Its id is the app name; use `version` as machines' `minSecretsVersion`. */
export class FlySecrets extends LoadedResource {
  declare readonly app: pulumi.Output<string>;
  declare readonly keys: pulumi.Output<string[]>;
  declare readonly digests: pulumi.Output<Record<string, string>>;
  declare readonly salt: pulumi.Output<string>;
  declare readonly version: pulumi.Output<number>;

  constructor(name: string, args: FlySecretsArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { keys: undefined, digests: undefined, salt: undefined, version: undefined };
    super(
      RESOURCE.module,
      RESOURCE.type,
      name,
      { ...outputs, app: args.app, values: pulumi.secret(args.values) },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["salt"] }),
    );
  }
}
