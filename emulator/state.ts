/**
 * The emulator's world: what Fly would hold for the token's organisation. Records keep the API's own
 * snake_case field names so responses are built from them with little translation, and the whole
 * state serializes to JSON for `GET /__emulator/state` and `--state FILE` persistence.
 */

/** Persistent and transient machine states (Fly's machine-states page). */
export type MachineState =
  | "created"
  | "starting"
  | "started"
  | "stopping"
  | "stopped"
  | "suspending"
  | "suspended"
  | "restarting"
  | "replacing"
  | "updating"
  | "destroying"
  | "destroyed"
  | "failed";

/** An app. */
export interface AppRecord {
  id: string;
  name: string;
  org_slug: string;
  network: string;
  status: "pending" | "deployed" | "suspended";
  internal_numeric_id: number;
  created_at: number;
}

/** One entry of a machine's event log (timestamps in Unix milliseconds, as Fly sends them). */
export interface MachineEventRecord {
  id: string;
  type: string;
  status: string;
  source: "user" | "flyd";
  timestamp: number;
  request?: Record<string, unknown>;
}

/** One version of a machine's config; every update mints a new one. */
export interface MachineVersionRecord {
  version: string;
  config: Record<string, unknown>;
  created_at: string;
  /** When a later update replaced this version (RFC 3339); absent for the current version. */
  replaced_at?: string;
}

/** A lease on a machine (`expires_at` in Unix seconds, as Fly sends it). */
export interface LeaseRecord {
  nonce: string;
  owner: string;
  description: string;
  expires_at: number;
  version: string;
}

/** A health check result as Fly reports it on the machine. */
export interface CheckStatusRecord {
  name: string;
  status: "passing" | "warning" | "critical";
  output: string;
  updated_at: string;
}

/** A machine, with its version history, events, lease and simulated runtime facts. */
export interface MachineRecord {
  id: string;
  name: string;
  app: string;
  region: string;
  state: MachineState;
  /** The current config as Fly echoes it: the request's config plus server defaults. */
  config: Record<string, unknown>;
  instance_id: string;
  versions: MachineVersionRecord[];
  events: MachineEventRecord[];
  lease?: LeaseRecord;
  private_ip: string;
  created_at: string;
  updated_at: string;
  host_status: "ok" | "unknown" | "unreachable";
  cordoned: boolean;
  checks: CheckStatusRecord[];
  /** The app secrets version the running process booted with (visible only through the control API). */
  booted_secrets_version?: number;
  /** The smallest secrets version the machine must boot with (from create/update). */
  min_secrets_version?: number;
  skip_secrets?: boolean;
  /** When the machine reached `destroyed` (Unix ms); GET answers 404 a short while after. */
  destroyed_at?: number;
  /** The state an in-flight asynchronous transition leads to; absent once the machine settles. */
  transition_to?: MachineState;
  /** Bumped by every new transition, so timers of a superseded transition do nothing. */
  transition_seq?: number;
  /** Set when the main process exited and the restart policy left the machine stopped. */
  stopped_by_exit?: boolean;
  /** Automatic restarts after process exits since the last user start (restart policy budget). */
  restart_count?: number;
  /** When the machine last reached `started` (Unix ms); health checks are judged from here. */
  checks_since?: number;
  /**
   * Real machines: the loopback port of each guest port its config declares, kept for the
   * machine's life, and the URL of the first one (the gateway), as `fly proxy` would give it.
   */
  local_ports?: Record<string, number>;
  local_url?: string;
}

/** A volume. */
export interface VolumeRecord {
  id: string;
  app: string;
  name: string;
  state: string;
  region: string;
  zone: string;
  size_gb: number;
  encrypted: boolean;
  attached_machine_id: string | null;
  attached_alloc_id: string | null;
  created_at: string;
  fstype: string;
  snapshot_retention: number;
  auto_backup_enabled: boolean;
  host_status: "ok" | "unknown" | "unreachable";
  type: "local" | "cache";
  block_size: number;
  snapshots: VolumeSnapshotRecord[];
  /**
   * The machine size the create asked a host to have room for (`compute`, a fly.MachineGuest).
   * Fly reads it only to place the volume and never echoes it; kept here for tests to read.
   */
  compute?: { cpu_kind?: string; cpus?: number; memory_mb?: number };
  /**
   * When a restoring volume finishes restoring, or a fork finishes hydrating (Unix ms); its state
   * reads `created` after that.
   */
  ready_at?: number;
  /** When the next automatic daily snapshot is due (Unix ms); a day after creation at first. */
  next_backup_at?: number;
  /** When the volume was deleted (Unix ms): it stays listed as `pending_destroy` for a while. */
  destroyed_at?: number;
}

/** A volume snapshot. */
export interface VolumeSnapshotRecord {
  id: string;
  size: number;
  volume_size: number;
  digest: string;
  created_at: string;
  status: string;
  retention_days: number;
  /** When an on-demand snapshot finishes (Unix ms); its status reads `created` after that. */
  ready_at?: number;
}

/** One app secret. The value never leaves the emulator through the API. */
export interface SecretRecord {
  name: string;
  /** Always empty: only the digest is kept, so no value reaches the `--state` file. */
  value: string;
  digest: string;
  created_at: string;
  updated_at: string;
}

/** An app's secrets and its monotonically increasing secrets version. */
export interface AppSecretsRecord {
  version: number;
  secrets: Record<string, SecretRecord>;
}

/** An IP assignment. Fly's list response carries no type; the emulator remembers it. */
export interface IpAddressRecord {
  app: string;
  ip: string;
  type: "v4" | "v6" | "shared_v4" | "private_v6";
  region: string;
  service_name: string;
  shared: boolean;
  network: string;
  created_at: string;
}

/** A certificate and its issuance progress. */
export interface CertificateRecord {
  app: string;
  hostname: string;
  status: "pending_ownership" | "pending_validation" | "active";
  created_at: string;
  updated_at: string;
  /** When the simulated ACME issuance completes (Unix ms). */
  issued_at_ms: number;
}

/** Everything the emulator holds. Keys are ids (machines, volumes) or names (apps). */
export interface EmulatorState {
  apps: Record<string, AppRecord>;
  machines: Record<string, MachineRecord>;
  volumes: Record<string, VolumeRecord>;
  secrets: Record<string, AppSecretsRecord>;
  ipAddresses: IpAddressRecord[];
  certificates: CertificateRecord[];
  /** Counters that make generated addresses deterministic. */
  counters: { ip: number; app: number };
}

/** A fresh, empty world. */
export function emptyState(): EmulatorState {
  return {
    apps: {},
    machines: {},
    volumes: {},
    secrets: {},
    ipAddresses: [],
    certificates: [],
    counters: { ip: 0, app: 0 },
  };
}
