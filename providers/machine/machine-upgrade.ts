/**
 * Updates that cannot lose the region's data. Before a machine moves to a new image or command
 * (what decides how the gateway reads and migrates its volume):
 *
 * - rehearsal (a new image only): the volume is forked, the new version boots on the fork in a
 *   temporary machine without services (so it gets no traffic), and only once it is healthy are
 *   the temporary machine and the fork removed and the real machine touched;
 * - a snapshot of the volume is taken and awaited, its id recorded in the machine's outputs;
 * - if the new version then fails, the region is restored as it was before the update: Fly can
 *   neither restore a snapshot into an existing volume nor change a machine's volume, so the
 *   failed machine is destroyed, a volume is made from the snapshot, and a machine of the same
 *   name boots the previous configuration on it. The volume the failed version ran on is kept.
 */
import { randomUUID } from "node:crypto";
import type { Machine, VolumeOperations } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { marksMetadata, toApiConfig } from "./machine-api-config";
import { logTail } from "./machine-diagnosis";
import { destroyMachine } from "./machine-destroy";
import { CREATE_TAG_KEY, mountedVolume } from "./machine-normal-form";
import { rollOut, versionOf, waitUntilHealthy } from "./machine-rollout";
import type { MachineRevision, MachineTarget, RolloutContext } from "./machine-rollout";
import type { MachineSpec } from "./machine-spec";
import { rehearse } from "./upgrade-rehearsal";
import { takeSnapshot, waitUntilRestored } from "../volume/volume-snapshot";
import { apiCompute } from "../volume/volume-check";
import { describeError } from "../provider-kit/fly-provider";
import { compact, sameValue } from "../provider-kit/provider-values";

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
  if (restored === undefined || mountedVolume(news) !== restored.replacedVolumeId) return news;
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
  safety: { snapshot: boolean; rehearse: boolean },
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
  try {
    const machine = await rollOut(ctx, target, next, previous, { restorePrevious: false });
    return { machine, preUpdateSnapshotId: snapshotId };
  } catch (error) {
    if (!(error as { newVersionFailed?: boolean }).newVersionFailed) throw error;
    throw await restoreRegion(ctx, target, previous, { snapshotId, volumeId }, error as Error);
  }
}

/**
 * Brings the region back to how it was before the update: the failed machine destroyed (its
 * volume kept), a volume made from the pre-update snapshot, and the previous configuration
 * booted on it under the same machine name, healthy. Returns the error that reports it.
 */
async function restoreRegion(
  ctx: UpgradeContext,
  target: MachineTarget,
  previous: MachineRevision,
  taken: { snapshotId: string; volumeId: string },
  failure: Error,
): Promise<Error> {
  const { app, region, name } = target;
  const { snapshotId, volumeId } = taken;
  const where = `machine ${target.id} (${name}) in region ${region}`;
  ctx.progress(
    `the new version failed after it could have written to volume ${volumeId}; restoring ` +
      `snapshot ${snapshotId} and the previous configuration`,
  );
  const started = Date.now();
  try {
    const failedVolume = await ctx.volumes.get(app, volumeId);
    await destroyMachine(ctx, target);
    const made = await ctx.volumes.create(
      app,
      compact({
        name: failedVolume.name,
        region,
        size_gb: failedVolume.size_gb,
        encrypted: failedVolume.encrypted ?? undefined,
        snapshot_id: snapshotId,
        compute: apiCompute(previous.spec.guest),
        snapshot_retention: failedVolume.snapshot_retention ?? undefined,
        auto_backup_enabled: failedVolume.auto_backup_enabled ?? undefined,
      }),
    );
    const timing = { timeoutMs: ctx.healthTimeoutMs, pollMs: ctx.tuning.pollIntervalMs };
    const restored = await waitUntilRestored(ctx.volumes, app, made, timing);
    const spec: MachineSpec = {
      ...previous.spec,
      mounts: previous.spec.mounts!.map((m, i) => (i === 0 ? { ...m, volume: restored.id } : m)),
    };
    const created = await ctx.client.machines.create(
      app,
      {
        config: toApiConfig(spec, marksMetadata(previous)),
        name,
        region,
        min_secrets_version: previous.minSecretsVersion,
      },
      { createTag: { key: CREATE_TAG_KEY, value: randomUUID() } },
    );
    const replacement = { ...target, id: created.id };
    const machine = await waitUntilHealthy(ctx, replacement, versionOf(created), spec);
    const seconds = Math.round((Date.now() - started) / 1000);
    const record = {
      preUpdateSnapshotId: snapshotId,
      restoredVolume: { volumeId: restored.id, snapshotId, replacedVolumeId: volumeId },
    };
    const message =
      `${where}: ${failure.message}; restored the data and the previous configuration in ` +
      `${seconds} s: volume ${restored.id} was made from snapshot ${snapshotId} (taken before ` +
      `the update) and machine ${machine.id} (${name}) runs the previous configuration on it, ` +
      `version ${versionOf(machine)}, started and healthy; volume ${volumeId} keeps what the ` +
      `failed version wrote and was not deleted${logTail(failure)}`;
    return Object.assign(new Error(message), {
      dataRollback: { machine, spec, record } satisfies DataRollback,
    });
  } catch (restoreFailure) {
    return new Error(
      `${where}: ${failure.message}; restoring the data failed too: ` +
        `${describeError(restoreFailure)}. Nothing was deleted: snapshot ${snapshotId} holds the ` +
        `data from before the update and volume ${volumeId} what the failed version wrote; the ` +
        `region can be restored with \`restore: { "${region}": { "snapshot": "${snapshotId}" } }\`` +
        `${logTail(restoreFailure) || logTail(failure)}`,
      { cause: restoreFailure },
    );
  }
}
