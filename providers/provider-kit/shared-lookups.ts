/**
 * One lookup shared by the creates that ask for it while it is in flight.
 *
 * Before a create, FlyVolume and FlyMachine list their app's volumes or machines to find one of
 * theirs to adopt (a retained volume, a create whose answer was lost). A fan-out over regions
 * starts many such creates at once, and each listing the same app would spend one call each of
 * Fly's per-app list limit (1/s after a burst of 3) on the same answer. Every create looks only
 * for its own name and region, which no other create of the fan-out makes, so an answer to a
 * list already asked for serves them all. A list that has been answered is never reused: the
 * next create asks again.
 *
 * The lookups live on `globalThis` under a registered symbol, for the reason
 * `fly-client/process-state.ts` gives: every copy of the providers in one host shares them.
 */

type Lookups = Map<string, Promise<unknown>>;

const LOOKUPS_KEY = "openclaw-fly.provider-kit.shared-lookups.v1";

function lookups(): Lookups {
  const registry = globalThis as unknown as Record<symbol, Lookups | undefined>;
  const key = Symbol.for(LOOKUPS_KEY);
  return (registry[key] ??= new Map());
}

/**
 * `read()`'s answer, or the answer of the read under `key` already in flight. Callers whose read
 * fails all see the failure; the next caller reads again.
 */
export function sharedLookup<T>(key: string, read: () => Promise<T>): Promise<T> {
  const inFlight = lookups();
  const pending = inFlight.get(key);
  if (pending !== undefined) return pending as Promise<T>;
  const started = read().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}
