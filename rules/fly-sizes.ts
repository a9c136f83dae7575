/**
 * What Fly offers in sizes: CPU kinds and counts, memory per CPU, its named guest sizes, and
 * volume sizes. Each rule returns the reason a value breaks it, or undefined.
 */

/** Fly's CPU kinds. */
export type CpuKind = "shared" | "performance";

/** A machine's CPUs and memory, as Fly sizes them. */
export interface FlyGuest {
  cpuKind: CpuKind;
  cpus: number;
  memoryMb: number;
}

/** CPU counts Fly offers per CPU kind. */
export const CPU_COUNTS: Readonly<Record<CpuKind, readonly number[]>> = {
  shared: [1, 2, 4, 6, 8],
  performance: [1, 2, 4, 6, 8, 10, 12, 14, 16],
};

/** Memory per CPU in MB, by CPU kind. */
export const MEMORY_PER_CPU_MB: Readonly<Record<CpuKind, { min: number; max: number }>> = {
  shared: { min: 256, max: 2048 },
  performance: { min: 2048, max: 8192 },
};

/** Fly sizes memory in 256 MB steps. */
export const MEMORY_STEP_MB = 256;

/**
 * Fly's named guest sizes that an always-on server can use (GPU sizes aside), each with the
 * memory Fly gives it by default: the per-CPU minimum of its kind.
 */
export const VM_SIZE_PRESETS = {
  "shared-cpu-1x": { cpuKind: "shared", cpus: 1, memoryMb: 256 },
  "shared-cpu-2x": { cpuKind: "shared", cpus: 2, memoryMb: 512 },
  "shared-cpu-4x": { cpuKind: "shared", cpus: 4, memoryMb: 1024 },
  "shared-cpu-8x": { cpuKind: "shared", cpus: 8, memoryMb: 2048 },
  "performance-1x": { cpuKind: "performance", cpus: 1, memoryMb: 2048 },
  "performance-2x": { cpuKind: "performance", cpus: 2, memoryMb: 4096 },
  "performance-4x": { cpuKind: "performance", cpus: 4, memoryMb: 8192 },
  "performance-8x": { cpuKind: "performance", cpus: 8, memoryMb: 16384 },
} as const satisfies Record<string, Readonly<FlyGuest>>;

/** A named guest size. */
export type VmSizePreset = keyof typeof VM_SIZE_PRESETS;

/** The named sizes in table order, for messages and enums. */
export const VM_SIZE_NAMES = Object.keys(VM_SIZE_PRESETS) as VmSizePreset[];

/** Whether `value` names a guest size. */
export function isVmSizePreset(value: unknown): value is VmSizePreset {
  return typeof value === "string" && Object.hasOwn(VM_SIZE_PRESETS, value);
}

/** The reason `cpus` is not a CPU count Fly offers for `cpuKind`, or undefined. */
export function cpuCountProblem(cpuKind: string, cpus: number): string | undefined {
  const counts = CPU_COUNTS[cpuKind as CpuKind];
  if (counts === undefined || counts.includes(cpus)) return undefined;
  return `must be one of ${counts.join(", ")} for cpuKind "${cpuKind}", got ${cpus}`;
}

/**
 * The reason `memoryMb` is not memory Fly gives `cpus` CPUs of `cpuKind`: a whole number within
 * the kind's range per CPU, in 256 MB steps. Undefined when it is fine. `sizeName` names the
 * guest size the CPUs come from, when the caller chose one.
 */
export function memoryProblem(
  cpuKind: string,
  cpus: number,
  memoryMb: number,
  sizeName?: string,
): string | undefined {
  const perCpu = MEMORY_PER_CPU_MB[cpuKind as CpuKind];
  if (perCpu === undefined) return undefined;
  if (!Number.isInteger(memoryMb) || memoryMb <= 0) {
    return `must be a positive whole number of megabytes, got ${memoryMb}`;
  }
  const min = perCpu.min * cpus;
  const max = perCpu.max * cpus;
  if (memoryMb < min || memoryMb > max) {
    const cpuCount = `${cpus} ${cpuKind} CPU${cpus === 1 ? "" : "s"}`;
    const cpuText = sizeName === undefined ? cpuCount : `${sizeName} (${cpuCount})`;
    return (
      `must be from ${min} to ${max} MB for ${cpuText} (Fly allows ${perCpu.min} to ` +
      `${perCpu.max} MB per ${cpuKind} CPU), got ${memoryMb}`
    );
  }
  if (memoryMb % MEMORY_STEP_MB !== 0) {
    return `must be a multiple of ${MEMORY_STEP_MB} MB, got ${memoryMb}`;
  }
  return undefined;
}

/** Fly's volume sizes, in GB. */
export const VOLUME_SIZE_GB = { min: 1, max: 500 } as const;

/** Days Fly keeps a volume's daily snapshots (its default is 5). */
export const SNAPSHOT_RETENTION_DAYS = { min: 1, max: 60 } as const;
