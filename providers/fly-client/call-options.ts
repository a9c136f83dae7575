/**
 * Options shared by every client call, and the context the resource modules are built over.
 */
import type { RetryOptions } from "./retry-policy";
import type { RetryInfo, Send } from "./transport";

/** Options every client call accepts. */
export interface CallOptions {
  /** Aborts the call (and any retry pause or pacing wait); it rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of a call that changes a machine. */
export interface MutationOptions extends CallOptions {
  /** Nonce of the lease held on the machine; required by Fly while the machine is leased. */
  leaseNonce?: string;
}

/**
 * The client's sense of time: every retry budget, retry pause, pacing wait, lease refresh and
 * health poll reads and waits through one clock. Real time unless the client options (or, in a
 * test process, the process state) name another: tests move theirs by hand, so time-based
 * behaviour is proved by counting what happened, never by sleeping.
 */
export interface Clock {
  /** The current time in Unix milliseconds. */
  now(): number;
  /** Resolves once `ms` have passed on this clock; rejects with the signal's reason on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** What the resource modules share: the transport and the policies above it. */
export interface ClientContext {
  send: Send;
  retry: RetryOptions;
  requestTimeoutMs: number;
  onRetry?: (info: RetryInfo) => void;
  /** What every budget, pause and poll above the transport reads and waits on. */
  clock: Clock;
}
