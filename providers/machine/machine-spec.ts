import type { FlyGuest } from "../../rules/fly-sizes";

/**
 * The desired configuration of one Fly Machine, as the `FlyMachine` resource takes it.
 *
 * Field names are camelCase and nested the way Fly nests them, so that a Pulumi preview shows a
 * change as `guest.memoryMb: 1024 => 2048` or as one changed `env` key, never as one changed blob.
 * The provider translates this shape to and from the Machines API's snake_case `config`.
 */
export interface MachineSpec {
  /** OCI image reference, e.g. `ghcr.io/openclaw/openclaw:2026.9.6`. */
  image: string;
  /** CPU kind, CPU count and memory. */
  guest: MachineGuest;
  /** Plain environment variables. Secrets arrive through Fly secrets, never here. */
  env?: Record<string, string>;
  /** Files written into the machine before its process starts. */
  files?: MachineFile[];
  /** Overrides of the image's entrypoint and command. */
  init?: MachineInit;
  /** Volumes to mount; Fly allows at most one per machine. */
  mounts?: MachineMount[];
  /** Public or Flycast services routed by Fly's proxy. */
  services?: MachineService[];
  /** Machine-level health checks, keyed by check name. */
  checks?: Record<string, MachineCheck>;
  /** What Fly does when the main process exits. */
  restart?: MachineRestart;
  /** Free-form labels stored in `config.metadata`. */
  metadata?: Record<string, string>;
  /** Signal and grace period used when Fly stops the machine. */
  stopConfig?: MachineStopConfig;
  /** Destroy the machine when its process exits. */
  autoDestroy?: boolean;
}

/** Guest size; `check` holds it to Fly's CPU counts and memory per CPU (`rules/fly-sizes.ts`). */
export type MachineGuest = FlyGuest;

/** A file Fly writes into the machine at boot. Exactly one of `rawValue` or `secretName`. */
export interface MachineFile {
  guestPath: string;
  /** Base64-encoded content. */
  rawValue?: string;
  /** Name of an app secret whose value becomes the file content. */
  secretName?: string;
  /** Unix mode as a decimal number, e.g. 0o644 = 420. */
  mode?: number;
}

/** Process overrides (`config.init`). */
export interface MachineInit {
  entrypoint?: string[];
  cmd?: string[];
  exec?: string[];
}

/** A volume mount (`config.mounts[]`); `volume` is the volume id (`vol_…`). */
export interface MachineMount {
  volume: string;
  path: string;
  /**
   * The volume's region. Fly has no such mount field; knowing it lets preview refuse a mount of a
   * volume in another region before any API call is made.
   */
  region?: string;
}

/** A service (`config.services[]`). */
export interface MachineService {
  protocol: "tcp" | "udp";
  internalPort: number;
  ports: MachineServicePort[];
  autostopMachines?: "off" | "stop" | "suspend";
  autostartMachines?: boolean;
  minMachinesRunning?: number;
}

/** A public port of a service (`services[].ports[]`). */
export interface MachineServicePort {
  port: number;
  handlers: string[];
  forceHttps?: boolean;
}

/** A machine-level check (`config.checks.<name>`). Durations use Go syntax: "15s", "2m". */
export interface MachineCheck {
  type: "http" | "tcp";
  port: number;
  method?: string;
  path?: string;
  interval: string;
  timeout: string;
  gracePeriod?: string;
}

/** Restart policy (`config.restart`). */
export interface MachineRestart {
  policy: "no" | "always" | "on-failure";
  maxRetries?: number;
}

/** Stop behaviour (`config.stop_config`). */
export interface MachineStopConfig {
  signal?: string;
  timeout?: string;
}
