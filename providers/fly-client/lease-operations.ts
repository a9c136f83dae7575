/**
 * Machine leases: `/v1/apps/{app}/machines/{id}/lease`. A lease keeps other deployers (flyctl,
 * another stack) off a machine while it changes; every mutation of a leased machine must carry
 * the nonce in `fly-machine-lease-nonce`, or Fly answers 409.
 */
import { clientError, isLeaseConflict } from "./fly-api-error";
import type { FlyApiError } from "./fly-api-error";
import { leaseSchemas } from "./machine-schemas";
import type { Lease } from "./machine-schemas";
import { backoffDelayMs } from "./retry-policy";
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** Options of a lease acquisition. */
export interface AcquireLeaseOptions extends CallOptions {
  /** Lifetime in seconds; refreshing extends it. */
  ttlSeconds: number;
  /** Why the machine is leased; other holders see it. */
  description?: string;
  /** How long to keep trying while someone else holds the lease. Default 60 s. */
  acquireTimeoutMs?: number;
  /**
   * Whether a lease found held may be taken over at once: a lease the caller's own earlier run
   * took and never released (that run was killed). It is taken with the nonce Fly shows for it.
   */
  takeOver?: (holder: Lease) => boolean;
  /** Receives a line when a lease is taken over. */
  onTakeOver?: (holder: Lease) => void;
}

/** Options of `withLease`. */
export interface WithLeaseOptions extends AcquireLeaseOptions {
  /** Pause between refreshes (each one ends before the next pause starts). Default: half the TTL. */
  refreshIntervalMs?: number;
  /** Receives lines about refresh or release failures (the lease still expires by itself). */
  onProgress?: (message: string) => void;
}

/** The lease operations of the client. */
export interface LeaseOperations {
  /**
   * Acquires the machine's lease. While someone else holds it (409), retries with backoff up to
   * `acquireTimeoutMs`, then throws a FlyApiError (409) naming the holder.
   */
  acquire(app: string, id: string, options: AcquireLeaseOptions): Promise<Lease>;
  /** Extends a lease we hold; the nonce stays the same. */
  refresh(app: string, id: string, nonce: string, options: AcquireLeaseOptions): Promise<Lease>;
  /** Releases a lease we hold. */
  release(app: string, id: string, nonce: string, options?: CallOptions): Promise<void>;
  /**
   * Runs `fn` under the machine's lease: acquires it, passes the nonce to `fn`, refreshes it in
   * the background every `refreshIntervalMs`, and always releases it afterwards (no refresh is
   * sent once `fn` has settled).
   */
  withLease<T>(
    app: string,
    id: string,
    fn: (nonce: string) => Promise<T>,
    options: WithLeaseOptions,
  ): Promise<T>;
}

const LEASE_PATH = "/v1/apps/{app}/machines/{machine}/lease";

/** The lease operations alone, over a transport of their own. */
export function createLeasesClient(options: FlyClientOptions): LeaseOperations {
  return leaseOperations(createClientContext(options));
}

