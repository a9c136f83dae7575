import { badRequest } from "./api-errors";

/** A machine's guest (its VM size), as Fly echoes it in `config.guest`. */
export interface Guest {
  cpu_kind: "shared" | "performance";
  cpus: number;
  memory_mb: number;
  gpu_kind?: string;
  gpus?: number;
}

/** CPU counts Fly offers per CPU kind (fly-go `MachinePresets`). */
const CPU_COUNTS: Record<Guest["cpu_kind"], readonly number[]> = {
  shared: [1, 2, 4, 6, 8],
  performance: [1, 2, 4, 6, 8, 10, 12, 14, 16],
};

/** Memory bounds per CPU for each kind, in MB (Fly's machine-sizing page and fly-go constants). */
const MEMORY_PER_CPU: Record<Guest["cpu_kind"], { min: number; max: number }> = {
  shared: { min: 256, max: 2048 },
  performance: { min: 2048, max: 8192 },
};

/** Memory must come in 256 MB steps for every CPU kind. */
const MEMORY_STEP_MB = 256;

const GPU_GUEST = (gpu_kind: string): Guest => ({
  cpu_kind: "performance",
  cpus: 8,
  memory_mb: 32768,
  gpu_kind,
  gpus: 1,
});

/**
 * Fly's named size presets (`config.size`, `fly machine run --vm-size`): shared-cpu-Nx is N shared
 * CPUs with 256 MB each, performance-Nx is N dedicated CPUs with 2 GB each, and the GPU presets are
 * 8 performance CPUs with 32 GB and one GPU.
 */
export const SIZE_PRESETS: Readonly<Record<string, Guest>> = Object.freeze({
  ...Object.fromEntries(
    CPU_COUNTS.shared.map((n) => [
      `shared-cpu-${n}x`,
      { cpu_kind: "shared", cpus: n, memory_mb: 256 * n },
    ]),
  ),
  ...Object.fromEntries(
    CPU_COUNTS.performance.map((n) => [
      `performance-${n}x`,
      { cpu_kind: "performance", cpus: n, memory_mb: 2048 * n },
    ]),
  ),
  a10: GPU_GUEST("a10"),
  l40s: GPU_GUEST("l40s"),
  "a100-40gb": GPU_GUEST("a100-pcie-40gb"),
  "a100-pcie-40gb": GPU_GUEST("a100-pcie-40gb"),
  "a100-80gb": GPU_GUEST("a100-sxm4-80gb"),
  "a100-sxm4-80gb": GPU_GUEST("a100-sxm4-80gb"),
});

/** The guest a machine gets when its config names no size: shared-cpu-1x with 256 MB. */
export const DEFAULT_GUEST: Guest = { cpu_kind: "shared", cpus: 1, memory_mb: 256 };

function integerField(guest: Record<string, unknown>, field: string): number | undefined {
  const value = guest[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    const kind = Array.isArray(value) ? "array" : typeof value;
    throw badRequest(
      `json: cannot unmarshal ${kind} into Go struct field MachineGuest.config.guest.${field} of type int`,
    );
  }
  return value;
}

/**
 * Resolves a config's `size` preset or `guest` into the full guest Fly stores and echoes, and
 * enforces Fly's size rules. `size` and `guest` are alternatives (`size` is the deprecated spelling),
 * so naming both is refused rather than guessing which one wins. Extra guest fields the caller sent
 * (`kernel_args`, `host_dedication_id`, ...) are kept as sent.
 */
export function resolveGuest(size: unknown, guest: unknown): Record<string, unknown> {
  if (size !== undefined && size !== null) {
    if (typeof size !== "string") {
      throw badRequest(
        `json: cannot unmarshal ${typeof size} into Go struct field MachineConfig.config.size of type string`,
      );
    }
    if (guest !== undefined && guest !== null) {
      throw badRequest(
        "config.size and config.guest are mutually exclusive: send only config.guest",
      );
    }
    const preset = SIZE_PRESETS[size];
    if (!preset) {
      throw badRequest(
        `invalid config.size "${size}": unknown size preset (e.g. shared-cpu-1x, performance-2x)`,
      );
    }
    return { ...preset };
  }
  if (guest === undefined || guest === null) return { ...DEFAULT_GUEST };
  if (typeof guest !== "object" || Array.isArray(guest)) {
    const kind = Array.isArray(guest) ? "array" : typeof guest;
    throw badRequest(
      `json: cannot unmarshal ${kind} into Go struct field MachineConfig.config.guest of type fly.MachineGuest`,
    );
  }
  return validateGuest(guest as Record<string, unknown>);
}

/** Fills a guest's defaults and checks CPU kind, CPU count and memory against Fly's rules. */
function validateGuest(guest: Record<string, unknown>): Record<string, unknown> {
  const kind = guest.cpu_kind ?? "shared";
  if (kind !== "shared" && kind !== "performance") {
    throw badRequest(
      `invalid config.guest.cpu_kind ${JSON.stringify(kind)}: must be "shared" or "performance"`,
    );
  }
  const cpus = integerField(guest, "cpus") ?? 1;
  if (!CPU_COUNTS[kind].includes(cpus)) {
    throw badRequest(
      `invalid config.guest.cpus ${cpus} for cpu_kind "${kind}": must be one of ${CPU_COUNTS[kind].join(", ")}`,
    );
  }
  const bounds = MEMORY_PER_CPU[kind];
  const memory = integerField(guest, "memory_mb") ?? bounds.min * cpus;
  if (memory % MEMORY_STEP_MB !== 0) {
    throw badRequest(
      `invalid config.guest.memory_mb ${memory}: must be a multiple of ${MEMORY_STEP_MB}`,
    );
  }
  const min = bounds.min * cpus;
  const max = bounds.max * cpus;
  if (memory < min || memory > max) {
    throw badRequest(
      `invalid config.guest.memory_mb ${memory} for ${cpus} ${kind} CPU${cpus === 1 ? "" : "s"}: must be between ${min} and ${max}`,
    );
  }
  return { ...guest, cpu_kind: kind, cpus, memory_mb: memory };
}
