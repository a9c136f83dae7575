import { badRequest } from "./api-errors";
import { resolveGuest } from "./guest";

/** A machine config as the emulator stores and echoes it (Fly's `fly.MachineConfig`). */
export type MachineConfig = Record<string, unknown>;

/**
 * The fields of `fly.MachineConfig`. Fly's server decodes the config into a Go struct, so fields it
 * does not know are dropped from what it stores and echoes; the emulator does the same.
 */
const CONFIG_FIELDS = new Set([
  "auto_destroy",
  "cache_drive",
  "checks",
  "containers",
  "disable_machine_autostart",
  "dns",
  "env",
  "files",
  "guest",
  "image",
  "init",
  "metadata",
  "metrics",
  "mounts",
  "processes",
  "restart",
  "rootfs",
  "schedule",
  "services",
  "size",
  "spot",
  "standbys",
  "statics",
  "stop_config",
  "volumes",
]);

const RESTART_POLICIES = ["no", "always", "on-failure", "spot-price"];
/** Signals `stop_config` and the stop endpoint accept (the spec's `StopRequest` enum). */
export const STOP_SIGNALS = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGKILL",
  "SIGUSR1",
  "SIGUSR2",
  "SIGTERM",
];
/** Fly restarts a crashed machine this many times when the policy names no `max_retries`. */
export const DEFAULT_MAX_RETRIES = 10;

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "boolean" ? "bool" : typeof value;
}

/**
 * Go's decoder error for a value of the wrong JSON type. Go names the innermost struct being decoded
 * and the field's full path from the request root, e.g. `MachineGuest.config.guest.cpus`.
 */
function typeError(struct: string, path: string, value: unknown, goType: string): never {
  throw badRequest(
    `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.config.${path} of type ${goType}`,
  );
}

function objectAt(struct: string, path: string, value: unknown, goType: string) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    typeError(struct, path, value, goType);
  }
  return value as Record<string, unknown>;
}

function arrayAt(path: string, value: unknown, goType: string): unknown[] {
  if (!Array.isArray(value)) typeError("MachineConfig", path, value, goType);
  return value;
}

function stringMapAt(path: string, value: unknown): void {
  for (const entry of Object.values(objectAt("MachineConfig", path, value, "map[string]string"))) {
    if (typeof entry !== "string") typeError("MachineConfig", path, entry, "string");
  }
}

function optionalType(
  struct: string,
  path: string,
  value: unknown,
  kind: "boolean" | "string" | "int",
): void {
  if (value === undefined || value === null) return;
  if (kind === "int" ? !Number.isInteger(value) : typeof value !== kind) {
    typeError(struct, path, value, kind === "boolean" ? "bool" : kind);
  }
}

/**
 * Turns a request's `config` into the config Fly stores: unknown fields dropped, sizes resolved to
 * a full `guest`, server defaults filled (`guest`, `restart`, `dns`), service `autostop` normalised
 * the way Fly echoes it, and every rule Fly enforces at the API checked with a 400 naming the field.
 */
export function normalizeMachineConfig(raw: unknown, requestType: string): MachineConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    throw badRequest(
      `json: cannot unmarshal ${jsonKind(raw)} into Go struct field ${requestType}.config of type fly.MachineConfig`,
    );
  }
  const input = (raw ?? {}) as Record<string, unknown>;
  const config: MachineConfig = {};
  for (const [key, value] of Object.entries(input)) {
    if (CONFIG_FIELDS.has(key) && value !== null) config[key] = value;
  }
  if (typeof config.image !== "string" || config.image.trim() === "") {
    optionalType("MachineConfig", "image", config.image, "string");
    throw badRequest("config.image is required");
  }
  if (config.env !== undefined) stringMapAt("env", config.env);
  if (config.metadata !== undefined) stringMapAt("metadata", config.metadata);
  optionalType("MachineConfig", "auto_destroy", config.auto_destroy, "boolean");
  optionalType("MachineConfig", "schedule", config.schedule, "string");
  config.guest = resolveGuest(config.size, config.guest);
  delete config.size;
  config.restart = normalizeRestart(config.restart);
  if (config.stop_config !== undefined) checkStopConfig(config.stop_config);
  if (config.services !== undefined) config.services = normalizeServices(config.services);
  if (config.checks !== undefined) checkChecks(config.checks);
  if (config.files !== undefined) checkFiles(config.files);
  if (config.mounts !== undefined) checkMountShapes(config.mounts);
  if (config.init !== undefined) objectAt("MachineConfig", "init", config.init, "fly.MachineInit");
  config.dns =
    config.dns === undefined ? {} : objectAt("MachineConfig", "dns", config.dns, "fly.DNSConfig");
  return config;
}