/** Builds the lease operations over the client's transport. */
export function leaseOperations(ctx: ClientContext): LeaseOperations {
  const { send, clock } = ctx;

  const post = (app: string, id: string, options: AcquireLeaseOptions, nonce?: string) =>
    send({
      method: "POST",
      path: LEASE_PATH,
      params: { app, machine: id },
      body: { ttl: options.ttlSeconds, description: options.description },
      schema: leaseSchemas().lease,
      action: "lease",
      scope: id,
      // A repeat after a lost answer either takes the lease or meets our own lease (409):
      // the same outcome as not repeating, so transient failures may be retried.
      idempotent: true,
      leaseNonce: nonce,
      signal: options.signal,
    });

  /** The lease as Fly shows it (holder, expiry, description and nonce), if it can be read. */
  const holderOf = (app: string, id: string): Promise<Lease | undefined> =>
    send({
      method: "GET",
      path: LEASE_PATH,
      params: { app, machine: id },
      schema: leaseSchemas().lease,
      action: "lease",
      scope: id,
      idempotent: true,
    }).catch(() => undefined);

  /** Explains who holds the lease, asking Fly when the 409 did not say. */
  const leaseHeldError = async (
    app: string,
    id: string,
    conflict: FlyApiError,
    waitedMs: number,
  ): Promise<FlyApiError> => {
    const holder = await holderOf(app, id);
    const held = holder
      ? `is leased by ${holder.owner ?? "an unknown owner"} until ` +
        `${new Date(holder.expires_at * 1000).toISOString()}` +
        (holder.description ? ` ("${holder.description}")` : "")
      : `is leased by someone else (${conflict.message})`;
    return clientError(
      "client.lease_held",
      `machine ${id} in app ${app} ${held}; gave up after ${waitedMs} ms`,
      { status: 409, requestId: conflict.requestId, method: conflict.method, path: conflict.path },
    );
  };

  const acquire = async (app: string, id: string, options: AcquireLeaseOptions) => {
    const limitMs = options.acquireTimeoutMs ?? 60_000;
    const startedMs = clock.now();
    for (let retries = 0; ; retries++) {
      try {
        return await post(app, id, options);
      } catch (error) {
        if (!isLeaseConflict(error)) throw error;
        if (options.takeOver !== undefined && retries === 0) {
          const holder = await holderOf(app, id);
          if (holder?.nonce && options.takeOver(holder)) {
            options.onTakeOver?.(holder);
            // A refresh with the holder's nonce makes the lease ours, under our TTL and words.
            return await post(app, id, options, holder.nonce);
          }
        }
        const delayMs = backoffDelayMs(retries, ctx.retry);
        const waitedMs = clock.now() - startedMs;
        if (waitedMs + delayMs > limitMs) {
          throw await leaseHeldError(app, id, error as FlyApiError, waitedMs);
        }
        await clock.sleep(delayMs, options.signal);
      }
    }
  };

  const release = async (app: string, id: string, nonce: string, options: CallOptions = {}) => {
    await send({
      method: "DELETE",
      path: LEASE_PATH,
      params: { app, machine: id },
      action: "lease",
      scope: id,
      idempotent: true,
      leaseNonce: nonce,
      signal: options.signal,
    });
  };

  /** Refreshes a held lease every `intervalMs` until `stopped` aborts; never rejects. */
  const keepRefreshed = async (
    app: string,
    id: string,
    nonce: string,
    options: WithLeaseOptions,
    stopped: AbortSignal,
  ): Promise<void> => {
    const intervalMs = options.refreshIntervalMs ?? (options.ttlSeconds * 1000) / 2;
    const refreshOptions = { ttlSeconds: options.ttlSeconds, description: options.description };
    for (;;) {
      try {
        await clock.sleep(intervalMs, stopped);
      } catch {
        return;
      }
      if (stopped.aborted) return;
      // Not aborted by `stopped`: a refresh under way is let finish before the release.
      await post(app, id, refreshOptions, nonce).catch((error: unknown) => {
        options.onProgress?.(`refreshing the lease on machine ${id} failed: ${String(error)}`);
      });
    }
  };

  return {
    acquire,
    refresh: (app, id, nonce, options) => post(app, id, options, nonce),
    release,

    async withLease(app, id, fn, options) {
      const lease = await acquire(app, id, options);
      const stop = new AbortController();
      const refreshing = keepRefreshed(app, id, lease.nonce, options, stop.signal);
      try {
        return await fn(lease.nonce);
      } finally {
        stop.abort();
        await refreshing;
        // Released without the caller's signal: an aborted operation must still let go.
        await release(app, id, lease.nonce).catch((error: unknown) => {
          options.onProgress?.(
            `releasing the lease on machine ${id} failed (it will expire): ${String(error)}`,
          );
        });
      }
    },
  };
}
