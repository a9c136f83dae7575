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
import {
  declaredDiff,
  describeDrift,
  hasDrift,
  isGone,
  liveDrift,
  machineRefusal,
} from "./machine-drift";
import { SPEC_KEYS, specOf } from "./machine-normal-form";
import { flyConfigDiffers, isStartedAndHealthy, machineOutputs } from "./machine-outputs";
import type { FlyMachineOutputs } from "./machine-outputs";
import type { MachineSpec } from "./machine-spec";
import { destroyMachine } from "./machine-destroy";
import { machineForDiff, machineForRead } from "./machine-live-read";
import { ensureHealthy, rollOut } from "./machine-rollout";
import { isNotFound } from "../fly-client/fly-api-error";
import type { Machine, MachineOperations } from "../fly-client/fly-client";
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
function rolloutContext(
  call: FlyCall,
  machine: Pick<FlyMachineInputs, "healthTimeoutSeconds" | "stack">,
): RolloutContext {
  const { options, tuning, progress } = call;
  const seconds = machine.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
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
    stack: machine.stack ?? "",
  };
}

/** The revision a machine is brought to: the declared spec, marks and secrets version. */
function revisionOf(machine: FlyMachineInputs | FlyMachineOutputs, stack: string) {
  return {
    spec: specOf(machine),
    minSecretsVersion: machine.minSecretsVersion,
    stack,
    volumeSizeGb: machine.volumeSizeGb,
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
    // Pure: a machine of another stack is refused by the create (and its app already by
    // FlyApp's check at preview, since another stack's machines live in another stack's app).
    return checkMachineInputs(news as unknown as Record<string, unknown>);
  }

  async diff(id: string, olds: FlyMachineOutputs, news: FlyMachineInputs) {
    const declared = declaredDiff(olds, news);
    if (declared.replaces.length > 0) return declared;
    // What runs on Fly, read now: drift behind the stack's back and what an interrupted run
    // left are changes of this `up` (and of its preview), with no refresh needed first.
    return this.call(olds.name, async ({ options, progress }) => {
      const live = await machineForDiff(options, id, news);
      if (live === undefined || isGone(live)) {
        progress(`machine ${id} is gone from Fly; up creates it again`);
        return { changes: true, replaces: ["machineId"], deleteBeforeReplace: true };
      }
      const refusal = machineRefusal(live, news, news);
      if (refusal !== undefined) throw new Error(refusal);
      const drift = liveDrift(live, news);
      if (hasDrift(drift)) {
        progress(`on Fly, ${describeDrift(id, drift)}; up brings it back to the program's`);
      }
      return { ...declared, changes: declared.changes || hasDrift(drift) };
    });
  }

  async create(inputs: FlyMachineInputs) {
    return this.call(inputs.name, async (call) => {
      const ctx = rolloutContext(call, inputs);
      const existing = await findByName(ctx.client.machines, inputs);
      const machine = existing
        ? await adoptMachine(ctx, inputs, existing)
        : await launchMachine(ctx, inputs);
      return { id: machine.id, outs: machineOutputs(inputs, machine) };
    });
  }

  async read(id: string, props?: FlyMachineOutputs) {
    const known = recordedState(RESOURCE.type, props);
    const machine = await this.call(known.name, (call) =>
      machineForRead(call.options, known.app, id),
    );
    if (machine === undefined || isGone(machine)) return {};
    const healthTimeoutSeconds = known.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
    const seen = machineOutputs({ ...known, healthTimeoutSeconds } as FlyMachineInputs, machine);
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
      stack: outs.stack,
      takeOverFrom: outs.takeOverFrom,
      volumeSizeGb: outs.volumeSizeGb,
    }) as FlyMachineOutputs;
    return { id, props: outs, inputs };
  }

  async update(id: string, olds: FlyMachineOutputs, news: FlyMachineInputs) {
    return this.call(news.name, async (call) => {
      const ctx = rolloutContext(call, news);
      const target = { app: news.app, id, name: news.name, region: news.region };
      const current = await ctx.client.machines.get(news.app, id);
      const refusal = machineRefusal(current, news, news);
      if (refusal !== undefined) throw new Error(refusal);
      const drift = liveDrift(current, news);
      // Fly does not say which secrets version a machine booted with: only the state knows.
      const secretsMove = olds.minSecretsVersion !== news.minSecretsVersion;
      // The program's configuration runs but is unhealthy, and it is not the one last recorded
      // healthy: an interrupted update left it. It is sent again and rolled back if it fails.
      const unfinished = !drift.healthy && flyConfigDiffers(olds, news);
      if (drift.keys.length > 0 || secretsMove || unfinished) {
        const machine = await rollOut(
          ctx,
          target,
          revisionOf(news, news.stack),
          revisionOf(olds, news.stack),
        );
        return { outs: machineOutputs(news, machine) };
      }
      // Nothing to send, but the machine must still be healthy: started when it rests, and
      // waited for (a partial create, a machine stopped behind the stack's back).
      const machine = await ensureHealthy(ctx, target, current, specOf(news));
      return { outs: machineOutputs(news, machine) };
    });
  }

  async delete(id: string, props: FlyMachineOutputs) {
    await this.call(props.name, (call) =>
      destroyMachine(rolloutContext(call, { ...props, stack: props.stack ?? "" }), {
        app: props.app,
        id,
        name: props.name,
        region: props.region,
      }),
    );
  }
}

/**
 * The machine of the wanted name in the app, if one exists (not destroyed). Creates of one
 * fan-out share one list of the app's machines (see shared-lookups.ts).
 */
async function findByName(
  machines: Pick<MachineOperations, "list">,
  inputs: Pick<FlyMachineInputs, "app" | "name">,
): Promise<Machine | undefined> {
  let listed: Machine[];
  try {
    listed = await sharedLookup(`machines of ${inputs.app}`, () => machines.list(inputs.app));
  } catch (error) {
    // No app yet: nothing of that name can exist.
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return listed.find((m) => m.name === inputs.name && !isGone(m));
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
  /** The declaring stack, `<project>/<stack>`; a machine another stack marked is refused. */
  stack: pulumi.Input<string>;
  /** The stack whose marked machine this one may take over. */
  takeOverFrom?: pulumi.Input<string>;
  /** Size of the mounted volume in GB; a grown volume boots the machine again (an update). */
  volumeSizeGb?: pulumi.Input<number>;
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
  declare readonly stack: pulumi.Output<string | undefined>;
  declare readonly volumeSizeGb: pulumi.Output<number | undefined>;

  constructor(name: string, args: FlyMachineArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(
      [...SPEC_KEYS, "machineId", "version", "state", "privateIp"].map((key) => [key, undefined]),
    );
    super(RESOURCE.module, RESOURCE.type, name, { ...outputs, ...args }, opts);
  }
}
