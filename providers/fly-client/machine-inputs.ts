/**
 * What callers send to the machine endpoints: request bodies (snake_case, as Fly names them) and
 * the options of list and stop calls.
 */
import type { CallOptions, MutationOptions } from "./call-options";
import type { MachineConfig } from "./machine-schemas";

/** Body of `POST /v1/apps/{app}/machines`. */
export interface CreateMachineInput {
  /** The whole machine configuration; `image` is required by Fly. */
  config: MachineConfig;
  name?: string;
  /** Region code or expression (`iad`, `iad,dfw`); omitted means nearest to the API edge. */
  region?: string;
  /** Create without booting; the machine stays `created`. */
  skip_launch?: boolean;
  /** Create without registering the machine's services with Fly's proxy. */
  skip_service_registration?: boolean;
  /** Create already leased for this many seconds; the nonce comes back in `Machine.nonce`. */
  lease_ttl?: number;
  /** Boot with app secrets at least this new (the version a secrets write returned). */
  min_secrets_version?: number;
  skip_secrets?: boolean;
}

/** Body of an update: the complete new configuration (Fly replaces, it never merges). */
export interface UpdateMachineInput extends CreateMachineInput {
  /** The version being replaced. */
  current_version?: string;
}

/** A metadata entry unique to one create call, so the machine it made can be found again. */
export interface CreateTag {
  /** Metadata key, e.g. `openclaw_fly_create_id`. */
  key: string;
  /** A value no other create uses, e.g. a UUID. */
  value: string;
}

/** Filters of `GET /v1/apps/{app}/machines`. */
export interface ListMachinesOptions extends CallOptions {
  includeDeleted?: boolean;
  region?: string;
  /** Comma-separated states: created, started, stopped, suspended. */
  state?: string;
  /** Leave out config, checks, events and host status. */
  summary?: boolean;
  /** Only machines whose `config.metadata` has all these entries. */
  metadata?: Record<string, string>;
}

/** How to stop a machine. */
export interface StopOptions extends MutationOptions {
  /** Signal for the main process, e.g. `SIGTERM` (Fly's default: `config.stop_config` or SIGINT). */
  stopSignal?: string;
  /** Grace period before the machine is killed, in Go syntax (`"10s"`). */
  timeout?: string;
}
