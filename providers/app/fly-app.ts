/**
 * FlyApp: a Fly app, created or adopted by name. App names are one global namespace, so an app
 * of that name can be a lost create of this stack, an app made by hand or by an older version of
 * these providers (adopted), or another stack's: an app marked by another stack is refused, at
 * preview already (`check`), unless this stack names that one in `takeOverFrom`
 * (`app-ownership.ts`).
 *
 * Deleting an app deletes its volumes on Fly, so an app that still holds volumes (retained ones,
 * or ones nobody manages) is never deleted: it is left in place with a warning, and the next
 * `up` adopts it again.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import { createAppsClient } from "../fly-client/app-operations";
import { appRefusal, readAppStanding } from "./app-ownership";
import { createVolumeListClient, DELETED_VOLUME_STATES } from "../fly-client/volume-operations";
import type { App } from "../fly-client/fly-client";
import { DEFAULT_ORG } from "../../rules/deployment-defaults";
import { TAKE_OVER_KEY } from "../../rules/provider-config-keys";
import { appNameProblem, orgSlugProblem } from "../../rules/fly-names";
import { FlyProvider } from "../provider-kit/fly-provider";
import { stackIdentityProblem } from "../provider-kit/ownership";
import { changedKeys, compact } from "../provider-kit/provider-values";
import { anyUnknown, isUnknown } from "../provider-kit/unknowns";
import { LoadedResource } from "../provider-kit/loaded-resource";
import { isNameTaken } from "../fly-client/fly-api-error";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlyApp" } as const;

/** Inputs of FlyApp as its provider receives them. */
export interface FlyAppInputs {
  /** Globally unique app name. Changing it replaces the app. */
  name: string;
  /** Organization slug. Default `personal`. Fly cannot move an app: a change is refused. */
  org: string;
  /** Custom private network isolating the app. Fly cannot change it: a change is refused. */
  network?: string;
  /** The stack declaring the app, `<project>/<stack>`; an app another stack marked is refused. */
  stack: string;
  /** The stack (`<project>/<stack>`) whose app this stack may take over. */
  takeOverFrom?: string;
}

/** Outputs of FlyApp. */
export interface FlyAppOutputs extends FlyAppInputs {
  /** Fly's id of the app. */
  appId: string;
}

