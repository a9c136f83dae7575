/**
 * Machine metadata: `/v1/apps/{app}/machines/{id}/metadata`. The entries are the machine's
 * `config.metadata`, changed one key at a time without sending (and rebooting) the whole config.
 */
import type { CallOptions, ClientContext, MutationOptions } from "./call-options";
import { machineSchemas } from "./machine-schemas";
import { MACHINE_PATH } from "./machine-lookup";

/** The metadata operations of the client. */
export interface MetadataOperations {
  /** All metadata entries of the machine. */
  get(app: string, id: string, options?: CallOptions): Promise<Record<string, string>>;
  /** Sets one entry; carries the lease nonce when the machine is leased. */
  set(
    app: string,
    id: string,
    key: string,
    value: string,
    options?: MutationOptions,
  ): Promise<void>;
  /** Removes one entry. */
  delete(app: string, id: string, key: string, options?: MutationOptions): Promise<void>;
}

/** Builds the metadata operations over the client's transport. */
export function metadataOperations(ctx: ClientContext): MetadataOperations {
  // Writes of a single key are upserts and deletes: repeating them changes nothing.
  const common = (id: string, options: MutationOptions) => ({
    scope: id,
    idempotent: true,
    leaseNonce: options.leaseNonce,
    signal: options.signal,
  });
  return {
    get: (app, id, options = {}) =>
      ctx.send({
        ...common(id, options),
        method: "GET",
        path: `${MACHINE_PATH}/metadata`,
        params: { app, machine: id },
        schema: machineSchemas().metadata,
        action: "metadata_get",
      }),

    set: (app, id, key, value, options = {}) =>
      ctx.send({
        ...common(id, options),
        method: "POST",
        path: `${MACHINE_PATH}/metadata/{key}`,
        params: { app, machine: id, key },
        body: { value },
        action: "metadata_set",
      }),

    delete: (app, id, key, options = {}) =>
      ctx.send({
        ...common(id, options),
        method: "DELETE",
        path: `${MACHINE_PATH}/metadata/{key}`,
        params: { app, machine: id, key },
        action: "metadata_delete",
      }),
  };
}
