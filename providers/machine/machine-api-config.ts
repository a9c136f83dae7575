/**
 * Translation between the `FlyMachine` spec (camelCase, `machine-spec.ts`) and the
 * Machines API's `config` (snake_case). Both directions go through `normalizeSpec`, so what is
 * sent and what is read back are in the same normal form.
 */
import type { MachineConfig } from "../fly-client/fly-client";
import type {
  MachineCheck,
  MachineFile,
  MachineMount,
  MachineService,
  MachineServicePort,
  MachineSpec,
} from "./machine-spec";
import {
  isRecord,
  MANAGED_MARKER_KEY,
  mapRecord,
  normalizeSpec,
  VOLUME_SIZE_KEY,
} from "./machine-normal-form";
import { STACK_MARKER_KEY } from "../provider-kit/ownership";
import { compact } from "../provider-kit/provider-values";

type Json = Record<string, unknown>;

/** What the providers mark a machine with, besides its spec (see `machine-normal-form.ts`). */
export interface MachineMarks {
  /** The stack the machine belongs to. */
  stack?: string;
  /** The volume size in GB the configuration is booted for. */
  volumeSizeGb?: number;
}

/** The metadata entries carrying `marks`, with the managed marker every version sets. */
export function marksMetadata(marks: MachineMarks): Record<string, string> {
  return compact({
    [MANAGED_MARKER_KEY]: "true",
    [STACK_MARKER_KEY]: marks.stack,
    [VOLUME_SIZE_KEY]: marks.volumeSizeGb === undefined ? undefined : String(marks.volumeSizeGb),
  }) as Record<string, string>;
}

/** The metadata a machine's configuration carries (none read as empty). */
export function metadataOf(config: MachineConfig): Record<string, unknown> {
  const metadata = (config as Json).metadata;
  return isRecord(metadata) ? metadata : {};
}

/** The marks a machine's configuration carries, as Fly stores them. */
export function marksOf(config: MachineConfig): MachineMarks {
  const metadata = metadataOf(config);
  const stack = metadata[STACK_MARKER_KEY];
  const size = Number(metadata[VOLUME_SIZE_KEY]);
  return compact({
    stack: typeof stack === "string" ? stack : undefined,
    volumeSizeGb: Number.isInteger(size) && size > 0 ? size : undefined,
  });
}

/** Whether the machine's configuration carries the managed marker of these providers. */
export function isManaged(config: MachineConfig): boolean {
  return metadataOf(config)[MANAGED_MARKER_KEY] === "true";
}

/** The API `config` for a spec, with `extraMetadata` (ownership marks, create tag) added. */
export function toApiConfig(spec: MachineSpec, extraMetadata: Record<string, string>) {
  const s = normalizeSpec(spec);
  return compact({
    image: s.image,
    guest: { cpu_kind: s.guest.cpuKind, cpus: s.guest.cpus, memory_mb: s.guest.memoryMb },
    env: s.env,
    files: s.files?.map((f: MachineFile) =>
      compact({
        guest_path: f.guestPath,
        raw_value: f.rawValue,
        secret_name: f.secretName,
        mode: f.mode,
      }),
    ),
    init: s.init ? compact({ ...s.init }) : undefined,
    mounts: s.mounts?.map((m: MachineMount) => ({ volume: m.volume, path: m.path })),
    services: s.services?.map((service: MachineService) =>
      compact({
        protocol: service.protocol,
        internal_port: service.internalPort,
        ports: service.ports.map((p: MachineServicePort) =>
          compact({ port: p.port, handlers: p.handlers, force_https: p.forceHttps }),
        ),
        autostop: service.autostopMachines,
        autostart: service.autostartMachines,
        min_machines_running: service.minMachinesRunning,
      }),
    ),
    checks: s.checks
      ? Object.fromEntries(
          Object.entries(s.checks).map(([name, c]: [string, MachineCheck]) => [
            name,
            compact({
              type: c.type,
              port: c.port,
              method: c.method,
              path: c.path,
              interval: c.interval,
              timeout: c.timeout,
              grace_period: c.gracePeriod,
            }),
          ]),
        )
      : undefined,
    restart: s.restart
      ? compact({ policy: s.restart.policy, max_retries: s.restart.maxRetries })
      : undefined,
    metadata: { ...s.metadata, ...extraMetadata },
    stop_config: s.stopConfig ? compact({ ...s.stopConfig }) : undefined,
    auto_destroy: s.autoDestroy,
  }) as MachineConfig;
}

