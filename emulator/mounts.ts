import { ApiError, badRequest } from "./api-errors";
import type { Emulator } from "./emulator";
import type { MachineConfig } from "./machine-config-decoding";
import type { VolumeRecord } from "./state";

/** Volume states in which a volume is on its way out and can no longer be mounted. */
const GONE_VOLUME_STATES = new Set([
  "destroyed",
  "destroying",
  "pending_destroy",
  "scheduling_destroy",
]);

/** The volume ids a config mounts, in order (shapes are checked by `normalizeMachineConfig`). */
export function mountedVolumeIds(config: MachineConfig): string[] {
  const mounts = Array.isArray(config.mounts) ? config.mounts : [];
  return mounts.map((m) => String((m as Record<string, unknown>).volume));
}

/** Whether a volume still exists from a machine's point of view. */
function usable(volume: VolumeRecord | undefined): volume is VolumeRecord {
  return (
    volume !== undefined &&
    volume.destroyed_at === undefined &&
    !GONE_VOLUME_STATES.has(volume.state)
  );
}

/**
 * Checks a config's mounts against Fly's volume rules before a machine is created or updated:
 * at most one volume per machine; the volume must exist in the same app and in the machine's own
 * region (a volume lives on one host in one region); no other machine may hold it; and an existing
 * machine cannot switch to a different volume (Fly: destroy it and create a new one).
 * Returns the volume to attach, if any.
 */
export function checkMounts(
  emulator: Emulator,
  target: { app: string; region: string; machineId?: string; previous?: MachineConfig },
  config: MachineConfig,
): VolumeRecord | undefined {
  const wanted = mountedVolumeIds(config);
  if (wanted.length > 1) {
    throw badRequest(`config.mounts: a machine can mount at most one volume, got ${wanted.length}`);
  }
  const before = target.previous ? mountedVolumeIds(target.previous)[0] : undefined;
  const id = wanted[0];
  if (before !== undefined && id !== before) {
    throw badRequest(
      `config.mounts: the mounted volume of an existing machine cannot be changed (${before} -> ${id ?? "none"}); destroy the machine and create a new one`,
    );
  }
  if (id === undefined) return undefined;
  const volume = emulator.state.volumes[id];
  if (!usable(volume) || volume.app !== target.app) {
    throw badRequest(`config.mounts[0].volume: volume ${id} not found in app ${target.app}`);
  }
  if (volume.region !== target.region) {
    throw badRequest(
      `config.mounts[0].volume: volume ${id} is in region ${volume.region} but the machine is in ${target.region}; a machine can only mount a volume in its own region`,
    );
  }
  if (volume.attached_machine_id !== null && volume.attached_machine_id !== target.machineId) {
    throw new ApiError(
      409,
      `volume ${id} is already attached to machine ${volume.attached_machine_id}`,
    );
  }
  return volume;
}

/** Marks a volume as attached to a machine, as Fly reports it on the volume. */
export function attachVolume(volume: VolumeRecord, machineId: string): void {
  volume.attached_machine_id = machineId;
}

/** Releases every volume a machine holds; called when the machine is destroyed. */
export function detachVolumes(emulator: Emulator, machineId: string): void {
  for (const volume of Object.values(emulator.state.volumes)) {
    if (volume.attached_machine_id === machineId) {
      volume.attached_machine_id = null;
      volume.attached_alloc_id = null;
    }
  }
}
