/**
 * Client-side pacing: keeps each kind of request under Fly's documented rate limits so that a
 * fan-out over many regions or machines waits a little instead of earning 429s.
 *
 * Fly limits requests per action (create, update, get, ...) and per app or machine: 1 request/s
 * sustained with bursts of 3; Get Machine 5/s with bursts of 10; app deletions 100/minute
 * (docs "working-with-machines-api", superfly/docs#1630 and #1966). One token bucket per
 * (action, scope id) mirrors that; buckets live in the per-process state so every client and
 * every provider in a provider host draws from the same ones.
 */
import type { Clock } from "./call-options";
import { type BucketState, processState } from "./process-state";

/** A sustained rate with a burst allowance. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: requests that may go at once after a quiet period. */
  burst: number;
}

/** How the client paces itself; pass `pacing: false` to the client to turn pacing off. */
export interface PacingOptions {
  /** Limit of any action not listed in `limits`. Default: 1/s, burst 3. */
  defaultLimit?: RateLimit;
  /** Limits per action name (e.g. `machine_get`), merged over Fly's documented ones. */
  limits?: Record<string, RateLimit>;
  /**
   * Tokens of each documented burst the client keeps in reserve. Default 1: Fly counts requests
   * when they arrive, and a request held up on its way (connection setup, a busy process) lets the
   * next one arrive closer to it than it was sent. With one token in reserve at Fly's exact rate,
   * any window of arrivals holds at most what Fly allows as long as no request is held up by more
   * than one interval of the rate (1 s for most actions, 200 ms for Get Machine) more than another;
   * the cost is one interval per burst, where a slower rate would cost a share of every interval
   * and still let a burst's next request through early.
   */
  reservedTokens?: number;
  /** Hears about each request held back, with how long (for progress output). */
  onHold?: (hold: PacingHold) => void;
}

/** A request the pacer held back. */
export interface PacingHold {
  readonly action: string;
  readonly scope: string;
  readonly waitMs: number;
}

/** Default `reservedTokens`. */
export const DEFAULT_RESERVED_TOKENS = 1;

/** Fly's documented limits. */
export const FLY_RATE_LIMITS: { defaultLimit: RateLimit; limits: Record<string, RateLimit> } = {
  defaultLimit: { perSecond: 1, burst: 3 },
  limits: {
    machine_get: { perSecond: 5, burst: 10 },
    app_delete: { perSecond: 100 / 60, burst: 3 },
  },
};

/**
 * Refills `bucket` for the time elapsed until `nowMs`, takes one token and returns how long the
 * caller must wait before sending (0 when a token was free). A token that is not free yet is
 * reserved by letting the count go negative, so concurrent callers queue in arrival order
 * without a queue object and without polling.
 */
export function reserveToken(bucket: BucketState, limit: RateLimit, nowMs: number): number {
  const elapsedMs = Math.max(0, nowMs - bucket.updatedMs);
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsedMs * limit.perSecond) / 1000);
  bucket.updatedMs = Math.max(bucket.updatedMs, nowMs);
  bucket.tokens -= 1;
  if (bucket.tokens >= 0) return 0;
  return Math.ceil((-bucket.tokens * 1000) / limit.perSecond);
}

/** Waits for permission to send one request of a given action against a given scope. */
export interface Pacer {
  /**
   * Resolves when a request of `action` (e.g. `machine_update`) against `scope` (an app name or
   * machine id) may go; rejects with the signal's reason if `signal` aborts first.
   */
  acquire(action: string, scope: string, signal?: AbortSignal): Promise<void>;
}

/**
 * Builds a pacer that refills and waits on `clock`, over the per-process buckets (or over
 * `buckets`, for tests).
 */
export function createPacer(
  options: PacingOptions = {},
  clock: Clock,
  buckets: Map<string, BucketState> = processState().buckets,
): Pacer {
  const defaultLimit = options.defaultLimit ?? FLY_RATE_LIMITS.defaultLimit;
  const limits = { ...FLY_RATE_LIMITS.limits, ...options.limits };
  const reserved = options.reservedTokens ?? DEFAULT_RESERVED_TOKENS;
  return {
    async acquire(action, scope, signal) {
      const documented = limits[action] ?? defaultLimit;
      // A burst of one has nothing to spare: such a limit is kept exactly.
      const limit = {
        perSecond: documented.perSecond,
        burst: Math.max(1, documented.burst - reserved),
      };
      const key = `${action}\u0000${scope}`;
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = { tokens: limit.burst, updatedMs: clock.now() };
        buckets.set(key, bucket);
      }
      const waitMs = reserveToken(bucket, limit, clock.now());
      if (waitMs === 0) return;
      options.onHold?.({ action, scope, waitMs });
      try {
        await clock.sleep(waitMs, signal);
      } catch (error) {
        // The caller gave up: hand the reserved token back to whoever queues next.
        bucket.tokens += 1;
        throw error;
      }
    },
  };
}
