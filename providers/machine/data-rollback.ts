/**
 * Restoring a region's data after a failed update, in steps a killed run can be resumed from.
 *
 * Fly can neither restore a snapshot into an existing volume nor change a machine's volume, and a
 * machine's name is unique in its app, so the region is rebuilt: a volume is made from the
 * pre-update snapshot, the failed machine is destroyed (its volume kept), and a machine of the
 * same name boots the previous configuration on the restored volume.
 *
 * Nothing of it is in the stack's state until the run ends, so each step leaves on Fly what the
 * next run needs to finish it, and the order keeps one such record alive at every moment:
 *
 * - until the failed machine is destroyed, its configuration names the snapshot the update was
 *   protected by (`PRE_UPDATE_SNAPSHOT_KEY`): the next run restores that one, never a snapshot
 *   of what the failed version wrote;
 * - the restored volume is made before the failed machine is destroyed, and from then on it is
 *   the record: an unattached volume of the failed volume's name and region made after it, from
 *   the failed volume's newest snapshot older than itself (a record whose snapshot the state
 *   holds as the last finished update's is a leftover of that update, not a restore under way);
 * - the restored machine carries the snapshot and the volume it replaced in its metadata, so it
 *   is known as the region's machine before any state records it.
 */
import { randomUUID } from "node:crypto";
import type { Machine, Volume } from "../fly-client/fly-client";
import { DELETED_VOLUME_STATES } from "../fly-client/volume-operations";
import { marksMetadata, metadataOf, toApiConfig } from "./machine-api-config";
import { logTail } from "./machine-diagnosis";
import { destroyMachine } from "./machine-destroy";
import { isGone } from "./machine-drift";
import {
  CREATE_TAG_KEY,
  PRE_UPDATE_SNAPSHOT_KEY,
  REPLACED_VOLUME_KEY,
  RESTORED_FROM_SNAPSHOT_KEY,
} from "./machine-normal-form";
import { ensureHealthy, versionOf, waitUntilHealthy } from "./machine-rollout";
import type { MachineRevision, MachineTarget } from "./machine-rollout";
import type { MachineSpec } from "./machine-spec";
import type { DataRollback, UpgradeContext } from "./machine-upgrade";
import { waitUntilRestored } from "../volume/volume-snapshot";
import { apiCompute } from "../volume/volume-check";
import { describeError } from "../provider-kit/fly-provider";
import { compact } from "../provider-kit/provider-values";

/** What a data rollback restores from: the snapshot, and the volume the failed version ran on. */
export interface RestoreSource {
  snapshotId: string;
  volumeId: string;
}

/** What an interrupted data rollback left on Fly: its source, and what it had made. */
export interface RollbackTrace extends RestoreSource {
  /** The volume made from the snapshot. */
  volume?: Volume;
  /** The machine booted on it with the previous configuration. */
  machine?: Machine;
}

/** The records, newest first by `created_at`. */
function newestFirst<T extends { created_at?: string | null }>(records: readonly T[]): T[] {
  return [...records].sort(
    (x, y) => Date.parse(y.created_at ?? "") - Date.parse(x.created_at ?? ""),
  );
}

