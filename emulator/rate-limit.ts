/** A token-bucket limit: `ratePerSecond` sustained, bursts up to `burst`. */
export interface BucketLimit {
  ratePerSecond: number;
  burst: number;
}

/**
 * Fly's documented Machines API limits: per action and per app-or-machine, 1 req/s with bursts of 3;
 * Get Machine allows 5 req/s with bursts of 10; app deletions are capped at 100 per minute.
 */
export const FLY_RATE_LIMITS: { default: BucketLimit; actions: Record<string, BucketLimit> } = {
  default: { ratePerSecond: 1, burst: 3 },
  actions: {
    machine_get: { ratePerSecond: 5, burst: 10 },
    app_delete: { ratePerSecond: 100 / 60, burst: 100 },
  },
};

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token buckets keyed by action and scope. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits = FLY_RATE_LIMITS) {}

  /**
   * Takes a token for `action` on `scope` at `nowMs`. Returns 0 when allowed, or the whole seconds
   * until a token is free (the value of the `Retry-After` header on the 429).
   */
  take(action: string, scope: string, nowMs: number): number {
    return this.takeToken(action, scope, nowMs).retryAfterSeconds;
  }

  /**
   * {@link take}, also saying how many tokens the bucket held when the request arrived (before
   * taking one): the headroom a client's pacing left, which the request log records.
   */
  takeToken(
    action: string,
    scope: string,
    nowMs: number,
  ): { retryAfterSeconds: number; tokensBefore: number } {
    const limit = this.limits.actions[action] ?? this.limits.default;
    const key = `${action}\u0000${scope}`;
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, updatedMs: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsed * limit.ratePerSecond);
    bucket.updatedMs = nowMs;
    this.buckets.set(key, bucket);
    const tokensBefore = bucket.tokens;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { retryAfterSeconds: 0, tokensBefore };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond));
    return { retryAfterSeconds, tokensBefore };
  }

  /** Forgets every bucket. */
  reset(): void {
    this.buckets.clear();
  }
}
