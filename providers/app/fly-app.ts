/**
 * FlyApp: a Fly app, created or adopted by name (app names are one global namespace, so an app
 * of that name in the same organization can only be ours or a lost create of ours).
 *
 * Deleting an app deletes its volumes on Fly, so an app that still holds volumes (retained ones,
 * or ones nobody manages) is never deleted: it is left in place with a warning, and the next
 * `up` adopts it again.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import { createAppsClient } from "../fly-client/app-operations";
import { createVolumeListClient, DELETED_VOLUME_STATES } from "../fly-client/volume-operations";
import { isNameTaken } from "../fly-client/fly-api-error";
import type { App } from "../fly-client/fly-client";
import { DEFAULT_ORG } from "../../rules/deployment-defaults";
import { appNameProblem, orgSlugProblem } from "../../rules/fly-names";
import { FlyProvider } from "../provider-kit/fly-provider";
import { changedKeys, compact } from "../provider-kit/provider-values";
import { isUnknown } from "../provider-kit/unknowns";
import { LoadedResource } from "../provider-kit/loaded-resource";

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
  });
}

/** `default` is what Fly calls the organization's shared network: the same as none. */
function networkOf(app: App): string | undefined {
  const network = app.network;
  return typeof network === "string" && network !== "" && network !== "default"
    ? network
    : undefined;
}

function outputsOf(app: App, fallbackOrg: string): FlyAppOutputs {
  return compact({
    name: app.name,
    org: app.organization?.slug ?? fallbackOrg,
    network: networkOf(app),
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
    return moves.length > 0 ? { failures: moves } : { inputs };
  }

  async diff(_id: string, olds: FlyAppOutputs, news: FlyAppInputs) {
    const replaces = changedKeys({ ...olds }, { ...news }, ["name", "org", "network"]);
    // Keeping the name means the old app must be gone before the name can be taken again.
    const keepsName = olds.name === news.name;
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
      // to every fresh up. Only a refusal (or a lost answer, which the client handles) looks.
      progress(`creating app ${inputs.name} in ${inputs.org}`);
      try {
        const app = await apps.create(
          compact({ name: inputs.name, org_slug: inputs.org, network: inputs.network }),
        );
        return { id: app.name, outs: outputsOf(app, inputs.org) };
      } catch (refusal) {
        if (!isNameTaken(refusal)) throw refusal;
        const existing = await apps.getOrUndefined(inputs.name);
        const org = existing?.organization?.slug;
        if (existing === undefined || org !== inputs.org) {
          const owner =
            existing === undefined
              ? "this token cannot see"
              : `in organization ${org ?? "(unknown)"}, not ${inputs.org}`;
          throw new Error(
            `the app name "${inputs.name}" is taken by an app ${owner}: ` +
              "app names are global, choose another",
            { cause: refusal },
          );
        }
        progress(`adopting existing app ${inputs.name} in ${inputs.org}`);
        return { id: existing.name, outs: outputsOf(existing, inputs.org) };
      }
    });
  }

  async read(id: string, props?: FlyAppOutputs) {
    const app = await this.call(id, ({ options }) => createAppsClient(options).getOrUndefined(id));
    if (app === undefined) return {};
    const outs = outputsOf(app, props?.org ?? DEFAULT_ORG);
    const inputs = compact({ name: outs.name, org: outs.org, network: outs.network });
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
}

/** A Fly app. Its id is the app name. */
export class FlyApp extends LoadedResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly org: pulumi.Output<string>;
  declare readonly network: pulumi.Output<string | undefined>;
  declare readonly appId: pulumi.Output<string>;

  constructor(name: string, args: FlyAppArgs, opts?: pulumi.CustomResourceOptions) {
    super(RESOURCE.module, RESOURCE.type, name, { appId: undefined, ...args }, opts);
  }
}