function normalizeRestart(value: unknown): Record<string, unknown> {
  if (value === undefined) return { policy: "on-failure", max_retries: DEFAULT_MAX_RETRIES };
  const restart = objectAt("MachineConfig", "restart", value, "fly.MachineRestart");
  optionalType("MachineRestart", "restart.max_retries", restart.max_retries, "int");
  if (restart.policy !== undefined && !RESTART_POLICIES.includes(String(restart.policy))) {
    throw badRequest(
      `invalid config.restart.policy ${JSON.stringify(restart.policy)}: must be one of ${RESTART_POLICIES.join(", ")}`,
    );
  }
  return restart;
}

function checkStopConfig(value: unknown): void {
  const stop = objectAt("MachineConfig", "stop_config", value, "fly.StopConfig");
  if (stop.signal !== undefined && !STOP_SIGNALS.includes(String(stop.signal))) {
    throw badRequest(
      `invalid config.stop_config.signal ${JSON.stringify(stop.signal)}: must be one of ${STOP_SIGNALS.join(", ")}`,
    );
  }
}

/** Fly answers `autostop` as a boolean for "off"/"stop" (older clients read booleans). */
function normalizeServices(value: unknown): unknown[] {
  return arrayAt("services", value, "[]fly.MachineService").map((entry, i) => {
    const service = { ...objectAt("MachineConfig", "services", entry, "fly.MachineService") };
    optionalType("MachineService", "services.internal_port", service.internal_port, "int");
    optionalType("MachineService", "services.autostart", service.autostart, "boolean");
    if (
      service.protocol !== undefined &&
      service.protocol !== "tcp" &&
      service.protocol !== "udp"
    ) {
      throw badRequest(
        `invalid config.services[${i}].protocol ${JSON.stringify(service.protocol)}: must be "tcp" or "udp"`,
      );
    }
    if (service.autostop === "off") service.autostop = false;
    else if (service.autostop === "stop") service.autostop = true;
    else if (![undefined, true, false, "suspend"].includes(service.autostop as string)) {
      throw badRequest(
        `invalid config.services[${i}].autostop ${JSON.stringify(service.autostop)}: must be "off", "stop" or "suspend"`,
      );
    }
    if (service.checks !== undefined) {
      arrayAt("services.checks", service.checks, "[]fly.MachineServiceCheck").forEach((check, j) =>
        checkKind(`services[${i}].checks[${j}]`, check),
      );
    }
    return service;
  });
}

function checkKind(path: string, value: unknown): void {
  const check = objectAt("MachineConfig", "checks", value, "fly.MachineCheck");
  optionalType("MachineCheck", "checks.port", check.port, "int");
  if (check.type !== undefined && check.type !== "tcp" && check.type !== "http") {
    throw badRequest(
      `invalid config.${path}.type ${JSON.stringify(check.type)}: must be "tcp" or "http"`,
    );
  }
}

function checkChecks(value: unknown): void {
  const checks = objectAt("MachineConfig", "checks", value, "map[string]fly.MachineCheck");
  for (const [name, check] of Object.entries(checks)) {
    checkKind(`checks.${name}`, check);
  }
}

function checkFiles(value: unknown): void {
  arrayAt("files", value, "[]fly.File").forEach((entry, i) => {
    const file = objectAt("MachineConfig", "files", entry, "fly.File");
    if (typeof file.guest_path !== "string" || !file.guest_path.startsWith("/")) {
      throw badRequest(`invalid config.files[${i}].guest_path: must be an absolute path`);
    }
    const sources = ["raw_value", "secret_name", "image_config"].filter((k) => file[k] != null);
    if (sources.length !== 1) {
      throw badRequest(
        `invalid config.files[${i}]: exactly one of raw_value, secret_name or image_config must be set`,
      );
    }
  });
}

function checkMountShapes(value: unknown): void {
  arrayAt("mounts", value, "[]fly.MachineMount").forEach((entry, i) => {
    const mount = objectAt("MachineConfig", "mounts", entry, "fly.MachineMount");
    for (const field of ["volume", "path"]) {
      if (typeof mount[field] !== "string" || mount[field] === "") {
        throw badRequest(`config.mounts[${i}].${field} is required`);
      }
    }
  });
}

/** The restart policy Fly applies when the main process exits, with its defaults filled in. */
export function restartPolicyOf(config: MachineConfig): { policy: string; maxRetries: number } {
  const restart = (config.restart ?? {}) as Record<string, unknown>;
  return {
    policy: typeof restart.policy === "string" ? restart.policy : "on-failure",
    maxRetries: typeof restart.max_retries === "number" ? restart.max_retries : DEFAULT_MAX_RETRIES,
  };
}
