/**
 * Updates that cannot lose the region's data. Before a machine moves to a new image or command
 * (what decides how the gateway reads and migrates its volume):
 *
 * - rehearsal (a new image only): the volume is forked, the new version boots on the fork in a
 *   temporary machine without services (so it gets no traffic), and only once it is healthy are
 *   the temporary machine and the fork removed and the real machine touched;
 * - a snapshot of the volume is taken and awaited, its id recorded in the machine's outputs;
 * - if the new version then fails, the region is restored as it was before the update, from
 *   that snapshot (see `data-rollback.ts`). The volume the failed version ran on is kept.
 *
 * The update's configuration names its snapshot (`PRE_UPDATE_SNAPSHOT_KEY`), so that an update a
 * killed run sent is settled from it (see `settleUnrecordedUpdate`).
 */
import type { Machine, VolumeOperations } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { restoreRegion } from "./data-rollback";
import { mountedVolume, PRE_UPDATE_SNAPSHOT_KEY } from "./machine-normal-form";
import { rollOut } from "./machine-rollout";
import type { MachineRevision, MachineTarget, RolloutContext } from "./machine-rollout";
import type { MachineSpec } from "./machine-spec";
import { rehearse } from "./upgrade-rehearsal";
import { takeSnapshot } from "../volume/volume-snapshot";
import { sameValue } from "../provider-kit/provider-values";

/** A rollout that can also reach the machine's volumes. */
export interface UpgradeContext extends RolloutContext {
  volumes: VolumeOperations;
}

/** What the outputs record of the last data-touching update. */
export interface UpgradeRecord {
  /** The snapshot taken right before the last update that could touch the volume's data. */
  preUpdateSnapshotId?: string;
  /** Set after a rollback restored the data: the volume now mounted, and what it replaced. */
  restoredVolume?: RestoredVolume;
}

/** A data rollback's result: the volume made from the snapshot, and the one it replaced. */
export interface RestoredVolume {
  volumeId: string;
  snapshotId: string;
  /** Holds what the failed version wrote; kept on Fly, never deleted by the rollback. */
  replacedVolumeId: string;
  /**
   * The volume the program names for the machine, when it is not `replacedVolumeId`: after a
   * second rollback the replaced volume is the first one's restored volume.
   */
  declaredVolumeId?: string;
}

/** Whether a change can alter what the gateway writes to its volume: a new image or command. */
export function touchesData(before: MachineSpec, after: MachineSpec): boolean {
  return before.image !== after.image || !sameValue(before.init, after.init);
}

/**
 * The inputs as they apply to a machine whose data a rollback restored: the program still names
 * the replaced volume (its FlyVolume keeps it, with the failed attempt's data), while the machine
 * mounts the restored one, so that mount means the restored volume until the program names
 * another.
 */
export function followRestoredVolume<T extends FlyMachineInputs>(
  recorded: UpgradeRecord,
  news: T,
): T {
  const restored = recorded.restoredVolume;
  const declared = restored?.declaredVolumeId ?? restored?.replacedVolumeId;
  if (restored === undefined || mountedVolume(news) !== declared) return news;
  const mounts = news.mounts!.map((mount, index) =>
    index === 0 ? { ...mount, volume: restored.volumeId } : mount,
  );
  return { ...news, mounts };
}

/** Marks a rollback that restored the data: the update failed, the region runs again. */
export interface DataRollback {
  machine: Machine;
  spec: MachineSpec;
  record: UpgradeRecord;
}

/** The error `upgrade` throws after a data rollback; `dataRollback` says what now runs. */
export type DataRollbackError = Error & { dataRollback: DataRollback };

/** The protection an update gets. */
export interface UpgradeSafety {
  snapshot: boolean;
  rehearse: boolean;
}

/**
 * Moves the machine from `previous` to `next` with the protection `safety` asks for when the
 * change can touch the volume's data; otherwise a plain rollout. Returns the healthy machine and
 * the snapshot taken, or throws: a failed rehearsal (the machine untouched), or a
 * `DataRollbackError` once the region runs the previous version on its pre-update data.
 */
export async function upgrade(
  ctx: UpgradeContext,
  target: MachineTarget,
  next: MachineRevision,
  previous: MachineRevision,
  safety: UpgradeSafety,
): Promise<{ machine: Machine; preUpdateSnapshotId?: string }> {
  const volumeId = mountedVolume(previous.spec);
  if (volumeId === undefined || !touchesData(previous.spec, next.spec)) {
    return { machine: await rollOut(ctx, target, next, previous) };
  }
  if (safety.rehearse && previous.spec.image !== next.spec.image) {
    await rehearse(ctx, target, next, volumeId);
  }
  if (!safety.snapshot) return { machine: await rollOut(ctx, target, next, previous) };
  const snapshotId = await takeSnapshot(
    ctx.volumes,
    ctx.progress,
    { app: target.app, volumeId, purpose: `before machine ${target.id} runs ${next.spec.image}` },
    { timeoutMs: ctx.healthTimeoutMs, pollMs: ctx.tuning.pollIntervalMs },
  );
  const recorded = { ...next, records: { [PRE_UPDATE_SNAPSHOT_KEY]: snapshotId } };
  try {
    const machine = await rollOut(ctx, target, recorded, previous, { restorePrevious: false });
    return { machine, preUpdateSnapshotId: snapshotId };
  } catch (error) {
    if (!(error as { newVersionFailed?: boolean }).newVersionFailed) throw error;
    ctx.progress(
      `the new version failed after it could have written to volume ${volumeId}; restoring ` +
        `snapshot ${snapshotId} and the previous configuration`,
    );
    throw await restoreRegion(
      ctx,
      target,
      previous,
      { snapshotId, volumeId },
      { message: (error as Error).message, failure: error },
    );
  }
}
