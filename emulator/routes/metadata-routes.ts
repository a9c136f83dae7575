import { ApiError, badRequest, preconditionFailed } from "../api-errors";
import type { Emulator } from "../emulator";
import { goField } from "../go-fields";
import { readJsonObject, type Router } from "../router";
import type { MachineRecord } from "../state";
import { requireLeaseNonce } from "./lease-routes";

function metadataOf(machine: MachineRecord): Record<string, string> {
  const metadata = machine.config.metadata;
  return typeof metadata === "object" && metadata !== null
    ? { ...(metadata as Record<string, string>) }
    : {};
}

/**
 * Stores a machine's metadata in its current config, where Fly keeps it (`config.metadata`).
 * Whether Fly mints a new version for a metadata write is undocumented; the emulator does not, so
 * a `machine_version` read before the write still matches after it. An empty map is dropped from
 * the config, as Go's `omitempty` would.
 */
function writeMetadata(
  emulator: Emulator,
  machine: MachineRecord,
  metadata: Record<string, string>,
) {
  const config = { ...machine.config };
  if (Object.keys(metadata).length === 0) delete config.metadata;
  else config.metadata = metadata;
  machine.config = config;
  const current = machine.versions[machine.versions.length - 1];
  if (current) current.config = config;
  machine.updated_at = emulator.isoNow();
}

function keyNotFound(key: string): ApiError {
  return new ApiError(404, `metadata key "${key}" not found`);
}

/** Machine metadata: the whole map, one key, and bulk updates guarded by `machine_version`. */
export function registerMetadataRoutes(router: Router): void {
  const base = "/v1/apps/{app_name}/machines/{machine_id}/metadata";
  const limit = (action: string) => ({ action, scopeParam: "machine_id" as const });

  router.add(
    "GET",
    base,
    ({ emulator, params }) => ({
      status: 200,
      body: metadataOf(emulator.machine(params.app_name, params.machine_id)),
    }),
    limit("metadata_get"),
  );

  router.add(
    "GET",
    `${base}/{key}`,
    ({ emulator, params }) => {
      const metadata = metadataOf(emulator.machine(params.app_name, params.machine_id));
      if (!(params.key in metadata)) throw keyNotFound(params.key);
      return { status: 200, body: { value: metadata[params.key] } };
    },
    limit("metadata_get"),
  );

  router.add(
    "POST",
    `${base}/{key}`,
    (ctx) => {
      const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      requireLeaseNonce(ctx, machine);
      const body = readJsonObject(ctx, "main.upsertMetadataKeyRequest");
      const value = goField(body, "upsertMetadataKeyRequest", "value", "string");
      if (value === undefined) throw badRequest("value is required");
      writeMetadata(ctx.emulator, machine, { ...metadataOf(machine), [ctx.params.key]: value });
      return { status: 204 };
    },
    limit("metadata_set"),
  );

  router.add(
    "DELETE",
    `${base}/{key}`,
    (ctx) => {
      const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      requireLeaseNonce(ctx, machine);
      const metadata = metadataOf(machine);
      delete metadata[ctx.params.key];
      writeMetadata(ctx.emulator, machine, metadata);
      return { status: 204 };
    },
    limit("metadata_delete"),
  );

  for (const method of ["PUT", "PATCH"]) {
    router.add(
      method,
      base,
      (ctx) => {
        const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
        requireLeaseNonce(ctx, machine);
        const body = readJsonObject(ctx, "main.updateMetadataRequest");
        const S = "updateMetadataRequest";
        const version = goField(body, S, "machine_version", "string");
        if (version !== undefined && version !== "" && version !== machine.instance_id) {
          throw preconditionFailed(
            `failed_precondition: machine_version ${version} does not match the machine's version ${machine.instance_id}`,
          );
        }
        const changes = body.metadata ?? {};
        if (typeof changes !== "object" || changes === null || Array.isArray(changes)) {
          throw badRequest(
            `json: cannot unmarshal ${Array.isArray(changes) ? "array" : typeof changes} into Go struct field ${S}.metadata of type map[string]string`,
          );
        }
        // The spec: null values and empty strings remove keys; the rest are set.
        const metadata = metadataOf(machine);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null || value === "") delete metadata[key];
          else if (typeof value !== "string") {
            throw badRequest(
              `json: cannot unmarshal ${typeof value} into Go struct field ${S}.metadata of type string`,
            );
          } else metadata[key] = value;
        }
        writeMetadata(ctx.emulator, machine, metadata);
        return { status: 204 };
      },
      limit("metadata_update"),
    );
  }
}
