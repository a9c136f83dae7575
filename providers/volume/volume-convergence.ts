/**
 * The Fly calls behind FlyVolume: finding a volume to adopt, growing one, waiting for a destroyed
 * machine to let go of one, and snapshotting one before it is deleted.
 */
import type { MachineOperations, Volume, VolumeOperations } from "../fly-client/fly-client";
import { DELETED_VOLUME_STATES } from "../fly-client/volume-operations";
import { isManaged, marksOf } from "../machine/machine-api-config";
import { judgeOwnership, type Ownership } from "../provider-kit/ownership";
import type { Progress } from "../provider-kit/progress";
import { readAndKeep, readForDiff } from "../provider-kit/live-reads";
import { sharedLookup } from "../provider-kit/shared-lookups";
import type { ProviderTuning } from "../provider-kit/provider-settings";
import { extendOrKeep } from "./volume-check";
import { takeSnapshot } from "./volume-snapshot";
import type { FlyVolumeInputs } from "./volume-check";

const VOLUMES = "volumes";

/** The Fly calls FlyVolume makes: volumes, and a look at the machine a volume is attached to. */
export interface VolumeClient {
  volumes: VolumeOperations;
  machines: Pick<MachineOperations, "getOrUndefined">;
}

/**
 * An existing volume the create may take over: same name, region and encryption, not on its way
 * out, and either unattached (retained by an earlier delete, or a create whose answer was lost:
 * it belongs to the app, which this stack holds) or attached to a machine of this app in the
 * same region that belongs to this stack (its marker names the stack, or the stack it takes
 * over, or no stack for an older version's machine). The latter is crash recovery: an earlier
 * up created the volume and its machine but the volume's record was lost (cancelled or crashed
 * before the state was written). A volume mounted by a hand-made machine, or by another stack's,
 * is never taken. The newest wins.
 * Creates of one fan-out share one list of the app's volumes (see `shared-lookups.ts`).
 */
export async function findAdoptable(
  client: VolumeClient,
  inputs: FlyVolumeInputs,
): Promise<Volume | undefined> {
  const ownership: Ownership = { stack: inputs.stack ?? "", takeOverFrom: inputs.takeOverFrom };
  const listed = await sharedLookup(`volumes of ${inputs.app}`, () =>
    client.volumes.list(inputs.app),
  );
  const candidates = listed.filter(
    (v) =>
      v.name === inputs.name &&
      v.region === inputs.region &&
      (v.encrypted ?? true) === inputs.encrypted &&
      !DELETED_VOLUME_STATES.includes(v.state),
  );
  candidates.sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
  for (const volume of candidates) {
    if (!volume.attached_machine_id) return volume;
    const machine = await client.machines.getOrUndefined(inputs.app, volume.attached_machine_id);
    if (machine === undefined || machine.region !== inputs.region) continue;
    const config = machine.config ?? {};
    const stack = marksOf(config).stack;
    const verdict = judgeOwnership(ownership, stack === undefined ? [] : [stack]);
    if ((isManaged(config) || stack !== undefined) && verdict.kind !== "foreign") return volume;
  }
  return undefined;
}

/**
 * The volume for a diff: its record in the app's shared list of volumes when that shows it live
 * at the recorded size, else its own GET, which decides (see `live-reads.ts`). Fly's list also
 * holds soft-deleted volumes; one in a deleted state is never taken as the live one.
 */
export function volumeForDiff(
  client: VolumeClient,
  app: string,
  id: string,
  recordedSizeGb: number,
): Promise<Volume | undefined> {
  return readForDiff<Volume>({
    app,
    kind: VOLUMES,
    id,
    get: () => client.volumes.getOrUndefined(app, id),
    list: () => client.volumes.list(app),
    settled: (listed) =>
      !DELETED_VOLUME_STATES.includes(listed.state) && listed.size_gb === recordedSizeGb,
  });
}

/** The volume for a read (refresh, import), kept for the diff a refresh asks next. */
export function volumeForRead(
  client: VolumeClient,
  app: string,
  id: string,
): Promise<Volume | undefined> {
  return readAndKeep({ app, kind: VOLUMES, id }, () => client.volumes.getOrUndefined(app, id));
}