/** Fly answers autostop as a boolean for "off"/"stop" and keeps "suspend" as a string. */
function autostopName(value: unknown): MachineService["autostopMachines"] | undefined {
  if (value === false || value === "off") return "off";
  if (value === true || value === "stop") return "stop";
  return value === "suspend" ? "suspend" : undefined;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/**
 * The normalized spec of a machine read back from Fly. Mounts carry the machine's region: Fly
 * only lets a machine mount a volume in its own region.
 */
export function fromApiConfig(config: MachineConfig, region: string): MachineSpec {
  const c = config as Json;
  const guest = isRecord(c.guest) ? c.guest : {};
  const init = isRecord(c.init) ? c.init : undefined;
  const restart = isRecord(c.restart) ? c.restart : undefined;
  const stop = isRecord(c.stop_config) ? c.stop_config : undefined;
  return normalizeSpec({
    image: text(c.image) ?? "",
    guest: {
      cpuKind: guest.cpu_kind === "performance" ? "performance" : "shared",
      cpus: count(guest.cpus) ?? 1,
      memoryMb: count(guest.memory_mb) ?? 256,
    },
    env: isRecord(c.env) ? (c.env as Record<string, string>) : undefined,
    files: list(c.files).map((f) =>
      compact({
        guestPath: text(f.guest_path) ?? "",
        rawValue: text(f.raw_value),
        secretName: text(f.secret_name),
        mode: count(f.mode),
      }),
    ),
    init: init
      ? { entrypoint: strings(init.entrypoint), cmd: strings(init.cmd), exec: strings(init.exec) }
      : undefined,
    mounts: list(c.mounts).map((m) => ({
      volume: text(m.volume) ?? "",
      path: text(m.path) ?? "",
      region,
    })),
    services: list(c.services).map((s) =>
      compact({
        protocol: s.protocol === "udp" ? "udp" : "tcp",
        internalPort: count(s.internal_port) ?? 0,
        ports: list(s.ports).map((p) =>
          compact({
            port: count(p.port) ?? 0,
            handlers: strings(p.handlers) ?? [],
            forceHttps: p.force_https === true || undefined,
          }),
        ),
        autostopMachines: autostopName(s.autostop),
        autostartMachines: typeof s.autostart === "boolean" ? s.autostart : undefined,
        minMachinesRunning: count(s.min_machines_running),
      }),
    ),
    checks: isRecord(c.checks)
      ? (mapRecord(c.checks, (entry) => {
          const check = isRecord(entry) ? entry : {};
          return compact({
            type: check.type === "tcp" ? "tcp" : "http",
            port: count(check.port) ?? 0,
            method: text(check.method),
            path: text(check.path),
            interval: check.interval,
            timeout: check.timeout,
            gracePeriod: check.grace_period,
          });
        }) as Record<string, MachineCheck>)
      : undefined,
    restart: restart
      ? (compact({
          policy: restart.policy,
          maxRetries: count(restart.max_retries),
        }) as MachineSpec["restart"])
      : undefined,
    metadata: isRecord(c.metadata) ? (c.metadata as Record<string, string>) : undefined,
    stopConfig: stop
      ? compact({ signal: text(stop.signal), timeout: stop.timeout as string | undefined })
      : undefined,
    autoDestroy: c.auto_destroy === true,
  });
}