/** The snapshot the update the machine runs was protected by, as its configuration says. */
export function protectingSnapshotOf(machine: Machine): string | undefined {
  const value = metadataOf(machine.config ?? {})[PRE_UPDATE_SNAPSHOT_KEY];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The unattached volume a rollback made from a snapshot of `failed`, if one exists: same name
 * and region, made no earlier than `takenAt` (the snapshot, or the failed volume itself).
 */
async function findRestoredVolume(
  ctx: UpgradeContext,
  app: string,
  failed: Volume,
  takenAt: string | null | undefined,
): Promise<Volume | undefined> {
  const since = Date.parse(takenAt ?? "");
  if (Number.isNaN(since)) return undefined;
  // The newest: a restore under way is made after any volume an earlier one left.
  return newestFirst(await ctx.volumes.list(app)).find(
    (v) =>
      v.id !== failed.id &&
      v.name === failed.name &&
      v.region === failed.region &&
      !v.attached_machine_id &&
      !DELETED_VOLUME_STATES.includes(v.state ?? "") &&
      Date.parse(v.created_at ?? "") >= since,
  );
}

/** The machine of the target's name a rollback of `failedVolumeId` booted, if one exists. */
async function findRestoredMachine(
  ctx: UpgradeContext,
  target: Pick<MachineTarget, "app" | "name">,
  failedVolumeId: string,
): Promise<Machine | undefined> {
  return (await ctx.client.machines.list(target.app)).find(
    (m) =>
      m.name === target.name &&
      !isGone(m) &&
      metadataOf(m.config ?? {})[REPLACED_VOLUME_KEY] === failedVolumeId,
  );
}

/**
 * What a data rollback of the machine that ran on `failedVolumeId` left, once that machine is
 * gone: the machine it booted, or else the volume it restored, with the snapshot it came from.
 * Undefined when there is neither (the machine was destroyed by something else), and when the
 * snapshot is `finished`, the one the state records for the last update that ended.
 */
export async function findInterruptedRollback(
  ctx: UpgradeContext,
  target: Pick<MachineTarget, "app" | "name">,
  failedVolumeId: string,
  finished: string | undefined,
): Promise<RollbackTrace | undefined> {
  const machine = await findRestoredMachine(ctx, target, failedVolumeId);
  if (machine !== undefined) {
    const from = metadataOf(machine.config ?? {})[RESTORED_FROM_SNAPSHOT_KEY];
    const snapshotId = typeof from === "string" ? from : "(not named by the machine)";
    return { snapshotId, volumeId: failedVolumeId, machine };
  }
  const failed = await ctx.volumes.getOrUndefined(target.app, failedVolumeId);
  if (failed === undefined || DELETED_VOLUME_STATES.includes(failed.state ?? "")) return undefined;
  const volume = await findRestoredVolume(ctx, target.app, failed, failed.created_at);
  if (volume === undefined) return undefined;
  // The snapshot it was made from: the newest of the failed volume's before it (one Fly took
  // later, such as a daily backup, holds what the failed version wrote). Once Fly has let it
  // expire, the restored volume still holds its data.
  const made = Date.parse(volume.created_at ?? "");
  const snapshots = await ctx.volumes.listSnapshots(target.app, failedVolumeId);
  const source = newestFirst(snapshots).find(
    (s) => s.status === "created" && Date.parse(s.created_at ?? "") <= made,
  );
  if (source !== undefined && source.id === finished) return undefined;
  const snapshotId = source?.id ?? "(expired)";
  return { snapshotId, volumeId: failedVolumeId, volume };
}

/**
 * The volume made from the snapshot: the one an interrupted run made (and may have booted a
 * machine on), or a new one.
 */
async function restoredVolumeFor(
  ctx: UpgradeContext,
  app: string,
  source: RestoreSource,
  guest: MachineSpec["guest"],
  bootedOn: Machine | undefined,
) {
  const timing = { timeoutMs: ctx.healthTimeoutMs, pollMs: ctx.tuning.pollIntervalMs };
  const mounted = bootedOn?.config?.mounts?.[0]?.volume;
  if (mounted)
    return waitUntilRestored(ctx.volumes, app, await ctx.volumes.get(app, mounted), timing);
  const failed = await ctx.volumes.get(app, source.volumeId);
  const taken = (await ctx.volumes.listSnapshots(app, source.volumeId)).find(
    (s) => s.id === source.snapshotId,
  );
  const made =
    (await findRestoredVolume(ctx, app, failed, taken?.created_at ?? failed.created_at)) ??
    (await ctx.volumes.create(
      app,
      compact({
        name: failed.name,
        region: failed.region,
        size_gb: failed.size_gb,
        encrypted: failed.encrypted ?? undefined,
        snapshot_id: source.snapshotId,
        compute: apiCompute(guest),
        snapshot_retention: failed.snapshot_retention ?? undefined,
        auto_backup_enabled: failed.auto_backup_enabled ?? undefined,
      }),
    ));
  return waitUntilRestored(ctx.volumes, app, made, timing);
}

/**
 * The previous configuration running healthy on the restored volume under the target's name:
 * the machine an interrupted run booted (started if it rests), or a new one.
 */
async function bootRestoredMachine(
  ctx: UpgradeContext,
  target: MachineTarget,
  previous: MachineRevision,
  source: RestoreSource,
  restored: Volume,
  found: Machine | undefined,
): Promise<{ machine: Machine; spec: MachineSpec }> {
  const spec: MachineSpec = {
    ...previous.spec,
    mounts: previous.spec.mounts!.map((m, i) => (i === 0 ? { ...m, volume: restored.id } : m)),
  };
  if (found !== undefined) {
    ctx.progress(`machine ${found.id} already runs the previous configuration on ${restored.id}`);
    const machine = await ensureHealthy(ctx, { ...target, id: found.id }, found, spec);
    return { machine, spec };
  }
  const created = await ctx.client.machines.create(
    target.app,
    {
      config: toApiConfig(spec, {
        ...marksMetadata(previous),
        [RESTORED_FROM_SNAPSHOT_KEY]: source.snapshotId,
        [REPLACED_VOLUME_KEY]: source.volumeId,
      }),
      name: target.name,
      region: target.region,
      min_secrets_version: previous.minSecretsVersion,
    },
    { createTag: { key: CREATE_TAG_KEY, value: randomUUID() } },
  );
  const replacement = { ...target, id: created.id };
  return { machine: await waitUntilHealthy(ctx, replacement, versionOf(created), spec), spec };
}

/**
 * Restores the region from `source` (finishing what an interrupted run began), and returns the
 * error that reports it: `why` is the failure the restore answers.
 */
export async function restoreRegion(
  ctx: UpgradeContext,
  target: MachineTarget,
  previous: MachineRevision,
  source: RestoreSource,
  why: { message: string; failure?: unknown },
): Promise<Error> {
  const { app, region, name } = target;
  const { snapshotId, volumeId } = source;
  const where = `machine ${target.id} (${name}) in region ${region}`;
  const started = Date.now();
  try {
    const found = await findRestoredMachine(ctx, target, volumeId);
    const restored = await restoredVolumeFor(ctx, app, source, previous.spec.guest, found);
    // Only now, with the restored volume recording the restore, may the failed machine go.
    await destroyMachine(ctx, target);
    const booted = await bootRestoredMachine(ctx, target, previous, source, restored, found);
    const { machine, spec } = booted;
    const seconds = Math.round((Date.now() - started) / 1000);
    const record = {
      preUpdateSnapshotId: snapshotId,
      restoredVolume: { volumeId: restored.id, snapshotId, replacedVolumeId: volumeId },
    };
    const message =
      `${where}: ${why.message}; restored the data and the previous configuration in ` +
      `${seconds} s: volume ${restored.id} was made from snapshot ${snapshotId} (taken before ` +
      `the update) and machine ${machine.id} (${name}) runs the previous configuration on it, ` +
      `version ${versionOf(machine)}, started and healthy; volume ${volumeId} keeps what the ` +
      `failed version wrote and was not deleted${logTail(why.failure)}`;
    return Object.assign(new Error(message), {
      dataRollback: { machine, spec, record } satisfies DataRollback,
    });
  } catch (restoreFailure) {
    return new Error(
      `${where}: ${why.message}; restoring the data failed too: ` +
        `${describeError(restoreFailure)}. Nothing was deleted: snapshot ${snapshotId} holds the ` +
        `data from before the update and volume ${volumeId} what the failed version wrote; the ` +
        `next up finishes the restore, or the region can be restored with ` +
        `\`restore: { "${region}": { "snapshot": "${snapshotId}" } }\`` +
        `${logTail(restoreFailure) || logTail(why.failure)}`,
      { cause: restoreFailure },
    );
  }
}
