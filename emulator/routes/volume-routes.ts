import type { Emulator } from "../emulator";
import { badRequest, notFound, preconditionFailed } from "../api-errors";
import { goField } from "../go-fields";
import { volumeId } from "../ids";
import { isKnownRegion } from "../regions";
import { readJsonObject, type Reply, type RequestContext, type Router } from "../router";
import type { VolumeRecord, VolumeSnapshotRecord } from "../state";
import { placeVolume, regionOutOfCapacity } from "../volume-placement";
import { BLOCK_SIZE, appVolumes, findVolume, volumeJson } from "../volume-store";
import { queryBool } from "./query-params";

/** Volume names: lowercase letters, digits and underscores, at most 30 characters. */
const VOLUME_NAME = /^[a-z0-9_]{1,30}$/;
/** The API docs' default size; flyctl passes its own default of 1 GB explicitly. */
const DEFAULT_SIZE_GB = 3;
const MAX_SIZE_GB = 500;
const DEFAULT_SNAPSHOT_RETENTION = 5;
const FSTYPES = ["ext4", "raw"];

/** Volumes: list, create, get, update, extend, delete. Snapshots live in `volume-snapshots.ts`. */
export function registerVolumeRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps/{app_name}/volumes",
    ({ emulator, params, query }) => {
      emulator.app(params.app_name);
      const summary = queryBool(query, "summary");
      return {
        status: 200,
        body: appVolumes(emulator, params.app_name)
          .filter((v) => !emulator.faults.lagsBehind(Date.parse(v.created_at), emulator.now()))
          .map((v) => volumeJson(v, summary)),
      };
    },
    { action: "volume_list", scopeParam: "app_name" },
  );

  router.add("POST", "/v1/apps/{app_name}/volumes", createVolume, {
    action: "volume_create",
    scopeParam: "app_name",
  });

  router.add(
    "GET",
    "/v1/apps/{app_name}/volumes/{volume_id}",
    ({ emulator, params }) => ({
      status: 200,
      body: volumeJson(findVolume(emulator, params.app_name, params.volume_id)),
    }),
    { action: "volume_get", scopeParam: "volume_id" },
  );

  router.add(
    "PUT",
    "/v1/apps/{app_name}/volumes/{volume_id}",
    (ctx) => {
      const volume = findVolume(ctx.emulator, ctx.params.app_name, ctx.params.volume_id, {
        mutable: true,
      });
      const body = readJsonObject(ctx, "main.UpdateVolumeRequest");
      const retention = goField(body, "UpdateVolumeRequest", "snapshot_retention", "int");
      const autoBackup = goField(body, "UpdateVolumeRequest", "auto_backup_enabled", "bool");
      if (retention !== undefined) volume.snapshot_retention = checkRetention(retention);
      if (autoBackup !== undefined) volume.auto_backup_enabled = autoBackup;
      return { status: 200, body: volumeJson(volume) };
    },
    { action: "volume_update", scopeParam: "volume_id" },
  );

  router.add(
    "PUT",
    "/v1/apps/{app_name}/volumes/{volume_id}/extend",
    (ctx) => {
      const { emulator, params } = ctx;
      const volume = findVolume(emulator, params.app_name, params.volume_id, { mutable: true });
      const body = readJsonObject(ctx, "main.ExtendVolumeRequest");
      const size = goField(body, "ExtendVolumeRequest", "size_gb", "int");
      if (size === undefined) throw badRequest("size_gb is required");
      if (size <= volume.size_gb) {
        throw badRequest(
          `size_gb must be greater than the volume's current size of ${volume.size_gb} GB: volumes can only grow`,
        );
      }
      volume.size_gb = checkSize(size);
      // The filesystem grows online only after the machine using it restarts.
      const machine = volume.attached_machine_id
        ? emulator.state.machines[volume.attached_machine_id]
        : undefined;
      return {
        status: 200,
        body: { volume: volumeJson(volume), needs_restart: machine?.state === "started" },
      };
    },
    { action: "volume_extend", scopeParam: "volume_id" },
  );

  router.add(
    "DELETE",
    "/v1/apps/{app_name}/volumes/{volume_id}",
    ({ emulator, params }) => {
      const volume = findVolume(emulator, params.app_name, params.volume_id, { mutable: true });
      if (volume.attached_machine_id) {
        // Fly refuses even when the machine is stopped: destroy the machine first.
        throw preconditionFailed(
          `failed_precondition: volume is currently bound to machine: ${volume.attached_machine_id}`,
        );
      }
      volume.state = "pending_destroy";
      volume.destroyed_at = emulator.now();
      return { status: 200, body: volumeJson(volume) };
    },
    { action: "volume_delete", scopeParam: "volume_id" },
  );
}

