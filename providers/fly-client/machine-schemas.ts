/**
 * Response schemas of the machine endpoints (machines, events, leases, waits, metadata) and the
 * types inferred from them. Field names are the API's own (snake_case).
 *
 * Objects are loose: fields Fly adds later pass through untouched. Optional fields accept `null`
 * as well, because the API is written in Go and sends nil values as `null`. Schemas are built on
 * first use and memoized once per process; leases and waits have builders of their own, so that
 * a provider which only reads machines never builds them.
 */
import { z } from "zod";
import type * as Zod from "zod";
import { memoize } from "./process-state";

function buildMachineSchemas() {
  const text = z.string().nullish();
  const flag = z.boolean().nullish();
  const count = z.number().nullish();
  const strings = z.array(z.string()).nullish();
  const stringMap = z.record(z.string(), z.string());
  // Go durations arrive as strings ("10s"); fly-go also accepts integer nanoseconds.
  const duration = z.union([z.string(), z.number()]).nullish();

  const guest = z.looseObject({ cpu_kind: text, cpus: count, memory_mb: count });
  const port = z.looseObject({ port: count, handlers: strings, force_https: flag });
  const service = z.looseObject({
    protocol: text,
    internal_port: count,
    ports: z.array(port).nullish(),
    // Responses normalise autostop "off"/"stop" to false/true but keep "suspend" as a string.
    autostop: z.union([z.boolean(), z.string()]).nullish(),
    autostart: flag,
    min_machines_running: count,
  });
  const check = z.looseObject({
    type: text,
    port: count,
    method: text,
    path: text,
    interval: duration,
    timeout: duration,
    grace_period: duration,
  });
  const config = z.looseObject({
    image: text,
    env: stringMap.nullish(),
    metadata: stringMap.nullish(),
    guest: guest.nullish(),
    services: z.array(service).nullish(),
    checks: z.record(z.string(), check).nullish(),
    mounts: z.array(z.looseObject({ volume: text, path: text, name: text })).nullish(),
    files: z
      .array(z.looseObject({ guest_path: text, raw_value: text, secret_name: text, mode: count }))
      .nullish(),
    init: z.looseObject({ entrypoint: strings, cmd: strings, exec: strings }).nullish(),
    restart: z.looseObject({ policy: text, max_retries: count }).nullish(),
    stop_config: z.looseObject({ signal: text, timeout: duration }).nullish(),
    auto_destroy: flag,
  });

  const checkStatus = z.looseObject({
    name: z.string(),
    status: z.string(),
    output: text,
    updated_at: text,
  });
  const exitEvent = z.looseObject({
    exit_code: count,
    guest_exit_code: count,
    signal: count,
    oom_killed: flag,
    requested_stop: flag,
    /** Whether Fly restarts the machine after this exit (its restart policy said so). */
    restarting: flag,
  });
  const event = z.looseObject({
    id: text,
    type: z.string(),
    status: text,
    source: text,
    /** Unix milliseconds. */
    timestamp: z.number(),
    request: z.looseObject({ exit_event: exitEvent.nullish(), restart_count: count }).nullish(),
  });
  const machine = z.looseObject({
    id: z.string(),
    name: text,
    state: z.string(),
    region: z.string(),
    /** The machine version (a 26-character ULID); newer responses also send `version`. */
    instance_id: text,
    version: text,
    private_ip: text,
    config: config.nullish(),
    /** Sent instead of `config` while the host is unreachable. */
    incomplete_config: config.nullish(),
    image_ref: z
      .looseObject({ registry: text, repository: text, tag: text, digest: text })
      .nullish(),
    created_at: text,
    updated_at: text,
    events: z.array(event).nullish(),
    checks: z.array(checkStatus).nullish(),
    host_status: text,
    /** Lease nonce, only when the machine was created with `lease_ttl`. */
    nonce: text,
  });

  return {
    config,
    machine,
    machineList: z.array(machine),
    event,
    eventList: z.array(event),
    checkStatus,
    metadata: stringMap,
  };
}

function buildLeaseSchemas() {
  const text = z.string().nullish();
  const leaseFields = z.looseObject({
    nonce: z.string(),
    /** Unix seconds. */
    expires_at: z.number(),
    owner: text,
    description: text,
    version: text,
  });
  // Fly wraps lease answers in {"status":"success","data":{...}}; the published spec shows the
  // bare lease. Both are accepted.
  const lease = z.preprocess(
    (body) =>
      typeof body === "object" && body !== null && "data" in body
        ? (body as { data: unknown }).data
        : body,
    leaseFields,
  );
  return { lease };
}

function buildWaitSchemas() {
  const text = z.string().nullish();
  const waitResult = z.looseObject({
    ok: z.boolean().nullish(),
    state: text,
    version: text,
    event_id: text,
  });
  // An empty 200 from /wait means the same as {"ok":true}.
  return { waitResult: waitResult.nullish() };
}

/** The machine, event and metadata schemas, built once per process. */
export function machineSchemas(): ReturnType<typeof buildMachineSchemas> {
  return memoize(buildMachineSchemas);
}

/** The lease schema, built once per process. */
export function leaseSchemas(): ReturnType<typeof buildLeaseSchemas> {
  return memoize(buildLeaseSchemas);
}

/** The `/wait` answer schema, built once per process. */
export function waitSchemas(): ReturnType<typeof buildWaitSchemas> {
  return memoize(buildWaitSchemas);
}

type Schemas = ReturnType<typeof buildMachineSchemas>;

/** A machine as `GET /v1/apps/{app}/machines/{id}` returns it. */
export type Machine = Zod.infer<Schemas["machine"]>;
/** A machine's `config` (fly.MachineConfig): sent whole on create and update. */
export type MachineConfig = Zod.infer<Schemas["config"]>;
/** One entry of a machine's event log (newest first). */
export type MachineEvent = Zod.infer<Schemas["event"]>;
/** The latest result of one health check (`passing`, `warning` or `critical`). */
export type MachineCheckStatus = Zod.infer<Schemas["checkStatus"]>;
/** A machine lease: `nonce` goes into `fly-machine-lease-nonce`; `expires_at` is Unix seconds. */
export type Lease = Zod.infer<ReturnType<typeof leaseSchemas>["lease"]>;
/** What one `/wait` call answered. */
export type WaitResult = NonNullable<Zod.infer<ReturnType<typeof waitSchemas>["waitResult"]>>;
