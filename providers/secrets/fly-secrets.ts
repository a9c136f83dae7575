/**
 * FlySecrets: an app's Fly secrets, as one map of name to value, and the app's marker secret
 * naming the stack it belongs to (`ownership.ts`).
 *
 * Values live only in Pulumi's encrypted inputs. Outputs carry, per name, an HMAC-SHA256 digest
 * keyed with a random salt made at create (the salt itself is a secret output), Fly's own
 * fingerprint of each secret as the last write left it, and Fly's secrets `version`. A value
 * changed in the program is found by recomputing its digest; one changed on Fly, by its
 * fingerprint (`secrets-state.ts`), which `diff` reads live, so `up` sets it again from the
 * stack's value. Machines take `version` as `minSecretsVersion`, so a rotation rolls out to them.
 */
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import type { Problem } from "../provider-kit/check-failures";
import { isNotFound } from "../fly-client/fly-api-error";
import { createSecretsClient } from "../fly-client/secret-operations";
import type { AppSecret } from "../fly-client/fly-client";
import { appNameProblem, envNameProblem } from "../../rules/fly-names";
import { FlyProvider, type FlyCall } from "../provider-kit/fly-provider";
import { LoadedResource } from "../provider-kit/loaded-resource";
import { appMarkerName, stackIdentityProblem } from "../provider-kit/ownership";
import { readAndKeep, readForDiff } from "../provider-kit/live-reads";
import { compact } from "../provider-kit/provider-values";
import {
  changedNames,
  fingerprintsOf,
  movedNames,
  removedNames,
  valueDigests,
} from "./secrets-state";
import { planSecretsWrite } from "./secrets-write";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlySecrets" } as const;
/** The kind of the app's secrets list among the answers diffs share. */
const SECRETS = "secrets";

/** Inputs of FlySecrets as its provider receives them. */
export interface FlySecretsInputs {
  /** The app the secrets belong to. Replaces on change. */
  app: string;
  /** Secret name to value; names follow the environment variable rule. */
  values: Record<string, string>;
  /** The declaring stack, `<project>/<stack>`: the app's marker secret names it. */
  stack: string;
  /** The stack whose marked app this one may take over. */
  takeOverFrom?: string;
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
  /** Fly's secrets version after the last write of the stack's values. */
  version: number;
  /** Fly's fingerprint of each name (and of the marker) as the last write left it. */
  fingerprints?: Record<string, string>;
  /** The name of the app's marker secret. */
  marker?: string;
  stack?: string;
  takeOverFrom?: string;
}

