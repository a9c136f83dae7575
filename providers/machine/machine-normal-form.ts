/**
 * The one normal form in which a desired `FlyMachine` spec and a spec read back from Fly are
 * compared.
 *
 * Fly fills defaults and respells values in what it stores: durations come back as "2m0s",
 * `autostop: "off"` as `false`, a missing restart policy as `on-failure` with 10 retries, and
 * empty maps or lists may be absent or present. `normalizeSpec` brings both sides to the same
 * spelling, so a diff shows only real changes. It also runs on preview inputs holding unknown
 * values, so it leaves anything of an unexpected shape as it is.
 */
import type { MachineSpec } from "./machine-spec";
import { formatDurationMs, parseDurationMs } from "../../rules/go-durations";
import { STACK_MARKER_KEY } from "../provider-kit/ownership";
import { compact } from "../provider-kit/provider-values";

/**
 * Metadata key marking a machine as created and managed by these providers (every version of
 * them; since the stack marker exists, `STACK_MARKER_KEY` also says by which stack).
 */
export const MANAGED_MARKER_KEY = "openclaw-fly/managed";

/** Metadata key of the per-create tag that lets an ambiguous create be found again. */
export const CREATE_TAG_KEY = "openclaw_fly_create_id";

/**
 * Metadata key holding the size in GB of the mounted volume the machine's configuration was
 * last booted for. Fly grows a volume in place, but the machine sees the new size only once it
 * boots again; a configuration carrying the size is booted by the update that sets it, so a
 * value below the volume's size means the machine still runs on the old size.
 */
export const VOLUME_SIZE_KEY = "openclaw-fly/volume-size-gb";

/**
 * Metadata key of the snapshot an update that can touch the volume's data was protected by, set
 * by that update's own configuration: while the machine runs it, the data from before is there,
 * even when the run that sent it was killed before recording it (see `data-rollback.ts`).
 */
export const PRE_UPDATE_SNAPSHOT_KEY = "openclaw-fly/pre-update-snapshot";

/**
 * Metadata keys of a machine a data rollback made: the snapshot its volume was restored from and
 * the volume it replaced, so that it is known as the region's machine before any state records it.
 */
export const RESTORED_FROM_SNAPSHOT_KEY = "openclaw-fly/restored-from-snapshot";
export const REPLACED_VOLUME_KEY = "openclaw-fly/replaced-volume";

/** Metadata keys the providers own; they never appear in a spec's `metadata`. */
export const RESERVED_METADATA_KEYS: readonly string[] = [
  MANAGED_MARKER_KEY,
  CREATE_TAG_KEY,
  STACK_MARKER_KEY,
  VOLUME_SIZE_KEY,
  PRE_UPDATE_SNAPSHOT_KEY,
  RESTORED_FROM_SNAPSHOT_KEY,
  REPLACED_VOLUME_KEY,
];

/** Fly's restart retries when a policy names none. */
const DEFAULT_MAX_RETRIES = 10;

type Json = Record<string, unknown>;

/** Whether `value` is a plain JSON object. */
export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An empty map or list is the same as none. */
function nonEmpty<T>(value: T): T | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value : undefined;
  if (isRecord(value)) return Object.keys(value).length > 0 ? value : undefined;
  return value;
}

/** A Go duration in the canonical spelling; nanosecond integers (fly-go) are accepted too. */
function canonicalDuration(value: unknown): unknown {
  if (typeof value === "number") return formatDurationMs(value / 1e6);
  if (typeof value !== "string") return value;
  const ms = parseDurationMs(value);
  return ms === undefined ? value : formatDurationMs(ms);
}

/** Maps the values of an object; anything else is returned as it is. */
export function mapRecord<T>(value: unknown, each: (entry: unknown) => T): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, each(entry)]));
}

function mapList<T>(value: unknown, each: (entry: unknown) => T): unknown {
  return Array.isArray(value) ? value.map(each) : value;
}

