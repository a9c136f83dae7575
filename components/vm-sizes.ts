import type { MachineGuest } from "../providers/machine/machine-spec";
import { ValidationError } from "./validation";

/** Fly's named guest sizes that the gateway can run on (GPU sizes are of no use to it). */
export type VmSizePreset =
  | "shared-cpu-1x"
  | "shared-cpu-2x"
  | "shared-cpu-4x"
  | "shared-cpu-8x"
  | "performance-1x"
  | "performance-2x"
  | "performance-4x"
  | "performance-8x";

/**
 * Each preset's CPU kind, CPU count and Fly's default memory (shared 256 MB per CPU,
 * performance 2048 MB per CPU). Many defaults are too small for the gateway, which is why
 * {@link defaultMemoryMb} and not this table decides memory when none is given.
 */
export const VM_SIZE_PRESETS: Readonly<Record<VmSizePreset, Readonly<MachineGuest>>> = {
  "shared-cpu-1x": { cpuKind: "shared", cpus: 1, memoryMb: 256 },
  "shared-cpu-2x": { cpuKind: "shared", cpus: 2, memoryMb: 512 },
  "shared-cpu-4x": { cpuKind: "shared", cpus: 4, memoryMb: 1024 },
  "shared-cpu-8x": { cpuKind: "shared", cpus: 8, memoryMb: 2048 },
  "performance-1x": { cpuKind: "performance", cpus: 1, memoryMb: 2048 },
  "performance-2x": { cpuKind: "performance", cpus: 2, memoryMb: 4096 },
  "performance-4x": { cpuKind: "performance", cpus: 4, memoryMb: 8192 },
  "performance-8x": { cpuKind: "performance", cpus: 8, memoryMb: 16384 },
};

/** Preset names in table order, for messages and enums. */
export const VM_SIZE_NAMES = Object.keys(VM_SIZE_PRESETS) as VmSizePreset[];

/** The component's default size: with {@link RECOMMENDED_MEMORY_MB} it matches the Fly template. */
export const DEFAULT_VM_SIZE: VmSizePreset = "shared-cpu-2x";

/** Memory the OpenClaw docs recommend ("2GB is recommended"; 512 MB OOMs, 1 GB may). */
export const RECOMMENDED_MEMORY_MB = 2048;

/** Below this the gateway is refused unless the caller accepts the risk with `allowLowMemory`. */
export const GATEWAY_MIN_MEMORY_MB = 1024;

/** Fly sizes memory in 256 MB steps. */
export const MEMORY_STEP_MB = 256;

// Fly's per-CPU memory range for each CPU kind.
const MEMORY_PER_CPU_MB = {
  shared: { min: 256, max: 2048 },
  performance: { min: 2048, max: 8192 },
} as const;

/** Narrows an unknown value to a preset name. */
export function isVmSizePreset(value: unknown): value is VmSizePreset {
  return typeof value === "string" && Object.hasOwn(VM_SIZE_PRESETS, value);
}

/**
 * Memory used when the caller names a size but no memory: the preset's own memory or the
 * recommended 2048 MB, whichever is larger. Every preset allows 2048 MB (shared allows up to
 * 2048 per CPU), so the result is always a valid combination the gateway can run on.
 */
export function defaultMemoryMb(size: VmSizePreset): number {
  return Math.max(VM_SIZE_PRESETS[size].memoryMb, RECOMMENDED_MEMORY_MB);
}

/**
 * Every rule `memoryMb` breaks for `size`: Fly's (whole number, 256 MB steps, per-CPU range)
 * and the gateway's own floor. Lines name the component's arguments (`memoryMb`).
 */
export function memoryProblems(
  size: VmSizePreset,
  memoryMb: number,
  allowLowMemory: boolean,
): string[] {
  if (!Number.isInteger(memoryMb) || memoryMb <= 0) {
    return [`memoryMb: must be a positive whole number of megabytes, got ${memoryMb}`];
  }
  const problems: string[] = [];
  const { cpuKind, cpus } = VM_SIZE_PRESETS[size];
  const perCpu = MEMORY_PER_CPU_MB[cpuKind];
  if (memoryMb % MEMORY_STEP_MB !== 0) {
    problems.push(
      `memoryMb: must be a multiple of ${MEMORY_STEP_MB} MB (Fly rule), got ${memoryMb}`,
    );
  }
  const min = perCpu.min * cpus;
  const max = perCpu.max * cpus;
  if (memoryMb < min || memoryMb > max) {
    problems.push(
      `memoryMb: ${size} takes ${min}..${max} MB (Fly allows ${perCpu.min}..${perCpu.max} MB ` +
        `per ${cpuKind} CPU), got ${memoryMb}`,
    );
  }
  if (memoryMb < GATEWAY_MIN_MEMORY_MB && !allowLowMemory) {
    problems.push(
      `memoryMb: the OpenClaw gateway runs out of memory below ${GATEWAY_MIN_MEMORY_MB} MB; ` +
        `${RECOMMENDED_MEMORY_MB} MB is recommended (set allowLowMemory: true to accept the ` +
        `risk), got ${memoryMb}`,
    );
  }
  return problems;
}

/** What {@link resolveGuest} takes: a preset, optional memory and the low-memory opt-in. */
export interface GuestRequest {
  /** Preset name. */
  size: VmSizePreset;
  /** Memory in MB; defaults to {@link defaultMemoryMb} of the size. */
  memoryMb?: number;
  /** Accept memory below {@link GATEWAY_MIN_MEMORY_MB}; defaults to false. */
  allowLowMemory?: boolean;
}

/**
 * Resolves a preset and memory into the machine's guest, or throws a {@link ValidationError}
 * listing every rule the combination breaks.
 */
export function resolveGuest(request: GuestRequest): MachineGuest {
  const { size, allowLowMemory = false } = request;
  if (!isVmSizePreset(size)) {
    throw new ValidationError("VM size settings", [unknownSizeProblem(size)]);
  }
  const memoryMb = request.memoryMb ?? defaultMemoryMb(size);
  const problems = memoryProblems(size, memoryMb, allowLowMemory);
  if (problems.length > 0) throw new ValidationError("VM size settings", problems);
  const { cpuKind, cpus } = VM_SIZE_PRESETS[size];
  return { cpuKind, cpus, memoryMb };
}

/** The line reported for a size that is not a preset. */
export function unknownSizeProblem(size: unknown): string {
  return `vmSize: unknown size ${JSON.stringify(size)} (known: ${VM_SIZE_NAMES.join(", ")})`;
}

/**
 * The `--max-old-space-size` value (MB) for a machine with `memoryMb` of RAM: 75% of it,
 * rounded down. V8's old space is only part of the process; new space, compiled code, native
 * buffers and SQLite caches need the rest, and a short-lived `openclaw` CLI process may run
 * beside the gateway. Capping the heap makes V8 collect harder instead of the kernel OOM-killing
 * the machine (a silent restart on Fly). The OpenClaw docs pair 2048 MB with 1536 and say to
 * scale to about 75%; the image sizes the heap adaptively only for `gateway install` services,
 * never in containers, so it has to be set here.
 */
export function nodeHeapMb(memoryMb: number): number {
  if (!Number.isInteger(memoryMb) || memoryMb <= 0) {
    throw new RangeError(`memoryMb: must be a positive whole number of megabytes, got ${memoryMb}`);
  }
  return Math.floor((memoryMb * 3) / 4);
}
