/**
 * Volumes: `/v1/apps/{app}/volumes`. A volume lives on one host in one region and attaches to at
 * most one machine; an unattached volume with the wanted name and region is therefore what an
 * ambiguous create is adopted as.
 */
import { createOrAdopt } from "./create-or-adopt";
import { isNotFound } from "./fly-api-error";
import { volumeSchemas } from "./resource-schemas";
import type { Volume, VolumeSnapshot } from "./resource-schemas";
import type { CallOptions, ClientContext, Clock } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** Body of `POST /v1/apps/{app}/volumes`. */
export interface CreateVolumeInput {
  /** Lowercase letters, digits and underscores, at most 30 characters. */
  name: string;
  region: string;
  size_gb: number;
  /** Default true. */
  encrypted?: boolean;
  /** Default true: keep away from hosts that hold a volume of the same name. */
  require_unique_zone?: boolean;
  /** Restore from this snapshot (`vs_...`). */
  snapshot_id?: string;
  /** Fork this volume. */
  source_volume_id?: string;
  /** Days to keep snapshots, 1..60 (default 5). */
  snapshot_retention?: number;
  auto_backup_enabled?: boolean;
  fstype?: string;
  /** The machine the volume is for (fly.MachineGuest): Fly places it on a host with room for it. */
  compute?: { cpu_kind: string; cpus: number; memory_mb: number };
}

/** Body of `PUT /v1/apps/{app}/volumes/{id}`. */
export interface UpdateVolumeInput {
  snapshot_retention?: number;
  auto_backup_enabled?: boolean;
}

/** The volume operations of the client. */
export interface VolumeOperations {
  /**
   * The clock this client's retries and pacing wait on, for callers that poll volumes with it (a
   * snapshot completing, a volume released), so their waits move with the client's in tests.
   */
  readonly clock: Clock;
  /**
   * Creates a volume. After an ambiguous failure an unattached volume with the same name in the
   * same region is adopted (the newest, if several); only when none exists is the create repeated.
   */
  create(app: string, input: CreateVolumeInput, options?: CallOptions): Promise<Volume>;
  /** The volume; a FlyApiError (404) when it does not exist. */
  get(app: string, id: string, options?: CallOptions): Promise<Volume>;
  getOrUndefined(app: string, id: string, options?: CallOptions): Promise<Volume | undefined>;
  /** The app's volumes, including ones scheduled for destruction (see `state`). */
  list(app: string, options?: CallOptions): Promise<Volume[]>;
  update(app: string, id: string, input: UpdateVolumeInput, options?: CallOptions): Promise<Volume>;
  /** Grows the volume (it cannot shrink); restart the machine when `needs_restart` is true. */
  extend(
    app: string,
    id: string,
    sizeGb: number,
    options?: CallOptions,
  ): Promise<{ volume: Volume; needs_restart: boolean }>;
  /** Destroys the volume; Fly refuses while a machine is attached. */
  delete(app: string, id: string, options?: CallOptions): Promise<Volume>;
  listSnapshots(app: string, id: string, options?: CallOptions): Promise<VolumeSnapshot[]>;
  /** Takes an on-demand snapshot. */
  createSnapshot(app: string, id: string, options?: CallOptions): Promise<void>;
}

const VOLUME_PATH = "/v1/apps/{app}/volumes/{volume}";

/**
 * Volume states after a delete: such a volume is gone for every purpose, and no create could
 * have produced it.
 */
export const DELETED_VOLUME_STATES: readonly string[] = [
  "scheduling_destroy",
  "pending_destroy",
  "destroying",
  "destroyed",
  "waiting_for_detach",
  "fork_cleanup",
];

/** The volume operations alone, over a transport of their own. */
export function createVolumesClient(options: FlyClientOptions): VolumeOperations {
  return volumeOperations(createClientContext(options));
}

/**
 * Only the listing of an app's volumes, for a caller that needs nothing else of them (FlyApp,
 * before it deletes an app): it cannot change a volume by mistake.
 */
