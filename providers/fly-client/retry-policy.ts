/**
 * When to repeat a failed Machines API request, and how long to wait first. Pure functions: the
 * clock and the random source come in as arguments so the policy is tested without waiting.
 *
 * Follows what Fly's own tooling does (flyctl `flapsutil/retry.go`, fly-go's transport): 408,
 * 429, 502, 503, 504 and broken connections are transient; a create is never repeated blindly
 * because the Machines API has no idempotency key (see `create-or-adopt.ts`).
 */
import { isFlyApiError } from "./fly-api-error";

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

/** Statuses worth repeating an idempotent request for. */
const RETRYABLE_STATUSES = [408, 429, 502, 503, 504];

/** Connection failures after which the server may or may not have acted. */
const CONNECTION_FAILURE_CODES = ["ECONNRESET", "EPIPE", "ETIMEDOUT"];

/** Connection failures proving the request never reached the server. */
const NOT_SENT_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"];

/** Whether repeating an idempotent request after `e` may succeed (408, 429, 502-504, resets). */
export function isRetryable(e: unknown): boolean {
  if (!isFlyApiError(e)) return false;
  if (e.status !== 0) return RETRYABLE_STATUSES.includes(e.status);
  const code = e.code ?? "";
  return CONNECTION_FAILURE_CODES.includes(code) || NOT_SENT_CODES.includes(code);
}

/**
 * Whether `e` proves the server did not act (429, or no connection was made), which makes even
 * a non-idempotent create safe to send again.
 */
export function isNotProcessed(e: unknown): boolean {
  if (!isFlyApiError(e)) return false;
  return e.status === 429 || (e.status === 0 && NOT_SENT_CODES.includes(e.code ?? ""));
}

/**
 * Whether a create that failed with `e` may have happened anyway: 408, any 5xx, a reset
 * connection or a client-side timeout. Such a create is looked up before it is sent again.
 */
export function isAmbiguousFailure(e: unknown): boolean {
  if (!isFlyApiError(e)) return false;
  if (e.status === 408 || e.status >= 500) return true;
  return e.status === 0 && CONNECTION_FAILURE_CODES.includes(e.code ?? "");
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