function appInputSchema() {
  const rule = (problem: (value: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => {
      const reason = problem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    });
  return z.object({
    name: rule(appNameProblem),
    org: rule(orgSlugProblem).optional(),
    network: z.string().min(1).optional(),
    stack: rule(stackIdentityProblem),
    takeOverFrom: rule(stackIdentityProblem).optional(),
  });
}

/** `default` is what Fly calls the organization's shared network: the same as none. */
function networkOf(app: App): string | undefined {
  const network = app.network;
  return typeof network === "string" && network !== "" && network !== "default"
    ? network
    : undefined;
}

function outputsOf(app: App, inputs: FlyAppInputs): FlyAppOutputs {
  return compact({
    name: app.name,
    org: app.organization?.slug ?? inputs.org,
    network: networkOf(app),
    stack: inputs.stack,
    takeOverFrom: inputs.takeOverFrom,
    appId: app.id ?? app.name,
  });
}

/**
 * An existing app (same name) asked to move to another organization or network. Fly cannot do
 * either, and a replacement would first delete everything that depends on the app (machines,
 * volumes, IP addresses, secrets), then fail to recreate the app under its taken name: refused
 * here, at preview, before anything is touched.
 */
function immovableChanges(olds: Partial<FlyAppInputs>, news: FlyAppInputs) {
  if (olds.name === undefined || olds.name !== news.name) return [];
  const sameApp = `the app ${news.name} exists already`;
  const consequence =
    "replacing it would delete every machine, volume, IP address and secret of the app; " +
    "keep the old value, or give the app a new name to create a new app";
  const failures: { property: string; reason: string }[] = [];
  if (olds.org !== undefined && !isUnknown(news.org) && olds.org !== news.org) {
    failures.push({
      property: "org",
      reason: `${sameApp} in organization ${olds.org} and Fly cannot move it to ${news.org}: ${consequence}`,
    });
  }
  const network = (value: string | undefined) =>
    value === undefined ? "the default network" : `network ${value}`;
  if (!isUnknown(news.network) && olds.network !== news.network) {
    failures.push({
      property: "network",
      reason: `${sameApp} on ${network(olds.network)} and Fly cannot move it to ${network(news.network)}: ${consequence}`,
    });
  }
  return failures;
}

/** The provider behind the resource below (exported for tests and tooling). */
export class FlyAppProvider
  extends FlyProvider
  implements pulumi.dynamic.ResourceProvider<FlyAppInputs, FlyAppOutputs>
{
  constructor() {
    super(RESOURCE.type, "app");
  }

  async check(olds: Partial<FlyAppInputs>, news: FlyAppInputs) {
    const failures = toCheckFailures(news, schemaProblems(appInputSchema(), news));
    if (failures.length > 0) return { failures };
    const inputs = { ...news, org: news.org ?? DEFAULT_ORG };
    const moves = immovableChanges(olds, inputs);
    if (moves.length > 0) return { failures: moves };
    // A create (or a new name) takes over any app of that name: whose it is, is read now, so a
    // preview already shows the refusal. Only reads are made.
    const creating = olds.name === undefined || olds.name !== inputs.name;
    if (creating && !anyUnknown(inputs.name, inputs.org, inputs.stack, inputs.takeOverFrom)) {
      const refusal = await this.call(inputs.name, async ({ options }) => {
        const standing = await readAppStanding(options, inputs.name, inputs);
        return standing && appRefusal(standing, inputs, inputs);
      });
      if (refusal !== undefined) return { failures: [{ property: "name", reason: refusal }] };
    }
    return { inputs };
  }

  async diff(_id: string, olds: FlyAppOutputs, news: FlyAppInputs) {
    const replaces = changedKeys({ ...olds }, { ...news }, ["name", "org", "network"]);
    // Keeping the name means the old app must be gone before the name can be taken again.
    const keepsName = olds.name === news.name;
    // The stack's mark lives in the app's secrets (FlySecrets writes it): nothing on the app
    // itself changes with `stack` or `takeOverFrom`.
    return {
      changes: replaces.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && keepsName,
    };
  }

  async create(inputs: FlyAppInputs) {
    return this.call(inputs.name, async ({ options, progress }) => {
      const apps = createAppsClient(options);
      // Create first: Fly refuses a taken name, so looking up first would only add a round trip
      // to every fresh up. Only a refusal (or a lost answer, which the client handles) looks,
      // and then whose the app is decides: adopted when ours, unmarked or taken over on purpose.
      progress(`creating app ${inputs.name} in ${inputs.org}`);
      try {
        const app = await apps.create(
          compact({ name: inputs.name, org_slug: inputs.org, network: inputs.network }),
        );
        return { id: app.name, outs: outputsOf(app, inputs) };
      } catch (refusal) {
        if (!isNameTaken(refusal)) throw refusal;
        const standing = await readAppStanding(options, inputs.name, inputs);
        if (standing === undefined) {
          throw new Error(
            `the app name "${inputs.name}" is taken by an app this token cannot see: ` +
              "app names are global, choose another",
            { cause: refusal },
          );
        }
        const refused = appRefusal(standing, inputs, inputs);
        if (refused !== undefined) throw new Error(refused, { cause: refusal });
        const { verdict } = standing;
        progress(
          verdict.kind === "taken-over"
            ? `taking over app ${inputs.name} from stack ${verdict.from}, as ${TAKE_OVER_KEY} asks`
            : `adopting existing app ${inputs.name} in ${inputs.org} (${verdict.kind === "ours" ? "this stack's" : standing.evidence})`,
        );
        return { id: standing.app.name, outs: outputsOf(standing.app, inputs) };
      }
    });
  }

  async read(id: string, props?: FlyAppOutputs) {
    const app = await this.call(id, ({ options }) => createAppsClient(options).getOrUndefined(id));
    if (app === undefined) return {};
    const known = props ?? ({ org: DEFAULT_ORG } as FlyAppOutputs);
    const outs = outputsOf(app, known);
    const inputs = compact({
      name: outs.name,
      org: outs.org,
      network: outs.network,
      stack: outs.stack,
      takeOverFrom: outs.takeOverFrom,
    });
    return { id, props: outs, inputs: inputs as FlyAppOutputs };
  }

  async update(_id: string, olds: FlyAppOutputs, news: FlyAppInputs) {
    // Every input replaces the app; an update only ever records unchanged values.
    return { outs: { ...olds, ...news } };
  }

  async delete(id: string, props: FlyAppOutputs) {
    await this.call(id, async ({ options, progress }) => {
      const apps = createAppsClient(options);
      const volumes = createVolumeListClient(options);
      const app = await apps.getOrUndefined(id);
      if (app === undefined) return;
      const held = (await volumes.list(id)).filter(
        (volume) => !DELETED_VOLUME_STATES.includes(volume.state),
      );
      if (held.length > 0) {
        const names = held.map((v) => `${v.name} (${v.id}, ${v.region})`).join(", ");
        progress(
          `warning: app ${id} still holds volumes ${names}; it is left in place on Fly ` +
            `(deleting it would delete them) and the next up adopts it again`,
        );
        return;
      }
      progress(`deleting app ${id} of ${props.org}`);
      await apps.delete(id);
    });
  }
}

/** Arguments of FlyApp. */
export interface FlyAppArgs {
  /** Globally unique app name: lowercase letters, digits and dashes. Replaces on change. */
  name: pulumi.Input<string>;
  /** Organization slug (default `personal`). Cannot change once the app exists. */
  org?: pulumi.Input<string>;
  /** Custom private network (default: the organization's). Cannot change once the app exists. */
  network?: pulumi.Input<string>;
  /** The declaring stack, `<project>/<stack>` (the program's `getProject()`/`getStack()`). */
  stack: pulumi.Input<string>;
  /** The stack whose app this one may take over. */
  takeOverFrom?: pulumi.Input<string>;
}

/** A Fly app. Its id is the app name. */
export class FlyApp extends LoadedResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly org: pulumi.Output<string>;
  declare readonly network: pulumi.Output<string | undefined>;
  declare readonly stack: pulumi.Output<string>;
  declare readonly appId: pulumi.Output<string>;

  constructor(name: string, args: FlyAppArgs, opts?: pulumi.CustomResourceOptions) {
    super(RESOURCE.module, RESOURCE.type, name, { appId: undefined, ...args }, opts);
  }
}
