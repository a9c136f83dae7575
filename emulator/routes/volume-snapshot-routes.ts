import type { Router } from "../router";
import type { VolumeSnapshotRecord } from "../state";
import { newSnapshot } from "../volume-backups";
import { findVolume, snapshotJson } from "../volume-store";

/** Volume snapshots: list, and take one on demand. */
export function registerVolumeSnapshotRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps/{app_name}/volumes/{volume_id}/snapshots",
    ({ emulator, params }) => {
      const volume = findVolume(emulator, params.app_name, params.volume_id);
      return { status: 200, body: volume.snapshots.map(snapshotJson) };
    },
    { action: "volume_snapshot_list", scopeParam: "volume_id" },
  );

  router.add(
    "POST",
    "/v1/apps/{app_name}/volumes/{volume_id}/snapshots",
    ({ emulator, params }) => {
      const volume = findVolume(emulator, params.app_name, params.volume_id, { mutable: true });
      const now = emulator.now();
      // On-demand snapshots take a moment; the list shows them `creating` until done.
      const snapshot: VolumeSnapshotRecord = {
        ...newSnapshot(volume, now, "creating"),
        ready_at: now + emulator.settings.transitionMs,
      };
      volume.snapshots.push(snapshot);
      // A real volume's snapshot is a copy of its folder, taken now.
      emulator.real?.folders.takeSnapshot(volume.id, snapshot.id);
      return { status: 200, body: backupAccepted(volume.id, snapshot, now) };
    },
    { action: "volume_snapshot_create", scopeParam: "volume_id" },
  );
}

/**
 * The reply to an on-demand snapshot. The spec declares no body; Fly's docs show the storage
 * backend's job record, `{"Msg":{"backup":{…}}}`, whose `graph_id` is the snapshot id that later
 * appears in the list. fly-go ignores the body; the emulator sends the documented shape so that
 * nothing comes to rely on a friendlier one.
 */
function backupAccepted(
  volumeId: string,
  snapshot: VolumeSnapshotRecord,
  now: number,
): Record<string, unknown> {
  const at = new Date(now).toISOString();
  return {
    Msg: {
      backup: {
        id: String(now % 1_000_000),
        volume_id: volumeId,
        state: "prepare",
        type: "BACKUP_TYPE_ON_DEMAND",
        message: "",
        created_at: at,
        updated_at: at,
        finished_at: null,
        graph_id: snapshot.id,
      },
    },
  };
}
