/**
 * FlyMachine: one Fly Machine, converged to a spec and considered done only once it is started
 * and every check passes.
 *
 * Create adopts a machine of the same name that carries the providers' ownership marker (a
 * create whose answer was lost, a state that was lost) and refuses one without it. Updates run
 * under the machine's lease with the complete configuration and roll back when the new version
 * does not become healthy (see `machine-rollout.ts`).
 */
import { sharedLookup } from "../provider-kit/shared-lookups";
import * as pulumi from "@pulumi/pulumi";
import { createLeasesClient } from "../fly-client/lease-operations";
import { createLogsClient } from "../fly-client/log-operations";
import { createMachinesClient } from "../fly-client/machine-operations";
import { createWaitsClient } from "../fly-client/wait-operations";
import { DEFAULT_HEALTH_TIMEOUT_SECONDS } from "../../rules/deployment-defaults";
import { checkMachineInputs } from "./machine-check";
import type { FlyMachineInputs } from "./machine-check";
import { adoptMachine, launchMachine } from "./machine-create";
import { mountedVolume, SPEC_KEYS, specOf } from "./machine-normal-form";
import {
  flyConfigDiffers,
  isStartedAndHealthy,
  machineOutputs,
  recordedUnhealthy,
} from "./machine-outputs";
import type { FlyMachineOutputs } from "./machine-outputs";
import type { MachineSpec } from "./machine-spec";
import { destroyMachine } from "./machine-destroy";
import { ensureHealthy, rollOut } from "./machine-rollout";
import type { RolloutContext } from "./machine-rollout";
import { recordedState } from "../provider-kit/recorded-state";
import { FlyProvider, type FlyCall } from "../provider-kit/fly-provider";
import { compact } from "../provider-kit/provider-values";
import type { DeepInput } from "../provider-kit/provider-values";
import { LoadedResource } from "../provider-kit/loaded-resource";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlyMachine" } as const;

export type { FlyMachineInputs } from "./machine-check";
export type { FlyMachineOutputs } from "./machine-outputs";

/** What every step of a machine's create, update or destroy needs, for one call. */
function rolloutContext(call: FlyCall, healthTimeoutSeconds: number | undefined): RolloutContext {
  const { options, tuning, progress } = call;
  const seconds = healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
  return {
    client: {
      machines: createMachinesClient(options),
      waits: createWaitsClient(options),
      leases: createLeasesClient(options),
      logs: createLogsClient(options),
    },
    tuning,
    progress,
    healthTimeoutMs: seconds * 1000,
  };
}

/** The provider behind the resource below (exported for tests and tooling). */
export class FlyMachineProvider
  extends FlyProvider
  implements pulumi.dynamic.ResourceProvider<FlyMachineInputs, FlyMachineOutputs>
{
  constructor() {
    super(RESOURCE.type, "machine");
  }

  async check(_olds: FlyMachineInputs, news: FlyMachineInputs) {
    return checkMachineInputs(news as unknown as Record<string, unknown>);
  }

  async diff(_id: string, olds: FlyMachineOutputs, news: FlyMachineInputs) {
    // Fly cannot move, rename or re-home a machine, nor swap its volume: those replace it.
    const replaces: string[] = [];
    if (olds.app !== news.app) replaces.push("app");
    if (olds.name !== news.name) replaces.push("name");
    if (olds.region !== news.region) replaces.push("region");
    if (mountedVolume(olds) !== mountedVolume(news)) replaces.push("mounts");
    // A machine last seen stopped or failing its checks is a change too: Pulumi keeps no other
    // trace of it (a refresh clears the init errors of a create that never became healthy).
    const changes =
      replaces.length > 0 ||
      flyConfigDiffers(olds, news) ||
      olds.healthTimeoutSeconds !== news.healthTimeoutSeconds ||
      recordedUnhealthy(olds);
    // Names are unique per app and a volume attaches to one machine: a replacement that keeps
    // either must remove the old machine before the new one can exist.
    const sameName = olds.app === news.app && olds.name === news.name;
    const sameVolume =
      mountedVolume(olds) !== undefined && mountedVolume(olds) === mountedVolume(news);
    return {
      changes,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && (sameName || sameVolume),
    };
  }

  async create(inputs: FlyMachineInputs) {
    return this.call(inputs.name, async (call) => {
      const ctx = rolloutContext(call, inputs.healthTimeoutSeconds);
      // Creates of one fan-out share one list of the app's machines (see shared-lookups.ts).
      const listed = await sharedLookup(`machines of ${inputs.app}`, () =>
        ctx.client.machines.list(inputs.app),
      );
      const existing = listed.find(
        (m) => m.name === inputs.name && m.state !== "destroyed" && m.state !== "destroying",
      );
      const machine = existing
        ? await adoptMachine(ctx, inputs, existing)
        : await launchMachine(ctx, inputs);
      return { id: machine.id, outs: machineOutputs(inputs, machine) };
    });
  }

  async read(id: string, props?: FlyMachineOutputs) {
    const known = recordedState(RESOURCE.type, props);
    const machine = await this.call(known.name, (call) =>
      createMachinesClient(call.options).getOrUndefined(known.app, id),
    );
    if (machine === undefined || machine.state === "destroyed" || machine.state === "destroying") {
      return {};
    }
    const healthTimeoutSeconds = known.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
    const seen = machineOutputs({ ...known, healthTimeoutSeconds }, machine);
    const hasChecks = Object.keys(specOf(seen).checks ?? {}).length > 0;
    const outs = isStartedAndHealthy(machine, hasChecks)
      ? seen
      : { ...seen, healthy: false as const };
    const inputs = compact({
      app: outs.app,
      name: outs.name,
      region: outs.region,
      ...specOf(outs),
      minSecretsVersion: outs.minSecretsVersion,
      healthTimeoutSeconds,
    }) as FlyMachineOutputs;
    return { id, props: outs, inputs };
  }

  async update(id: string, olds: FlyMachineOutputs, news: FlyMachineInputs) {
    return this.call(news.name, async (call) => {
      const ctx = rolloutContext(call, news.healthTimeoutSeconds);
      const target = { app: news.app, id, name: news.name, region: news.region };
      if (!flyConfigDiffers(olds, news)) {
        // Nothing to send, but the machine must still be healthy: Pulumi also updates a machine
        // whose create left it unhealthy (a partial create), and that one is not done yet.
        const current = await ctx.client.machines.get(news.app, id);
        const machine = await ensureHealthy(ctx, target, current, specOf(news));
        return { outs: machineOutputs(news, machine) };
      }
      const machine = await rollOut(
        ctx,
        target,
        { spec: specOf(news), minSecretsVersion: news.minSecretsVersion },
        { spec: specOf(olds), minSecretsVersion: olds.minSecretsVersion },
      );
      return { outs: machineOutputs(news, machine) };
    });
  }

  async delete(id: string, props: FlyMachineOutputs) {
    await this.call(props.name, (call) =>
      destroyMachine(rolloutContext(call, props.healthTimeoutSeconds), {
        app: props.app,
        id,
        name: props.name,
        region: props.region,
      }),
    );
  }
}