/** Grows the volume and applies its daily snapshots and their retention where they differ from `inputs`. */
export async function converge(
  client: VolumeClient,
  progress: Progress,
  inputs: FlyVolumeInputs,
  volume: Volume,
) {
  let current = volume;
  let needsRestart = false;
  const target = extendOrKeep(volume.size_gb, inputs.sizeGb);
  if (target !== undefined) {
    progress(`extending volume ${volume.id} from ${volume.size_gb} to ${target} GB`);
    const extended = await client.volumes.extend(inputs.app, volume.id, target);
    current = extended.volume;
    needsRestart = extended.needs_restart;
    if (needsRestart) {
      progress(
        `volume ${volume.id} grew; machine ${volume.attached_machine_id ?? ""} sees the new size once it boots again (its update does that)`,
      );
    }
  } else if (volume.size_gb > inputs.sizeGb) {
    progress(
      `volume ${volume.id} is ${volume.size_gb} GB, larger than the ${inputs.sizeGb} GB asked for; volumes cannot shrink`,
    );
  }
  const retention = inputs.snapshotRetention;
  const retentionDiffers = retention !== undefined && current.snapshot_retention !== retention;
  const backup = inputs.autoBackup;
  const backupDiffers = backup !== undefined && current.auto_backup_enabled !== backup;
  if (retentionDiffers || backupDiffers) {
    progress(
      `setting volume ${volume.id}'s automatic daily snapshots: ` +
        `${(backup ?? current.auto_backup_enabled) === false ? "off" : "on"}, kept ${retention ?? current.snapshot_retention} days`,
    );
    current = await client.volumes.update(inputs.app, volume.id, {
      ...(retentionDiffers ? { snapshot_retention: retention } : {}),
      ...(backupDiffers ? { auto_backup_enabled: backup } : {}),
    });
  }
  return { volume: current, needsRestart };
}

/**
 * The stack other than `stack` whose machine the volume is attached to, if any: such a volume
 * was taken over with its machine and is that stack's to delete.
 */
export async function attachedToOtherStack(
  client: VolumeClient,
  app: string,
  volume: Volume,
  stack: string | undefined,
): Promise<string | undefined> {
  if (!volume.attached_machine_id || stack === undefined) return undefined;
  const machine = await client.machines.getOrUndefined(app, volume.attached_machine_id);
  const owner = machine === undefined ? undefined : marksOf(machine.config ?? {}).stack;
  return owner !== undefined && owner !== stack ? owner : undefined;
}

/**
 * The volume once no destroyed machine holds it any more (Fly releases a volume some time after
 * its machine is destroyed), or undefined when it is already gone.
 */
export async function settled(
  client: VolumeClient,
  tuning: ProviderTuning,
  app: string,
  id: string,
) {
  const { clock } = client.volumes;
  const deadline = clock.now() + tuning.settleTimeoutMs;
  for (;;) {
    const volume = await client.volumes.getOrUndefined(app, id);
    if (volume === undefined || DELETED_VOLUME_STATES.includes(volume.state)) return undefined;
    if (!volume.attached_machine_id || clock.now() >= deadline) return volume;
    const machine = await client.machines.getOrUndefined(app, volume.attached_machine_id);
    if (machine !== undefined && machine.state !== "destroyed") return volume;
    await clock.sleep(tuning.pollIntervalMs);
  }
}

/** Takes a snapshot before the volume is deleted and waits until Fly reports it complete. */
export async function snapshot(
  client: VolumeClient,
  tuning: ProviderTuning,
  progress: Progress,
  app: string,
  id: string,
): Promise<string> {
  try {
    return await takeSnapshot(
      client.volumes,
      progress,
      { app, volumeId: id, purpose: "before deleting it" },
      { timeoutMs: tuning.settleTimeoutMs, pollMs: tuning.pollIntervalMs },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the volume was not deleted`, { cause: error });
  }
}