function normalizeCheck(check: unknown): unknown {
  if (!isRecord(check)) return check;
  return compact({
    ...check,
    interval: canonicalDuration(check.interval),
    timeout: canonicalDuration(check.timeout),
    gracePeriod: canonicalDuration(check.gracePeriod),
  });
}

function normalizeService(service: unknown): unknown {
  if (!isRecord(service)) return service;
  const ports = mapList(service.ports, (port) =>
    isRecord(port) ? compact({ ...port, forceHttps: port.forceHttps === true || undefined }) : port,
  );
  return compact({ ...service, ports });
}

function normalizeRestart(restart: unknown): unknown {
  if (restart === undefined) return { policy: "on-failure", maxRetries: DEFAULT_MAX_RETRIES };
  if (!isRecord(restart)) return restart;
  const retries =
    restart.maxRetries ?? (restart.policy === "on-failure" ? DEFAULT_MAX_RETRIES : undefined);
  return compact({ ...restart, maxRetries: retries });
}

function normalizeInit(init: unknown): unknown {
  if (!isRecord(init)) return init;
  return nonEmpty(
    compact({
      ...init,
      entrypoint: nonEmpty(init.entrypoint),
      cmd: nonEmpty(init.cmd),
      exec: nonEmpty(init.exec),
    }),
  );
}

/**
 * The normal form of a spec: defaults Fly applies made explicit, durations canonical, empty
 * maps and lists and `false` flags removed, and the providers' own metadata keys left out.
 */
export function normalizeSpec(spec: MachineSpec): MachineSpec {
  const raw = spec as unknown as Json;
  const metadata = isRecord(raw.metadata)
    ? Object.fromEntries(
        Object.entries(raw.metadata).filter(([key]) => !RESERVED_METADATA_KEYS.includes(key)),
      )
    : raw.metadata;
  const stopConfig = isRecord(raw.stopConfig)
    ? nonEmpty(compact({ ...raw.stopConfig, timeout: canonicalDuration(raw.stopConfig.timeout) }))
    : raw.stopConfig;
  return compact({
    ...raw,
    env: nonEmpty(raw.env),
    files: nonEmpty(raw.files),
    init: normalizeInit(raw.init),
    mounts: nonEmpty(raw.mounts),
    services: nonEmpty(mapList(raw.services, normalizeService)),
    checks: nonEmpty(mapRecord(raw.checks, normalizeCheck)),
    restart: normalizeRestart(raw.restart),
    metadata: nonEmpty(metadata),
    stopConfig,
    autoDestroy: raw.autoDestroy === true || undefined,
  }) as unknown as MachineSpec;
}

/** The spec fields that make up a machine's configuration, in a stable order. */
export const SPEC_KEYS: readonly (keyof MachineSpec)[] = [
  "image",
  "guest",
  "env",
  "files",
  "init",
  "mounts",
  "services",
  "checks",
  "restart",
  "metadata",
  "stopConfig",
  "autoDestroy",
];

/** Picks the spec fields out of a larger object (inputs or outputs of a machine). */
export function specOf(source: object): MachineSpec {
  const raw = source as Json;
  return compact(
    Object.fromEntries(SPEC_KEYS.map((key) => [key, raw[key]])),
  ) as unknown as MachineSpec;
}

/** A spec with the mounts' `region` removed: Fly does not store it, so it is not compared. */
export function comparableSpec(spec: MachineSpec): MachineSpec {
  const normal = normalizeSpec(spec);
  const mounts = Array.isArray(normal.mounts)
    ? normal.mounts.map((mount) => ({ volume: mount.volume, path: mount.path }))
    : normal.mounts;
  return compact({ ...normal, mounts });
}

/** The id of the volume a spec mounts, if any. */
export function mountedVolume(spec: Pick<MachineSpec, "mounts">): string | undefined {
  return Array.isArray(spec.mounts) ? spec.mounts[0]?.volume : undefined;
}
