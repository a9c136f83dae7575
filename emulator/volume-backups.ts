/**
 * A volume's snapshots over time, as Fly keeps them: on-demand snapshots complete a moment after
 * they are asked for, volumes with `auto_backup_enabled` get an automatic snapshot every day, and
 * every snapshot is dropped once it is older than its `retention_days`. Applied lazily on read
 * (from `settleVolume`) against the emulator clock, so a clock jump of a week shows seven daily
 * snapshots, of which only those within their retention remain.
 */
import { randomBytes } from "node:crypto";
import type { Emulator } from "./emulator";
import { snapshotId } from "./ids";
import type { VolumeRecord, VolumeSnapshotRecord } from "./state";

/** Fly takes automatic snapshots daily. */
export const DAILY_BACKUP_MS = 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When the volume's next automatic snapshot is due (a day after its creation, then daily). */
function nextBackupAt(volume: VolumeRecord): number {
  return volume.next_backup_at ?? Date.parse(volume.created_at) + DAILY_BACKUP_MS;
}

/** A new snapshot record of the volume, taken at `at`. */
export function newSnapshot(
  volume: VolumeRecord,
  at: number,
  status: "creating" | "created",
): VolumeSnapshotRecord {
  return {
    id: snapshotId(),
    // What an almost empty ext4 filesystem of this size compresses to.
    size: 36_000_000 + volume.size_gb * 1024,
    volume_size: volume.size_gb * 1024 ** 3,
    // Fly's digests look like an md5 with a part count (`76d64a69…-1`); the content is opaque.
    digest: `${randomBytes(16).toString("hex")}-1`,
    created_at: new Date(at).toISOString(),
    status,
    retention_days: volume.snapshot_retention,
  };
}

/** Whether a snapshot has outlived its retention at `now`. */
function expired(snapshot: VolumeSnapshotRecord, now: number): boolean {
  return now - Date.parse(snapshot.created_at) >= snapshot.retention_days * DAY_MS;
}

/**
 * Completes due on-demand snapshots, takes the automatic daily snapshots due since the last one
 * (skipping those that would already have expired), and drops expired snapshots with their
 * copies of a real volume's files. A soft-deleted volume gets no new automatic snapshots.
 */
export function settleSnapshots(emulator: Emulator, volume: VolumeRecord): void {
  const now = emulator.now();
  for (const snapshot of volume.snapshots) {
    if (
      snapshot.status === "creating" &&
      snapshot.ready_at !== undefined &&
      now >= snapshot.ready_at
    ) {
      snapshot.status = "created";
      delete snapshot.ready_at;
    }
  }
  // Days that pass with backups off (or the volume deleted) are skipped, not made up later.
  const taking = volume.auto_backup_enabled && volume.state !== "pending_destroy";
  let due = nextBackupAt(volume);
  for (; due <= now; due += DAILY_BACKUP_MS) {
    const daily = newSnapshot(volume, due, "created");
    if (!taking || expired(daily, now)) continue;
    volume.snapshots.push(daily);
    // A real volume's files as they are now: the emulator does not keep their history.
    emulator.real?.folders.takeSnapshot(volume.id, daily.id);
  }
  volume.next_backup_at = due;
  const kept = volume.snapshots.filter((snapshot) => !expired(snapshot, now));
  for (const gone of volume.snapshots.filter((snapshot) => !kept.includes(snapshot))) {
    emulator.real?.folders.removeSnapshot(gone.id);
  }
  volume.snapshots = kept;
}
