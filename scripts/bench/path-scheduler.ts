/**
 * The earliest schedule of a set of dependent API calls and world delays under per-action rate
 * limits: a list scheduler over token buckets. Pure: no clock, no I/O.
 *
 * Each step starts as soon as every step it depends on allows it and, for an API call, as soon
 * as its rate-limit bucket holds a token. Buckets are Fly's: per action and per scope (the app
 * or machine named in the path), full when first used. They are kept in the GCRA form (a
 * theoretical arrival time), which is exactly a token bucket but stays in whole milliseconds.
 */
import type { BucketLimit } from "../../emulator/rate-limit";

/** Rate limits by action, in the emulator's shape (`FLY_RATE_LIMITS`). */
export interface RateLimits {
  readonly default: BucketLimit;
  readonly actions: Readonly<Record<string, BucketLimit>>;
}

/** One API call, or one delay of the world (a machine booting), on the way to converged. */
export interface PathStep {
  /** Unique label, e.g. `volume create iad`. */
  readonly id: string;
  /** Steps whose answer this one needs: it starts after they end. */
  readonly after?: readonly string[];
  /** Steps whose request this one follows: it starts when they start (Fly acts on arrival). */
  readonly afterStartOf?: readonly string[];
  /** For an API call: the rate-limit action and the app or machine it counts against. */
  readonly limit?: { readonly action: string; readonly scope: string };
  readonly durationMs: number;
}

/** When one step ran in the schedule. */
export interface ScheduledStep {
  readonly startMs: number;
  readonly endMs: number;
  /** Time spent waiting for a rate-limit token after the dependencies allowed the step. */
  readonly rateLimitWaitMs: number;
  /** The dependency that allowed the step last (undefined for a step with none). */
  readonly cause: string | undefined;
}

/** The schedule of every step, its length, and the chain of steps that decides the length. */
export interface Schedule {
  readonly totalMs: number;
  readonly steps: Readonly<Record<string, ScheduledStep>>;
  /** From the first step to the last one to end, each with its rate-limit wait if any. */
  readonly chain: readonly string[];
}

/**
 * Schedules `steps` as early as their dependencies and `limits` allow (no limits when undefined).
 * Among steps that could start at the same moment, the one listed first goes first, so list
 * steps in the order a careful client would send them (the canary region first).
 *
 * @throws Error naming the step when a dependency is unknown or the steps form a cycle.
 */
export function scheduleSteps(
  steps: readonly PathStep[],
  limits: RateLimits | undefined,
): Schedule {
  const known = new Set(steps.map((step) => step.id));
  for (const step of steps) {
    for (const dependency of [...(step.after ?? []), ...(step.afterStartOf ?? [])]) {
      if (!known.has(dependency)) {
        throw new Error(`step "${step.id}": depends on unknown step "${dependency}"`);
      }
    }
  }
  const done = new Map<string, ScheduledStep>();
  // Theoretical arrival time per bucket: the next request conforms from `tat - tolerance` on.
  const buckets = new Map<string, number>();
  const pending = [...steps];
  while (pending.length > 0) {
    let best: { index: number; ready: number; start: number; cause?: string } | undefined;
    for (const [index, step] of pending.entries()) {
      const ready = readiness(step, done);
      if (ready === undefined) continue;
      const start = conformingStart(step, ready.ms, limits, buckets);
      if (best === undefined || start < best.start) {
        best = { index, ready: ready.ms, start, cause: ready.cause };
      }
    }
    if (best === undefined) {
      throw new Error(`steps ${pending.map((step) => `"${step.id}"`).join(", ")} form a cycle`);
    }
    const [step] = pending.splice(best.index, 1);
    if (step.limit && limits) {
      const key = bucketKey(step.limit);
      const interval = intervalMs(limitOf(step.limit.action, limits));
      buckets.set(key, Math.max(buckets.get(key) ?? -Infinity, best.start) + interval);
    }
    done.set(step.id, {
      startMs: best.start,
      endMs: best.start + step.durationMs,
      rateLimitWaitMs: best.start - best.ready,
      cause: best.cause,
    });
  }
  return summarize(done);
}

/** When every dependency allows `step`, and which one allowed it last; undefined if not yet. */
function readiness(
  step: PathStep,
  done: ReadonlyMap<string, ScheduledStep>,
): { ms: number; cause?: string } | undefined {
  let ms = 0;
  let cause: string | undefined;
  const edges = [
    ...(step.after ?? []).map((id) => ({ id, at: "endMs" as const })),
    ...(step.afterStartOf ?? []).map((id) => ({ id, at: "startMs" as const })),
  ];
  for (const edge of edges) {
    const scheduled = done.get(edge.id);
    if (scheduled === undefined) return undefined;
    if (cause === undefined || scheduled[edge.at] > ms) {
      ms = scheduled[edge.at];
      cause = edge.id;
    }
  }
  return { ms, cause };
}

function conformingStart(
  step: PathStep,
  ready: number,
  limits: RateLimits | undefined,
  buckets: ReadonlyMap<string, number>,
): number {
  if (!step.limit || !limits) return ready;
  const limit = limitOf(step.limit.action, limits);
  const tolerance = (limit.burst - 1) * intervalMs(limit);
  const tat = buckets.get(bucketKey(step.limit));
  return tat === undefined ? ready : Math.max(ready, tat - tolerance);
}

function limitOf(action: string, limits: RateLimits): BucketLimit {
  return limits.actions[action] ?? limits.default;
}

function intervalMs(limit: BucketLimit): number {
  return 1000 / limit.ratePerSecond;
}

function bucketKey(limit: { action: string; scope: string }): string {
  return `${limit.action}\u0000${limit.scope}`;
}

function summarize(done: ReadonlyMap<string, ScheduledStep>): Schedule {
  let last: string | undefined;
  let totalMs = 0;
  for (const [id, step] of done) {
    if (last === undefined || step.endMs > totalMs) {
      last = id;
      totalMs = step.endMs;
    }
  }
  const chain: string[] = [];
  for (let id = last; id !== undefined; id = done.get(id)?.cause) {
    const wait = done.get(id)?.rateLimitWaitMs ?? 0;
    chain.unshift(wait > 0 ? `${id} (+${round(wait)} ms rate limit)` : id);
  }
  return { totalMs, steps: Object.fromEntries(done), chain };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
