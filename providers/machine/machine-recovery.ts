/**
 * What FlyMachine does when it finds a machine a killed run left in the middle of a protected
 * update or of its data rollback (see `data-rollback.ts`), and how a data rollback is recorded.
 */
import type { Machine } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { revisionOf } from "./machine-context";
import { findInterruptedRollback, protectingSnapshotOf, restoreRegion } from "./data-rollback";
import { mountedVolume, specOf } from "./machine-normal-form";
import { machineOutputs } from "./machine-outputs";
import type { FlyMachineOutputs } from "./machine-outputs";
import type { MachineTarget } from "./machine-rollout";
import type { DataRollbackError, UpgradeContext } from "./machine-upgrade";
import { initFailure } from "../provider-kit/fly-provider";
import { compact } from "../provider-kit/provider-values";

/**
 * Inputs of a machine recorded as `outs`: what `read` gives Pulumi to diff against the program.
 * The protection settings are the program's alone; Fly shows none of them.
 */
export function recordedInputs(outs: FlyMachineOutputs, known: FlyMachineOutputs) {
  return compact({
    app: outs.app,
    name: outs.name,
    region: outs.region,
    ...specOf(outs),
    minSecretsVersion: outs.minSecretsVersion,
    healthTimeoutSeconds: outs.healthTimeoutSeconds,
    stack: outs.stack,
    takeOverFrom: outs.takeOverFrom,
    volumeSizeGb: outs.volumeSizeGb,
    snapshotBeforeUpdate: known.snapshotBeforeUpdate,
    rehearseUpgrades: known.rehearseUpgrades,
  }) as FlyMachineOutputs;
}

/**
 * The snapshot protecting an update a killed run sent to the machine, if it runs one: the
 * snapshot its configuration names, when the state never recorded that update as done.
 */
export function unfinishedSnapshot(live: Machine, olds: FlyMachineOutputs): string | undefined {
  const protecting = protectingSnapshotOf(live);
  return protecting !== olds.preUpdateSnapshotId ? protecting : undefined;
}

/** What a data rollback of the recorded machine left when it was interrupted, if anything. */
export async function interruptedRollbackOf(ctx: UpgradeContext, recorded: FlyMachineOutputs) {
  const volumeId = mountedVolume(specOf(recorded));
  if (volumeId === undefined) return undefined;
  return findInterruptedRollback(ctx, recorded, volumeId);
}

/**
 * The error that ends an update whose machine is gone: a data rollback the diff found
 * interrupted is finished (the region restored, reported as the failure it answers).
 */
export async function finishRestore(
  ctx: UpgradeContext,
  target: MachineTarget,
  olds: FlyMachineOutputs,
) {
  const trace = await interruptedRollbackOf(ctx, olds);
  if (trace === undefined) {
    return new Error(`machine ${target.id} is gone from Fly; the next up creates it again`);
  }
  ctx.progress(
    `machine ${target.id} is gone: a run was interrupted while it restored snapshot ` +
      `${trace.snapshotId} after a failed update; finishing the restore`,
  );
  const why =
    "an earlier run's update failed, and that run was interrupted while it restored the data";
  return restoreRegion(ctx, target, revisionOf(olds, ctx.stack), trace, { message: why });
}

/**
 * The update's failure as Pulumi records it. After a data rollback the region runs again on a
 * new machine and volume: they are recorded (with the previous configuration) so that the next
 * run works on what is there.
 */
export function recordRollback(
  programNews: FlyMachineInputs,
  id: string,
  olds: FlyMachineOutputs,
  news: FlyMachineInputs,
  error: unknown,
): unknown {
  const rollback = (error as Partial<DataRollbackError>).dataRollback;
  if (rollback === undefined) return error;
  const previous = {
    ...olds,
    ...rollback.spec,
    minSecretsVersion: olds.minSecretsVersion,
    stack: news.stack,
  };
  // The program still names its own volume: later runs map it to the restored one.
  const declaredVolumeId = mountedVolume(programNews);
  const restoredVolume = rollback.record.restoredVolume && {
    ...rollback.record.restoredVolume,
    ...(declaredVolumeId !== undefined &&
    declaredVolumeId !== rollback.record.restoredVolume.replacedVolumeId
      ? { declaredVolumeId }
      : {}),
  };
  const record = compact({ ...rollback.record, restoredVolume });
  const outs = { ...machineOutputs(previous, rollback.machine), ...record };
  return initFailure(programNews, id, outs, `FlyMachine ${news.name}: ${(error as Error).message}`);
}

/**
 * Grows the restored volume the machine mounts when the program grows its volume. The program's
 * FlyVolume still stands for the volume a data rollback replaced (and grows that one), while the
 * machine runs on the restored one: the size the program asks for is the mounted volume's too.
 * The update that follows boots the machine, so it sees the new size.
 */
export async function growRestoredVolume(
  ctx: UpgradeContext,
  olds: FlyMachineOutputs,
  news: FlyMachineInputs,
): Promise<void> {
  const restored = olds.restoredVolume?.volumeId;
  const wanted = news.volumeSizeGb;
  if (restored === undefined || wanted === undefined || mountedVolume(news) !== restored) return;
  const volume = await ctx.volumes.get(news.app, restored);
  if (volume.size_gb >= wanted) return;
  ctx.progress(
    `growing volume ${restored}, restored in place of the program's, from ${volume.size_gb} GB ` +
      `to ${wanted} GB`,
  );
  await ctx.volumes.extend(news.app, restored, wanted);
}