/** Arguments of FlyMachine: the spec fields at the top level, so previews show `guest.memoryMb`. */
export type FlyMachineArgs = {
  [K in keyof MachineSpec]: DeepInput<MachineSpec[K]>;
} & {
  /** The app the machine belongs to. Changing it replaces the machine. */
  app: pulumi.Input<string>;
  /** Machine name, unique within the app. Changing it replaces the machine. */
  name: pulumi.Input<string>;
  /** Region code, e.g. `iad`. Changing it replaces the machine. */
  region: pulumi.Input<string>;
  /** Boot with app secrets at least this new; pass FlySecrets `version` to roll out rotations. */
  minSecretsVersion?: pulumi.Input<number>;
  /** Seconds to wait for a new version to start, and again for its checks to pass (default 600). */
  healthTimeoutSeconds?: pulumi.Input<number>;
};

/**
 * A Fly Machine. Replaced when `app`, `name`, `region` or the mounted volume change; every
 * other change is an in-place update that waits for health and rolls back on failure. An
 * existing machine of the same name that these providers made is adopted by the create.
 */
export class FlyMachine extends LoadedResource {
  declare readonly app: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly machineId: pulumi.Output<string>;
  declare readonly version: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;
  declare readonly privateIp: pulumi.Output<string>;
  declare readonly image: pulumi.Output<string>;
  declare readonly guest: pulumi.Output<MachineSpec["guest"]>;
  declare readonly env: pulumi.Output<Record<string, string> | undefined>;
  declare readonly files: pulumi.Output<MachineSpec["files"]>;
  declare readonly init: pulumi.Output<MachineSpec["init"]>;
  declare readonly mounts: pulumi.Output<MachineSpec["mounts"]>;
  declare readonly services: pulumi.Output<MachineSpec["services"]>;
  declare readonly checks: pulumi.Output<MachineSpec["checks"]>;
  declare readonly restart: pulumi.Output<MachineSpec["restart"]>;
  declare readonly metadata: pulumi.Output<Record<string, string> | undefined>;
  declare readonly stopConfig: pulumi.Output<MachineSpec["stopConfig"]>;
  declare readonly autoDestroy: pulumi.Output<boolean | undefined>;
  declare readonly minSecretsVersion: pulumi.Output<number | undefined>;
  declare readonly healthTimeoutSeconds: pulumi.Output<number>;

  constructor(name: string, args: FlyMachineArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(
      [...SPEC_KEYS, "machineId", "version", "state", "privateIp"].map((key) => [key, undefined]),
    );
    super(RESOURCE.module, RESOURCE.type, name, { ...outputs, ...args }, opts);
  }
}
