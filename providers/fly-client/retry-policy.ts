/**
 * When to repeat a failed Machines API request, and how long to wait first. Pure functions: the
 * clock and the random source come in as arguments so the policy is tested without waiting.
 *
 * Follows what Fly's own tooling does (flyctl `flapsutil/retry.go`, fly-go's transport): 408,
 * 429, 5xx and broken connections are transient; a create is never repeated blindly because the
 * Machines API has no idempotency key (see `create-or-adopt.ts`). Decided on the error's kind.
 */
import { hasKind } from "./fly-api-error";
import type { FlyErrorKind } from "./fly-api-error";

/** Tunables of the retry policy; every field has a default in `DEFAULT_RETRY_OPTIONS`. */
export interface RetryOptions {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Backoff before retry n (0-based) is random(0, min(maxDelayMs, baseDelayMs * 2^n)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound applied to a server's `Retry-After`. */
  maxRetryAfterMs: number;
  /** No retry starts later than this many ms after the first attempt began. */
  maxTotalMs: number;
  /** Pause before looking up what an ambiguous create made: Fly's list reads lag its writes. */
  adoptLookupDelayMs: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random: () => number;
}

/** Defaults: 4 attempts, 250 ms doubling to 5 s with full jitter, at most 60 s in all. */
export const DEFAULT_RETRY_OPTIONS: Omit<RetryOptions, "random"> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
  maxTotalMs: 60_000,
  adoptLookupDelayMs: 1_000,
};

/** Fills the fields `overrides` leaves out with the defaults. */
export function resolveRetryOptions(overrides: Partial<RetryOptions> = {}): RetryOptions {
  return { ...DEFAULT_RETRY_OPTIONS, random: Math.random, ...overrides };
}

/**
 * Failures after which Fly may or may not have acted: a timeout or server error answered, or a
 * connection that broke after the request went out.
 */
const AMBIGUOUS_KINDS: readonly FlyErrorKind[] = [
  "fly.request_timeout",
  "fly.server_error",
  "fly.bad_gateway",
  "fly.unavailable",
  "fly.gateway_timeout",
  "net.reset",
  "net.timeout",
];

/**
 * Failures proving Fly did not act: it refused for the rate limit or for lack of capacity
 * (which may free up), or the request never left (no connection, no such host).
 */
const NOT_PROCESSED_KINDS: readonly FlyErrorKind[] = [
  "fly.rate_limited",
  "fly.insufficient_capacity",
  "net.refused",
  "net.dns",
  "net.connect_timeout",
];

/**
 * Failures that may pass: Fly's 408, 429, 502, 503, 504 and capacity refusals, and every
 * connection failure Node names. A plain 500 is a fault that repeating rarely mends.
 */
const TRANSIENT_KINDS: readonly FlyErrorKind[] = [
  ...NOT_PROCESSED_KINDS,
  ...AMBIGUOUS_KINDS.filter((kind) => kind !== "fly.server_error"),
];

/**
 * Failures that say nothing about what was asked after: Fly, or the way to it, gave no answer to
 * it (408, 429, any 5xx, any connection failure). A wait reads them as "no answer yet".
 */
const UNANSWERED_KINDS: readonly FlyErrorKind[] = [
  ...TRANSIENT_KINDS.filter((kind) => kind !== "fly.insufficient_capacity"),
  "fly.server_error",
  "net.failed",
];

/** Whether `e` is the API's silence rather than an answer about the thing asked after. */
export function isUnanswered(e: unknown): boolean {
  return hasKind(e, ...UNANSWERED_KINDS);
}

/** Whether repeating an idempotent request after `e` may succeed. */
export function isRetryable(e: unknown): boolean {
  return hasKind(e, ...TRANSIENT_KINDS);
}

/**
 * Whether `e` proves Fly did not act on the request, which makes even a non-idempotent create
 * safe to send again.
 */
export function isNotProcessed(e: unknown): boolean {
  return hasKind(e, ...NOT_PROCESSED_KINDS);
}

/**
 * Whether a create that failed with `e` may have happened anyway. Such a create is looked up
 * before it is sent again.
 */
export function isAmbiguousFailure(e: unknown): boolean {
  return hasKind(e, ...AMBIGUOUS_KINDS);
}

/** Whether a request that failed with `e` may be sent again as it is. */
export function shouldRetry(e: unknown, request: { idempotent: boolean }): boolean {
  return request.idempotent ? isRetryable(e) : isNotProcessed(e);
}

/** Full-jitter exponential backoff before retry number `retryIndex` (0 for the first retry). */
export function backoffDelayMs(
  retryIndex: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(options.random() * ceiling);
}

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds from
 * `nowMs`; undefined when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names its weekday and month; Date.parse alone would take "-5" as a year.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Where a retry loop stands after a failed attempt. */
export interface RetryState {
  /** Retries already made (0 after the first attempt failed). */
  retriesSoFar: number;
  /** Time since the first attempt began. */
  elapsedMs: number;
  /** The server's `Retry-After`, when it sent one. */
  retryAfterMs?: number;
}

/**
 * The delay before the next attempt, or undefined when the attempt or total-time budget is spent.
 * A server's `Retry-After` wins over the computed backoff, capped at `maxRetryAfterMs`.
 */
export function nextRetryDelayMs(state: RetryState, options: RetryOptions): number | undefined {
  if (state.retriesSoFar + 1 >= options.maxAttempts) return undefined;
  const delay =
    state.retryAfterMs === undefined
      ? backoffDelayMs(state.retriesSoFar, options)
      : Math.min(state.retryAfterMs, options.maxRetryAfterMs);
  if (state.elapsedMs + delay > options.maxTotalMs) return undefined;
  return delay;
}
