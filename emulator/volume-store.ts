import type { Emulator } from "./emulator";
import { notFound } from "./api-errors";
import type { VolumeRecord, VolumeSnapshotRecord } from "./state";
import { settleSnapshots } from "./volume-backups";

/**
 * How long a deleted volume stays visible as `pending_destroy` before it is gone for good. Fly
 * soft-deletes volumes for 24 hours (volume-states docs); `POST /__emulator/clock` skips ahead.
 */
export const PENDING_DESTROY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Filesystem block size Fly reports for ext4 volumes. */
export const BLOCK_SIZE = 4096;

const BLOCKS_PER_GB = (1024 * 1024 * 1024) / BLOCK_SIZE;

/**
 * Brings a volume's time-driven state up to the emulator clock: a restore or a fork's hydration
 * finishes, snapshots complete, are taken daily and expire (`volume-backups.ts`), and a
 * soft-deleted volume past its retention disappears. Returns the volume,
 * or `undefined` once it is gone. Done lazily on read so it follows clock jumps and survives
 * restarts from a state file, which scheduled timers would not.
 */
export function settleVolume(emulator: Emulator, volume: VolumeRecord): VolumeRecord | undefined {
  const now = emulator.now();
  if (
    volume.destroyed_at !== undefined &&
    now - volume.destroyed_at >= PENDING_DESTROY_RETENTION_MS
  ) {
    delete emulator.state.volumes[volume.id];
    emulator.real?.folders.removeVolume(volume.id);
    for (const snapshot of volume.snapshots) emulator.real?.folders.removeSnapshot(snapshot.id);
    return undefined;
  }
  if (
    (volume.state === "restoring" || volume.state === "hydrating") &&
    volume.ready_at !== undefined &&
    now >= volume.ready_at
  ) {
    volume.state = "created";
    delete volume.ready_at;
  }
  settleSnapshots(emulator, volume);
  return volume;
}

/** The app's volumes in creation order, soft-deleted ones included (Fly's list includes them). */
export function appVolumes(emulator: Emulator, app: string): VolumeRecord[] {
  return Object.values(emulator.state.volumes)
    .filter((v) => v.app === app)
    .map((v) => settleVolume(emulator, v))
    .filter((v): v is VolumeRecord => v !== undefined);
}

/**
 * Looks up a volume of an app, or answers 404 `volume not found`. Reads see a soft-deleted volume
 * (state `pending_destroy`) as Fly's list does; `mutable: true` treats it as gone, so a second
 * delete, an extend or a snapshot of a deleted volume answers 404 and a delete stays idempotent
 * for callers that treat 404 as done.
 */
export function findVolume(
  emulator: Emulator,
  app: string,
  id: string,
  options: { mutable?: boolean } = {},
): VolumeRecord {
  emulator.app(app);
  const stored = emulator.state.volumes[id];
  const volume = stored && stored.app === app ? settleVolume(emulator, stored) : undefined;
  if (!volume || (options.mutable && volume.state === "pending_destroy")) {
    throw notFound("volume");
  }
  return volume;
}

/** Whether a volume takes up a zone: soft-deleted volumes no longer do. */
export function isLive(volume: VolumeRecord): boolean {
  return volume.state !== "pending_destroy";
}

/**
 * The Volume object as Fly returns it. `attached_machine_id` and `attached_alloc_id` are `null`
 * when unset, exactly as Fly's examples show (the spec's schema omits the nullability). With
 * `summary` the filesystem figures are left out, as `GET /volumes?summary=true` documents.
 */
export function volumeJson(volume: VolumeRecord, summary = false): Record<string, unknown> {
  const head = {
    id: volume.id,
    name: volume.name,
    state: volume.state,
    size_gb: volume.size_gb,
    region: volume.region,
    zone: volume.zone,
    encrypted: volume.encrypted,
    attached_machine_id: volume.attached_machine_id,
    attached_alloc_id: volume.attached_alloc_id,
    created_at: volume.created_at,
  };
  const tail = {
    fstype: volume.fstype,
    snapshot_retention: volume.snapshot_retention,
    auto_backup_enabled: volume.auto_backup_enabled,
    host_dedication_key: "",
    host_status: volume.host_status,
    type: volume.type,
  };
  if (summary) return { ...head, ...tail };
  return { ...head, ...filesystemFigures(volume), ...tail };
}

/**
 * Plausible ext4 figures for a fresh volume: a few blocks used by the filesystem itself and 5%
 * reserved for root, which is why `blocks_avail` is below `blocks_free` in Fly's examples.
 */
function filesystemFigures(volume: VolumeRecord): Record<string, number> {
  const blocks = volume.size_gb * BLOCKS_PER_GB;
  const blocksFree = blocks - 6;
  return {
    blocks,
    block_size: volume.block_size,
    blocks_free: blocksFree,
    blocks_avail: Math.floor(blocksFree * 0.95),
    bytes_total: blocks * volume.block_size,
    bytes_used: (blocks - blocksFree) * volume.block_size,
  };
}

/** A snapshot as `GET /volumes/{id}/snapshots` lists it. */
export function snapshotJson(snapshot: VolumeSnapshotRecord): Record<string, unknown> {
  return {
    id: snapshot.id,
    size: snapshot.size,
    volume_size: snapshot.volume_size,
    digest: snapshot.digest,
    created_at: snapshot.created_at,
    status: snapshot.status,
    retention_days: snapshot.retention_days,
  };
}
