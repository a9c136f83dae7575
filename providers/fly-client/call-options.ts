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

/** What the resource modules share: the transport and the policies above it. */
export interface ClientContext {
  send: Send;
  retry: RetryOptions;
  requestTimeoutMs: number;
  onRetry?: (info: RetryInfo) => void;
}
