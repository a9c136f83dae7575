/**
 * The gateway's sizing: which of Fly's named sizes it defaults to, the memory it needs, and the
 * heap it is given. Fly's own sizes and memory rules are in `rules/fly-sizes.ts`.
 */
import {
  VM_SIZE_NAMES,
  VM_SIZE_PRESETS,
  isVmSizePreset,
  memoryProblem,
  type FlyGuest,
  type VmSizePreset,
} from "../rules/fly-sizes";
import { RECOMMENDED_MEMORY_MB } from "../rules/deployment-defaults";
import { ValidationError } from "./validation";

/** The component's default size: with {@link RECOMMENDED_MEMORY_MB} it matches the Fly template. */
export const DEFAULT_VM_SIZE: VmSizePreset = "shared-cpu-2x";

export { RECOMMENDED_MEMORY_MB };

/**
 * Below this the gateway is refused unless the caller accepts the risk with `allowLowMemory`.
 * Measured (README, "Sizing"): the machine's whole process tree peaks at about 0.7-0.8 GB while
 * booting and serving a browser, which leaves a 1024 MB machine only a third to spare for what
 * the measurement does not exercise (a channel alone adds about 0.2 GB, then sessions and
 * growth); 1536 MB keeps half of the machine free.
 */
export const GATEWAY_MIN_MEMORY_MB = 1536;

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
  const { cpuKind, cpus } = VM_SIZE_PRESETS[size];
  const flyProblem = memoryProblem(cpuKind, cpus, memoryMb, size);
  const problems = flyProblem === undefined ? [] : [`memoryMb: ${flyProblem}`];
  const wholeMegabytes = Number.isInteger(memoryMb) && memoryMb > 0;
  if (wholeMegabytes && memoryMb < GATEWAY_MIN_MEMORY_MB && !allowLowMemory) {
    problems.push(
      `memoryMb: the OpenClaw gateway needs at least ${GATEWAY_MIN_MEMORY_MB} MB to run with headroom; ` +
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
export function resolveGuest(request: GuestRequest): FlyGuest {
  const { size, allowLowMemory = false } = request;
  if (!isVmSizePreset(size)) {
    throw new ValidationError("VM size settings are invalid", [unknownSizeProblem(size)]);
  }
  const memoryMb = request.memoryMb ?? defaultMemoryMb(size);
  const problems = memoryProblems(size, memoryMb, allowLowMemory);
  if (problems.length > 0) throw new ValidationError("VM size settings are invalid", problems);
  const { cpuKind, cpus } = VM_SIZE_PRESETS[size];
  return { cpuKind, cpus, memoryMb };
}

/** The line reported for a size that is not a preset. */
export function unknownSizeProblem(size: unknown): string {
  return `vmSize: unknown size ${JSON.stringify(size)} (known: ${VM_SIZE_NAMES.join(", ")})`;
}

/**
 * The `--max-old-space-size` value (MB) for a machine with `memoryMb` of RAM: half of it,
 * rounded down. The V8 heap is only part of what the machine holds: the gateway's own code and
 * native memory, and its worker processes (a spawn broker, SQLite readers, a short-lived
 * `npm root -g`), which inherit NODE_OPTIONS but stay small, need the other half; measured, the
 * tree is ~0.9 GB at idle while little of it is heap (README, "Sizing"). With the heap capped
 * below what the machine can hold, V8 collects harder before the VM runs out, instead of the
 * kernel OOM-killing the whole machine (a silent restart on Fly). The image sizes the heap only
 * for `gateway install` services, never in containers, so it has to be set here.
 */
export function nodeHeapMb(memoryMb: number): number {
  if (!Number.isInteger(memoryMb) || memoryMb <= 0) {
    throw new RangeError(`memoryMb: must be a positive whole number of megabytes, got ${memoryMb}`);
  }
  return Math.floor(memoryMb / 2);
}
