/**
 * Machines: `/v1/apps/{app}/machines`: create (adoptable through an ownership tag), read, update,
 * the start/stop/restart/delete lifecycle and events. Reading one machine, metadata, waits and
 * leases live in their own modules and are joined in by the client.
 */
import { createOrAdopt } from "./create-or-adopt";
import { isAlreadyExists } from "./fly-api-error";
import { runLifecycleAction } from "./machine-actions";
import { findMachine, getMachine, MACHINE_PATH } from "./machine-lookup";
import { machineSchemas } from "./machine-schemas";
import type { Machine, MachineEvent } from "./machine-schemas";
import type { CallOptions, ClientContext, MutationOptions } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";
import type {
  CreateMachineInput,
  CreateTag,
  ListMachinesOptions,
  StopOptions,
  UpdateMachineInput,
} from "./machine-inputs";

/** The machine CRUD and lifecycle operations of the client. */
export interface MachineOperations {
  /**
   * Creates a machine whose `config.metadata` carries `createTag`. After an ambiguous failure
   * the machine carrying the tag is looked up and adopted; only when none exists is the create
   * sent again.
   */
  create(
    app: string,
    input: CreateMachineInput,
    options: CallOptions & { createTag: CreateTag },
  ): Promise<Machine>;
  /** The machine; a FlyApiError (404) once it is gone. */
  get(app: string, id: string, options?: CallOptions): Promise<Machine>;
  /** The machine, or undefined when it does not exist. */
  getOrUndefined(app: string, id: string, options?: CallOptions): Promise<Machine | undefined>;
  /** The app's machines (destroyed ones only with `includeDeleted`). */
  list(app: string, options?: ListMachinesOptions): Promise<Machine[]>;
  /** Replaces the machine's configuration, minting a new version (a started machine reboots). */
  update(
    app: string,
    id: string,
    input: UpdateMachineInput,
    options?: MutationOptions,
  ): Promise<Machine>;
  /**
   * Starts a `created`, `stopped` or `suspended` machine. After an ambiguous failure the machine
   * is read, and `starting`/`started` counts as done; only otherwise is the start sent again.
   */
  start(app: string, id: string, options?: MutationOptions): Promise<void>;
  /** Stops the machine; after an ambiguous failure, `stopping`/`stopped` counts as done. */
  stop(app: string, id: string, options?: StopOptions): Promise<void>;
  /** Restarts the machine; after an ambiguous failure, a restart under way counts as done. */
  restart(app: string, id: string, options?: StopOptions): Promise<void>;
  /** Destroys the machine; `force` kills it when it is running. */
  delete(app: string, id: string, options?: MutationOptions & { force?: boolean }): Promise<void>;
  /** The machine's event log, newest first. */
  events(
    app: string,
    id: string,
    options?: CallOptions & { limit?: number },
  ): Promise<MachineEvent[]>;
}

/**
 * The machine CRUD and lifecycle operations alone, over a transport of their own; waits and
 * leases come from `createWaitsClient` and `createLeasesClient`.
 */
export function createMachinesClient(options: FlyClientOptions): MachineOperations {
  return machineOperations(createClientContext(options));
}

/** Builds the machine operations over the client's transport. */
export function machineOperations(ctx: ClientContext): MachineOperations {
  const { send } = ctx;

  const get = (app: string, id: string, options?: CallOptions): Promise<Machine> =>
    getMachine(ctx, app, id, options);

  const list = (app: string, options: ListMachinesOptions = {}): Promise<Machine[]> => {
    const query: Record<string, string | boolean | undefined> = {
      include_deleted: options.includeDeleted,
      region: options.region,
      state: options.state,
      summary: options.summary,
    };
    for (const [key, value] of Object.entries(options.metadata ?? {})) {
      query[`metadata.${key}`] = value;
    }
    return send({
      method: "GET",
      path: "/v1/apps/{app}/machines",
      params: { app },
      query,
      schema: machineSchemas().machineList,
      action: "machine_list",
      scope: app,
      idempotent: true,
      signal: options.signal,
    });
  };

  return {
    create(app, input, options) {
      const { key, value } = options.createTag;
      const config = { ...input.config, metadata: { ...input.config.metadata, [key]: value } };
      return createOrAdopt(ctx, {
        create: () =>
          send({
            method: "POST",
            path: "/v1/apps/{app}/machines",
            params: { app },
            body: { ...input, config },
            schema: machineSchemas().machine,
            action: "machine_create",
            scope: app,
            idempotent: false,
            signal: options.signal,
          }),
        find: async () => {
          const tagged = await list(app, { metadata: { [key]: value }, signal: options.signal });
          // Filter again here: a server that ignored the filter must not make us adopt a stranger.
          return tagged.find(
            (m) =>
              m.config?.metadata?.[key] === value &&
              m.state !== "destroyed" &&
              m.state !== "destroying",
          );
        },
        // Fly refuses a second machine with the same name: right after our own ambiguous
        // attempt that refusal means the attempt made it, and the tag finds it.
        provesEarlierSuccess: input.name === undefined ? undefined : isAlreadyExists,
        signal: options.signal,
      });
    },

    get,

    getOrUndefined: (app, id, options) => findMachine(ctx, app, id, options),

    list,

    update(app, id, input, options = {}) {
      return send({
        method: "POST",
        path: MACHINE_PATH,
        params: { app, machine: id },
        body: input,
        schema: machineSchemas().machine,
        action: "machine_update",
        scope: id,
        // Fly replaces the whole configuration, so sending the same one twice converges.
        idempotent: true,
        leaseNonce: options.leaseNonce,
        signal: options.signal,
      });
    },

    start: (app, id, options = {}) => runLifecycleAction(ctx, "start", app, id, options),
    stop: (app, id, options = {}) => runLifecycleAction(ctx, "stop", app, id, options),
    restart: (app, id, options = {}) => runLifecycleAction(ctx, "restart", app, id, options),

    async delete(app, id, options = {}) {
      await send({
        method: "DELETE",
        path: MACHINE_PATH,
        params: { app, machine: id },
        query: { force: options.force },
        action: "machine_delete",
        scope: id,
        idempotent: true,
        leaseNonce: options.leaseNonce,
        signal: options.signal,
      });
    },

    events(app, id, options = {}) {
      return send({
        method: "GET",
        path: `${MACHINE_PATH}/events`,
        params: { app, machine: id },
        query: { limit: options.limit },
        schema: machineSchemas().eventList,
        action: "machine_events",
        scope: id,
        idempotent: true,
        signal: options.signal,
      });
    },
  };
}