/** `POST /volumes`: validates like Fly, places the volume in a zone, restores or forks if asked. */
function createVolume(ctx: RequestContext): Reply {
  const { emulator, params } = ctx;
  emulator.app(params.app_name);
  const body = readJsonObject(ctx, "main.CreateVolumeRequest");
  const field = <K extends "int" | "bool" | "string">(name: string, kind: K) =>
    goField(body, "CreateVolumeRequest", name, kind);

  const name = field("name", "string");
  if (name === undefined || !VOLUME_NAME.test(name)) {
    throw badRequest(
      "name must be 1 to 30 characters of lowercase letters, digits and underscores",
    );
  }
  const source = forkSource(emulator, params.app_name, field("source_volume_id", "string"));
  // A fork stays in its source's region unless another is asked for.
  const region = field("region", "string") || source?.region;
  if (!region) throw badRequest("region is required");
  if (!isKnownRegion(region)) throw badRequest(`region "${region}" is not a known region`);
  const snapshot = restoreSource(emulator, params.app_name, field("snapshot_id", "string"));
  if (snapshot && source) throw badRequest("snapshot_id and source_volume_id exclude each other");
  const minimumSize = snapshot
    ? Math.ceil(snapshot.volume_size / 1024 ** 3)
    : (source?.size_gb ?? 1);
  // A fork is as large as its source unless asked otherwise (flyctl's `volumes fork` sends none).
  const defaultSize = source ? source.size_gb : Math.max(DEFAULT_SIZE_GB, minimumSize);
  const size = checkSize(field("size_gb", "int") ?? defaultSize);
  if (size < minimumSize) {
    const what = snapshot ? "the snapshot's volume size" : "the source volume's size";
    throw badRequest(`size_gb must be at least ${what} of ${minimumSize} GB`);
  }
  const compute = computeHint(body.compute);
  const fstype = field("fstype", "string") || "ext4";
  if (!FSTYPES.includes(fstype))
    throw badRequest(`fstype must be "ext4" or "raw", got "${fstype}"`);
  const retention = checkRetention(
    field("snapshot_retention", "int") ?? DEFAULT_SNAPSHOT_RETENTION,
  );

  if (emulator.faults.worldFault("no_capacity", { region })) throw regionOutOfCapacity(region);
  const zone = placeVolume(emulator.state, {
    app: params.app_name,
    name,
    region,
    requireUniqueZone: field("require_unique_zone", "bool") ?? true,
    uniqueZoneAppWide: field("unique_zone_app_wide", "bool") ?? false,
  });

  const volume: VolumeRecord = {
    id: volumeId(),
    app: params.app_name,
    name,
    // Restores and forks are asynchronous on Fly: `restoring` (or `hydrating`, during which a
    // fork can already be mounted) first, `created` a moment later.
    state: snapshot ? "restoring" : source ? "hydrating" : "created",
    region,
    zone,
    size_gb: size,
    encrypted: field("encrypted", "bool") ?? true,
    attached_machine_id: null,
    attached_alloc_id: null,
    created_at: emulator.isoNow(),
    fstype,
    snapshot_retention: retention,
    auto_backup_enabled: field("auto_backup_enabled", "bool") ?? true,
    host_status: "ok",
    type: "local",
    block_size: BLOCK_SIZE,
    snapshots: [],
    ...(compute !== undefined ? { compute } : {}),
    ...(snapshot || source ? { ready_at: emulator.now() + emulator.settings.transitionMs } : {}),
  };
  emulator.state.volumes[volume.id] = volume;
  if (snapshot) emulator.real?.folders.restoreSnapshot(snapshot.id, volume.id);
  // A fork holds the source's files as they were at the fork (a point-in-time copy).
  if (source) emulator.real?.folders.forkVolume(source.id, volume.id);
  return { status: 200, body: volumeJson(volume) };
}

/**
 * `compute`, the machine the volume is for, decoded as Go decodes a fly.MachineGuest. Fly uses it
 * only to choose a host with room for that machine; the emulator models no hosts' room (only a
 * region's, through the no_capacity fault), so it is kept, not acted on.
 */
function computeHint(value: unknown): VolumeRecord["compute"] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "array" : typeof value;
    throw badRequest(
      `json: cannot unmarshal ${kind} into Go struct field CreateVolumeRequest.compute of type fly.MachineGuest`,
    );
  }
  const guest = value as Record<string, unknown>;
  return {
    cpu_kind: goField(guest, "MachineGuest", "cpu_kind", "string"),
    cpus: goField(guest, "MachineGuest", "cpus", "int"),
    memory_mb: goField(guest, "MachineGuest", "memory_mb", "int"),
  };
}

/** The live volume of the app a fork names, or 404 (a soft-deleted volume cannot be forked). */
function forkSource(
  emulator: Emulator,
  app: string,
  sourceId: string | undefined,
): VolumeRecord | undefined {
  if (!sourceId) return undefined;
  return findVolume(emulator, app, sourceId, { mutable: true });
}

/** The completed snapshot of one of the app's volumes that a restore names, or 404. */
function restoreSource(
  emulator: Emulator,
  app: string,
  snapshotId: string | undefined,
): VolumeSnapshotRecord | undefined {
  if (!snapshotId) return undefined;
  for (const volume of appVolumes(emulator, app)) {
    const snapshot = volume.snapshots.find((s) => s.id === snapshotId);
    if (snapshot && snapshot.status === "created") return snapshot;
  }
  throw notFound("snapshot");
}

function checkSize(size: number): number {
  if (size < 1 || size > MAX_SIZE_GB) {
    throw badRequest(`size_gb must be between 1 and ${MAX_SIZE_GB}, got ${size}`);
  }
  return size;
}

function checkRetention(days: number): number {
  if (days < 1 || days > 60) {
    throw badRequest(`snapshot_retention must be between 1 and 60 days, got ${days}`);
  }
  return days;
}
