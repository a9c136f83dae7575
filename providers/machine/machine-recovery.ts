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
import { ensureHealthy } from "./machine-rollout";
import type { MachineTarget } from "./machine-rollout";
import type { DataRollback, DataRollbackError, UpgradeContext } from "./machine-upgrade";
import { hasKind } from "../fly-client/fly-api-error";
import { describeError, initFailure } from "../provider-kit/fly-provider";
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

/** The snapshot naming an update the machine runs that the state does not record, if any. */
export function unrecordedSnapshot(live: Machine, olds: FlyMachineOutputs): string | undefined {
  const snapshotId = protectingSnapshotOf(live);
  return snapshotId !== olds.preUpdateSnapshotId ? snapshotId : undefined;
}

/**
 * Settles an update a killed run sent and never recorded, before anything else is done to the
 * machine. Its configuration names the snapshot that protected it (one the state does not hold):
 * the data from before it. Once it runs healthy (waited for with the whole budget, started if it
 * rests) it is the recorded machine from now on, snapshot included, so a later update snapshots
 * afresh and rolls back to it; if it does not, the update failed, and the region is restored
 * from that snapshot with the recorded configuration, as the killed run would have done - never
 * the failed version left running on what it wrote, whatever the program now asks for. The
 * volume it ran on is kept either way, so even an update that ran well for a while before it
 * failed loses nothing: what it wrote stays on that volume, named in the error.
 */
export async function settleUnrecordedUpdate(
  ctx: UpgradeContext,
  target: MachineTarget,
  olds: FlyMachineOutputs,
  live: Machine,
): Promise<{ olds: FlyMachineOutputs; live: Machine }> {
  const snapshotId = unrecordedSnapshot(live, olds);
  const volumeId = mountedVolume(specOf(olds));
  if (snapshotId === undefined || volumeId === undefined) return { olds, live };
  const asInputs = olds as FlyMachineInputs;
  const sent = { ...olds, ...machineOutputs(asInputs, live) };
  ctx.progress(
    `machine ${target.id} runs an update an earlier run sent and did not record (snapshot ` +
      `${snapshotId} holds the data from before it); waiting until it is healthy`,
  );
  try {
    const healthy = await ensureHealthy(ctx, target, live, specOf(sent));
    const settled = {
      ...sent,
      ...machineOutputs(asInputs, healthy),
      preUpdateSnapshotId: snapshotId,
    };
    return { olds: settled, live: healthy };
  } catch (failure) {
    // Not knowing is not failing: the next run looks again.
    if (hasKind(failure, "client.api_unanswered")) throw failure;
    ctx.progress(
      `the update an earlier run sent failed; restoring snapshot ${snapshotId} and the ` +
        "recorded configuration",
    );
    const why = `an earlier run's update failed: ${describeError(failure)}`;
    throw await restoreRegion(
      ctx,
      target,
      revisionOf(olds, ctx.stack),
      { snapshotId, volumeId },
      { message: why, failure },
    );
  }
}

/** The progress line for a machine a data rollback destroyed before it could finish. */
export function restoreUnderWay(machineId: string, snapshotId: string, next: string): string {
  return (
    `machine ${machineId} is gone: a run was interrupted while it restored snapshot ` +
    `${snapshotId} after a failed update; ${next}`
  );
}

/** What a data rollback of the recorded machine left when it was interrupted, if anything. */
export async function interruptedRollbackOf(ctx: UpgradeContext, recorded: FlyMachineOutputs) {
  const volumeId = mountedVolume(specOf(recorded));
  if (volumeId === undefined) return undefined;
  return findInterruptedRollback(ctx, recorded, volumeId, recorded.preUpdateSnapshotId);
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
  ctx.progress(restoreUnderWay(target.id, trace.snapshotId, "finishing the restore"));
  const why =
    "an earlier run's update failed, and that run was interrupted while it restored the data";
  return restoreRegion(ctx, target, revisionOf(olds, ctx.stack), trace, { message: why });
}

/** The data rollback an error reports, if it reports one. */
export function dataRollbackOf(error: unknown): DataRollback | undefined {
  return (error as Partial<DataRollbackError> | undefined)?.dataRollback;
}

/**
 * The outputs after a data rollback: the region runs again on a new machine and volume, with the
 * previous configuration, and the program still names its own volume (later runs map it to the
 * restored one).
 */
export function rollbackOutputs(
  programNews: FlyMachineInputs,
  olds: FlyMachineOutputs,
  news: FlyMachineInputs,
  rollback: DataRollback,
): FlyMachineOutputs {
  const previous = {
    ...olds,
    ...rollback.spec,
    minSecretsVersion: olds.minSecretsVersion,
    stack: news.stack,
  };
  const declaredVolumeId = mountedVolume(programNews);
  const replaced = rollback.record.restoredVolume;
  const restoredVolume = replaced && {
    ...replaced,
    ...(declaredVolumeId !== undefined && declaredVolumeId !== replaced.replacedVolumeId
      ? { declaredVolumeId }
      : {}),
  };
  const record = compact({ ...rollback.record, restoredVolume });
  return { ...machineOutputs(previous, rollback.machine), ...record };
}

/**
 * The update's failure as Pulumi records it: after a data rollback, with the machine and volume
 * the region now runs on, so that the next run works on what is there.
 */
export function recordRollback(
  programNews: FlyMachineInputs,
  id: string,
  olds: FlyMachineOutputs,
  news: FlyMachineInputs,
  error: unknown,
): unknown {
  const rollback = dataRollbackOf(error);
  if (rollback === undefined) return error;
  const outs = rollbackOutputs(programNews, olds, news, rollback);
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
