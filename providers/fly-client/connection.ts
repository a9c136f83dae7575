/**
 * The one transport factory every client factory builds on: validates the options, resolves the
 * retry policy and pacing, and wraps them around a `send` function.
 *
 * Each resource module offers its own factory over this (`createAppsClient`,
 * `createMachinesClient`, ...), so that a provider builds only the resource groups it calls.
 */
import type { Dispatcher } from "undici";
import type { ClientContext, Clock } from "./call-options";
import { normalizeBaseUrl } from "./credentials";
import { createPacer } from "./pacing";
import { processState, sleep } from "./process-state";
import type { PacingOptions } from "./pacing";
import { resolveRetryOptions } from "./retry-policy";
import type { RetryOptions } from "./retry-policy";
import { createTransport } from "./transport";
import type { RetryInfo } from "./transport";

/** How to reach the API and how patient to be with it. */
export interface FlyClientOptions {
  /** Base URL without `/v1`, e.g. `https://api.machines.dev`. */
  baseUrl: string;
  /** API token, with or without its `FlyV1 `/`Bearer ` scheme. Never logged. */
  token: string;
  /** undici dispatcher to use instead of the process-wide pool (tests, proxies). */
  dispatcher?: Dispatcher;
  /** Overrides of the retry policy (`DEFAULT_RETRY_OPTIONS`). */
  retry?: Partial<RetryOptions>;
  /** Client-side rate limits; Fly's documented ones by default, `false` for none. */
  pacing?: PacingOptions | false;
  /**
   * Limit for one request: for the answer's headers to arrive, and for any pause in its body.
   * Default 30 s. Enforced by undici's coarse timers (about half a second of resolution).
   */
  requestTimeoutMs?: number;
  userAgent?: string;
  /** Hears about each retry before its pause (for progress output). */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Time for retry budgets, pauses, pacing, lease refreshes and polls. By default the process's
   * test clock when one is set (see `process-state.ts`), else real time, chosen at call time, so
   * that a clock a test sets after the client was built still applies.
   */
  clock?: Clock;
}

/** Default `User-Agent`. */
const USER_AGENT = "openclaw-fly";

/**
 * The transport and policies the resource modules are built over. Cheap: it opens no
 * connection; the process-wide connection pool is created by the first request that needs it,
 * and pacing draws on per-process buckets, so any number of these share both.
 *
 * @throws Error when the token is empty or the base URL is not an http(s) URL.
 */
export function createClientContext(options: FlyClientOptions): ClientContext {
  if (typeof options.token !== "string" || options.token.trim() === "") {
    throw new Error("FlyClientOptions.token must be a non-empty string");
  }
  const retry = resolveRetryOptions(options.retry);
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const clock = options.clock ?? processState().clock ?? { now: Date.now, sleep };
  const send = createTransport({
    baseUrl: normalizeBaseUrl(options.baseUrl),
    token: options.token,
    dispatcher: options.dispatcher,
    retry,
    pacer: options.pacing === false ? undefined : createPacer(options.pacing, clock),
    requestTimeoutMs,
    userAgent: options.userAgent ?? USER_AGENT,
    onRetry: options.onRetry,
    clock,
  });
  return { send, retry, requestTimeoutMs, onRetry: options.onRetry, clock };
}
