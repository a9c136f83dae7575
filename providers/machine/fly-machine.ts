/**
 * FlyMachine: one Fly Machine, converged to a spec and considered done only once it is started
 * and every check passes.
 *
 * Create adopts a machine of the same name that carries the providers' ownership marker (a
 * create whose answer was lost, a state that was lost) and refuses one without it. Updates run
 * under the machine's lease with the complete configuration and roll back when the new version
 * does not become healthy (see `machine-rollout.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HEALTH_TIMEOUT_SECONDS } from "../../rules/deployment-defaults";
import { checkMachineInputs } from "./machine-check";
import type { FlyMachineInputs } from "./machine-check";
import {
  findByName,
  liveId,
  rolloutContext,
  upgradeContext,
  upgradeRecord,
} from "./machine-context";
import { adoptMachine, launchMachine } from "./machine-create";
import { convergeMachine } from "./machine-converge";
import {
  dataRollbackOf,
  interruptedRollbackOf,
  recordedInputs,
  recordRollback,
  restoreUnderWay,
  rollbackOutputs,
  unrecordedSnapshot,
} from "./machine-recovery";
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
import { followRestoredVolume } from "./machine-upgrade";
import type { RestoredVolume } from "./machine-upgrade";
import { machineForDiff, machineForRead } from "./machine-live-read";
import { recordedState } from "../provider-kit/recorded-state";
import { FlyProvider } from "../provider-kit/fly-provider";
import type { DeepInput } from "../provider-kit/provider-values";
import { LoadedResource } from "../provider-kit/loaded-resource";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlyMachine" } as const;

export type { FlyMachineInputs } from "./machine-check";
export type { FlyMachineOutputs } from "./machine-outputs";

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

  async diff(id: string, olds: FlyMachineOutputs, programNews: FlyMachineInputs) {
    // After a data rollback the machine mounts the restored volume where the program still
    // names the replaced one: that is the machine's volume, not a change.
    const news = followRestoredVolume(olds, programNews);
    const declared = declaredDiff(olds, news);
    if (declared.replaces.length > 0) return declared;
    // What runs on Fly, read now: drift behind the stack's back and what an interrupted run
    // left are changes of this `up` (and of its preview), with no refresh needed first. The
    // machine is the recorded one, which a data rollback may have put in place of the first.
    const machineId = liveId(id, olds);
    return this.call(olds.name, async (call) => {
      const { options, progress } = call;
      const live = await machineForDiff(options, machineId, news);
      if (live === undefined || isGone(live)) {
        const trace = await interruptedRollbackOf(upgradeContext(call, news), olds);
        if (trace !== undefined) {
          progress(restoreUnderWay(machineId, trace.snapshotId, "up finishes the restore"));
          return { ...declared, changes: true };
        }
        progress(`machine ${machineId} is gone from Fly; up creates it again`);
        return { changes: true, replaces: ["machineId"], deleteBeforeReplace: true };
      }
      const refusal = machineRefusal(live, news, news);
      if (refusal !== undefined) throw new Error(refusal);
      const drift = liveDrift(live, news);
      if (hasDrift(drift)) {
        progress(`on Fly, ${describeDrift(machineId, drift)}; up brings it back to the program's`);
      }
      // An update a killed run sent: the state must learn how it ended (see machine-converge).
      const unsettled = unrecordedSnapshot(live, olds) !== undefined;
      if (unsettled) {
        progress(
          `machine ${machineId} runs an update an earlier run sent and did not record; up settles it`,
        );
      }
      return { ...declared, changes: declared.changes || hasDrift(drift) || unsettled };
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
    const { machine, restoring } = await this.call(known.name, async (call) => {
      const found = await machineForRead(call.options, known.app, liveId(id, known));
      if (found !== undefined && !isGone(found)) return { machine: found, restoring: false };
      // A machine a data rollback destroyed is the region's until the next up finishes it.
      const ctx = upgradeContext(call, { ...known, stack: known.stack ?? "" });
      return {
        machine: undefined,
        restoring: (await interruptedRollbackOf(ctx, known)) !== undefined,
      };
    });
    if (machine === undefined) {
      if (!restoring) return {};
      return {
        id,
        props: { ...known, healthy: false as const },
        inputs: recordedInputs(known, known),
      };
    }
    const healthTimeoutSeconds = known.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
    const seen = {
      ...machineOutputs({ ...known, healthTimeoutSeconds } as FlyMachineInputs, machine),
      ...upgradeRecord(known),
    };
    const hasChecks = Object.keys(specOf(seen).checks ?? {}).length > 0;
    const outs = isStartedAndHealthy(machine, hasChecks)
      ? seen
      : { ...seen, healthy: false as const };
    return { id, props: outs, inputs: recordedInputs(outs, known) };
  }

  async update(id: string, recorded: FlyMachineOutputs, programNews: FlyMachineInputs) {
    const news = followRestoredVolume(recorded, programNews);
    return this.call(news.name, async (call) => {
      const ctx = upgradeContext(call, news);
      const machineId = liveId(id, recorded);
      const target = { app: news.app, id: machineId, name: news.name, region: news.region };
      try {
        return await convergeMachine(ctx, target, recorded, news);
      } catch (error) {
        const rollback = dataRollbackOf(error);
        // Restored to the recorded configuration, which is what the program asks for (it was
        // reverted after the failed update): done, not failed.
        if (rollback !== undefined && !flyConfigDiffers(recorded, news)) {
          return { outs: rollbackOutputs(programNews, recorded, news, rollback) };
        }
        throw recordRollback(programNews, id, recorded, news, error);
      }
    });
  }

  async delete(id: string, props: FlyMachineOutputs) {
    await this.call(props.name, (call) =>
      destroyMachine(rolloutContext(call, { ...props, stack: props.stack ?? "" }), {
        app: props.app,
        id: liveId(id, props),
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
  /** The declaring stack, `<project>/<stack>`; a machine another stack marked is refused. */
  stack: pulumi.Input<string>;
  /** The stack whose marked machine this one may take over. */
  takeOverFrom?: pulumi.Input<string>;
  /** Size of the mounted volume in GB; a grown volume boots the machine again (an update). */
  volumeSizeGb?: pulumi.Input<number>;
  /**
   * Snapshot the mounted volume before an update to a new image or command, and restore it with
   * the previous configuration when the new version fails.
   */
  snapshotBeforeUpdate?: pulumi.Input<boolean>;
  /** Boot a new image on a fork of the volume, healthy, before the machine gets it. */
  rehearseUpgrades?: pulumi.Input<boolean>;
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
  declare readonly snapshotBeforeUpdate: pulumi.Output<boolean | undefined>;
  declare readonly rehearseUpgrades: pulumi.Output<boolean | undefined>;
  /** The snapshot taken right before the last update that could touch the volume's data. */
  declare readonly preUpdateSnapshotId: pulumi.Output<string | undefined>;
  /** After a rollback that restored the data: the volume now mounted and the one it replaced. */
  declare readonly restoredVolume: pulumi.Output<RestoredVolume | undefined>;

  constructor(name: string, args: FlyMachineArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(
      [
        ...SPEC_KEYS,
        "machineId",
        "version",
        "state",
        "privateIp",
        "preUpdateSnapshotId",
        "restoredVolume",
      ].map((key) => [key, undefined]),
    );
    super(RESOURCE.module, RESOURCE.type, name, { ...outputs, ...args }, opts);
  }
}