export function createVolumeListClient(options: FlyClientOptions): Pick<VolumeOperations, "list"> {
  const ctx = createClientContext(options);
  return { list: (app, callOptions) => listVolumes(ctx, app, callOptions) };
}

/** The app's volumes, including ones scheduled for destruction. */
function listVolumes(
  ctx: ClientContext,
  app: string,
  options: CallOptions = {},
): Promise<Volume[]> {
  return ctx.send({
    method: "GET",
    path: "/v1/apps/{app}/volumes",
    params: { app },
    schema: volumeSchemas().volumeList,
    action: "volume_list",
    scope: app,
    idempotent: true,
    signal: options.signal,
  });
}

/** Builds the volume operations over the client's transport. */
export function volumeOperations(ctx: ClientContext): VolumeOperations {
  const { send } = ctx;
  const schemas = volumeSchemas;

  const get = (app: string, id: string, options: CallOptions = {}): Promise<Volume> =>
    send({
      method: "GET",
      path: VOLUME_PATH,
      params: { app, volume: id },
      schema: schemas().volume,
      action: "volume_get",
      scope: id,
      idempotent: true,
      signal: options.signal,
    });

  const list = (app: string, options?: CallOptions): Promise<Volume[]> =>
    listVolumes(ctx, app, options);

  return {
    clock: ctx.clock,
    create(app, input, options = {}) {
      return createOrAdopt(ctx, {
        create: () =>
          send({
            method: "POST",
            path: "/v1/apps/{app}/volumes",
            params: { app },
            body: input,
            schema: schemas().volume,
            action: "volume_create",
            scope: app,
            idempotent: false,
            signal: options.signal,
          }),
        find: async () => {
          const candidates = (await list(app, options)).filter(
            (v) =>
              v.name === input.name &&
              v.region === input.region &&
              !v.attached_machine_id &&
              !DELETED_VOLUME_STATES.includes(v.state),
          );
          return candidates.sort((a, b) =>
            (b.created_at ?? "").localeCompare(a.created_at ?? ""),
          )[0];
        },
        signal: options.signal,
      });
    },

    get,

    async getOrUndefined(app, id, options) {
      try {
        return await get(app, id, options);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    list,

    update: (app, id, input, options = {}) =>
      send({
        method: "PUT",
        path: VOLUME_PATH,
        params: { app, volume: id },
        body: input,
        schema: schemas().volume,
        action: "volume_update",
        scope: id,
        idempotent: true,
        signal: options.signal,
      }),

    async extend(app, id, sizeGb, options = {}) {
      const body = await send({
        method: "PUT",
        path: `${VOLUME_PATH}/extend`,
        params: { app, volume: id },
        body: { size_gb: sizeGb },
        schema: schemas().extendedVolume,
        action: "volume_extend",
        scope: id,
        // Extending to an absolute size twice ends at the same size.
        idempotent: true,
        signal: options.signal,
      });
      return { volume: body.volume, needs_restart: body.needs_restart === true };
    },

    delete: (app, id, options = {}) =>
      send({
        method: "DELETE",
        path: VOLUME_PATH,
        params: { app, volume: id },
        schema: schemas().volume,
        action: "volume_delete",
        scope: id,
        idempotent: true,
        signal: options.signal,
      }),

    listSnapshots: (app, id, options = {}) =>
      send({
        method: "GET",
        path: `${VOLUME_PATH}/snapshots`,
        params: { app, volume: id },
        schema: schemas().snapshotList,
        action: "snapshot_list",
        scope: id,
        idempotent: true,
        signal: options.signal,
      }),

    async createSnapshot(app, id, options = {}) {
      await send({
        method: "POST",
        path: `${VOLUME_PATH}/snapshots`,
        params: { app, volume: id },
        action: "snapshot_create",
        scope: id,
        // A repeat would take a second snapshot.
        idempotent: false,
        signal: options.signal,
      });
    },
  };
}
