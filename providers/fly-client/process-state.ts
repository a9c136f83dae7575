/**
 * State the client shares across everything in one process: the HTTP connection pool, the pacing
 * buckets, memoized response schemas and, in tests only, a clock.
 *
 * It hangs off `globalThis` under a registered symbol rather than module variables, so that every
 * copy of the client in a process shares one pool and one set of buckets: in a provider host
 * running a migration, the loaded providers and the copies an older state carries run side by
 * side, and they must pace against Fly's limits together.
 */
import type { Dispatcher } from "undici";
import { Agent } from "undici";
import type { Clock } from "./call-options";

/** One token bucket of the client-side pacer (see `pacing.ts`). */
export interface BucketState {
  /** Tokens available; negative while callers wait for reserved tokens. */
  tokens: number;
  /** Clock reading (ms) at the last refill. */
  updatedMs: number;
}

/** Everything shared per process. */
export interface ProcessState {
  /** The connection pool, created on the first request that has no dispatcher of its own. */
  dispatcher?: Dispatcher;
  /** Pacing buckets keyed by action and scope. */
  buckets: Map<string, BucketState>;
  /** Values built once per builder function (schemas); keyed by the function itself. */
  memo: WeakMap<object, unknown>;
  /**
   * The clock of every client whose options name none. Never set in production (real time);
   * tests that run providers in their own process set it, since a provider builds its clients
   * from Pulumi config, through which no clock can be passed.
   */
  clock?: Clock;
}

/** Versioned so that a future, incompatible layout never reads this one. */
const PROCESS_STATE_KEY = "openclaw-fly.fly-client.process-state.v1";

/** The per-process state, created on first use. */
export function processState(): ProcessState {
  const registry = globalThis as unknown as Record<symbol, ProcessState | undefined>;
  const key = Symbol.for(PROCESS_STATE_KEY);
  let state = registry[key];
  if (state === undefined) {
    state = { buckets: new Map(), memo: new WeakMap() };
    registry[key] = state;
  }
  return state;
}

/**
 * Returns `build()`'s result, building it once per process. Keying by the builder function keeps
 * two copies of a schema module (perhaps of different versions) apart.
 */
export function memoize<T>(build: () => T): T {
  const { memo } = processState();
  if (memo.has(build)) return memo.get(build) as T;
  const value = build();
  memo.set(build, value);
  return value;
}

/** The process-wide undici Agent, created at the first request, never at module load. */
export function sharedDispatcher(): Dispatcher {
  const state = processState();
  if (state.dispatcher === undefined) {
    // Keep idle sockets a little longer than undici's 4 s default: providers issue bursts of
    // calls separated by waits, and re-handshaking TLS to api.machines.dev costs more than a socket.
    state.dispatcher = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  }
  return state.dispatcher;
}

/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason as soon as `signal`
 * aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // Declared before both callbacks, each of which reads it.
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