function secretsInputSchema() {
  return z.object({
    app: z.string().superRefine((value, ctx) => {
      const reason = appNameProblem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    }),
    values: z.record(z.string(), z.string()),
    stack: z.string().superRefine((value, ctx) => {
      const reason = stackIdentityProblem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    }),
    takeOverFrom: z.string().optional(),
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
    // Pulumi prints the program's value of a failure's top-level property, secret or not: a
    // failure about `values` itself is reported without a property, so no value is printed.
    const failures = toCheckFailures(raw, problems).map((failure) =>
      failure.property === "values"
        ? { property: "", reason: `values: ${failure.reason}` }
        : failure,
    );
    return failures.length > 0 ? { failures } : { inputs: raw };
  }

  async diff(_id: string, olds: FlySecretsOutputs, news: FlySecretsInputs) {
    const replaces = olds.app === news.app ? [] : ["app"];
    // A values map unknown during a preview may hold anything: count it as a change.
    const values =
      typeof news.values === "object" && news.values !== null ? news.values : undefined;
    const declared =
      replaces.length > 0 ||
      values === undefined ||
      changedNames(olds, values).length > 0 ||
      removedNames(olds, values).length > 0 ||
      olds.marker !== appMarkerName(String(news.stack)) ||
      olds.fingerprints === undefined;
    const changes = declared || (await this.movedOnFly(olds));
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: FlySecretsInputs) {
    return this.call(inputs.app, async (call) => {
      const live = await createSecretsClient(call.options).list(inputs.app);
      const salt = randomBytes(32).toString("hex");
      const names = Object.keys(inputs.values).sort();
      call.progress(`setting ${names.length} secrets (${names.join(", ")})`);
      return { id: inputs.app, outs: await this.write(call, inputs, salt, live) };
    });
  }

  async read(id: string, props?: FlySecretsOutputs) {
    if (props === undefined || props.salt === undefined) return { id, props };
    return this.call(props.app, async ({ options }) => {
      let live: AppSecret[];
      try {
        live = await readAndKeep({ app: props.app, kind: SECRETS, id: props.app }, () =>
          createSecretsClient(options).list(props.app),
        );
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
      // A secret removed or written again on Fly drops out of the outputs, so the next diff sets
      // it again from the stack's value. Values cannot be read back: the inputs keep Pulumi's.
      const moved = new Set(props.fingerprints ? movedNames(props.fingerprints, live) : []);
      const present = new Set(live.map((secret) => secret.name));
      const keys = props.keys.filter((name) => present.has(name) && !moved.has(name));
      const keep = <T>(record: Record<string, T> | undefined) =>
        record && Object.fromEntries(Object.entries(record).filter(([name]) => !moved.has(name)));
      const digests = keep(props.digests) ?? {};
      return {
        id,
        props: compact({ ...props, keys, digests, fingerprints: keep(props.fingerprints) }),
      };
    });
  }

  async update(_id: string, olds: FlySecretsOutputs, news: FlySecretsInputs) {
    return this.call(news.app, async (call) => {
      const live = await createSecretsClient(call.options).list(news.app);
      return { outs: await this.write(call, news, olds.salt, live, olds) };
    });
  }

  async delete(_id: string, props: FlySecretsOutputs) {
    // The marker stays: an app left on Fly (it holds retained volumes) still names its stack.
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

  /** Whether Fly no longer holds what the last write left (read live, so `up` sees it). */
  private async movedOnFly(olds: FlySecretsOutputs): Promise<boolean> {
    return this.call(olds.app, async ({ options, progress }) => {
      let live: AppSecret[];
      try {
        // A refresh's Read has just listed them: that list serves (see live-reads.ts).
        const list = () => createSecretsClient(options).list(olds.app);
        live = (await readForDiff({ app: olds.app, kind: SECRETS, id: olds.app, get: list }))!;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
      const moved = movedNames(olds.fingerprints ?? {}, live);
      if (moved.length > 0) {
        progress(
          `on Fly, ${moved.join(", ")} changed since this stack wrote them (secrets version moved); up sets them again from the stack's values and rolls them out`,
        );
      }
      return moved.length > 0;
    });
  }

  /** Writes what `planSecretsWrite` plans, in one request, and returns the outputs. */
  private async write(
    { options, progress }: FlyCall,
    inputs: FlySecretsInputs,
    salt: string,
    live: readonly AppSecret[],
    olds?: FlySecretsOutputs,
  ): Promise<FlySecretsOutputs> {
    const plan = planSecretsWrite({
      app: inputs.app,
      values: inputs.values,
      ownership: inputs,
      live,
      recorded: olds,
    });
    const changedOnFly = new Set(plan.moved);
    const fromProgram = plan.set.filter((name) => !changedOnFly.has(name));
    if (olds !== undefined && fromProgram.length > 0) {
      progress(`setting secrets ${fromProgram.join(", ")}`);
    }
    if (plan.moved.length > 0) {
      progress(
        `setting ${plan.moved.join(", ")} again from the stack's values: changed on Fly since this stack wrote them`,
      );
    }
    if (plan.unset.length > 0) progress(`unsetting secrets ${plan.unset.join(", ")}`);
    if (plan.staleMarkers.length > 0) {
      progress(`removing the marker secrets ${plan.staleMarkers.join(", ")} of an earlier owner`);
    }
    const valuesWritten = plan.set.length > 0 || plan.unset.length > 0;
    let version = olds?.version ?? 0;
    let after: readonly AppSecret[] = live;
    if (Object.keys(plan.body).length > 0) {
      // A server echoing a value into an error must not put it in our error text.
      const written = await createSecretsClient(options).write(inputs.app, plan.body);
      after = written.secrets;
      // A marker alone needs no machine to boot again: the version machines wait for stays.
      if (valuesWritten || olds === undefined) version = written.version;
    }
    const names = Object.keys(inputs.values).sort();
    return compact({
      app: inputs.app,
      keys: names,
      digests: valueDigests(salt, inputs.values),
      salt,
      version,
      fingerprints: fingerprintsOf(after, [...names, plan.marker]),
      marker: plan.marker,
      stack: inputs.stack,
      takeOverFrom: inputs.takeOverFrom,
    });
  }
}

/** Arguments of FlySecrets. */
export interface FlySecretsArgs {
  /** The app the secrets belong to. Replaces on change. */
  app: pulumi.Input<string>;
  /** Secret name to value. Always stored as a Pulumi secret, whatever the caller passes. */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The declaring stack, `<project>/<stack>`: the app's marker secret names it. */
  stack: pulumi.Input<string>;
  /** The stack whose marked app this one may take over. */
  takeOverFrom?: pulumi.Input<string>;
}

/** An app's Fly secrets. Its id is the app name; use `version` as machines' `minSecretsVersion`. */
export class FlySecrets extends LoadedResource {
  declare readonly app: pulumi.Output<string>;
  declare readonly keys: pulumi.Output<string[]>;
  declare readonly digests: pulumi.Output<Record<string, string>>;
  declare readonly salt: pulumi.Output<string>;
  declare readonly version: pulumi.Output<number>;

  constructor(name: string, args: FlySecretsArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      keys: undefined,
      digests: undefined,
      salt: undefined,
      version: undefined,
      fingerprints: undefined,
      marker: undefined,
    };
    super(
      RESOURCE.module,
      RESOURCE.type,
      name,
      {
        ...outputs,
        app: args.app,
        values: pulumi.secret(args.values),
        stack: args.stack,
        takeOverFrom: args.takeOverFrom,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["salt"] }),
    );
  }
}
