/**
 * The fewest Machines API calls each benchmark scenario needs, by route, in the emulator's
 * request-log keys (`METHOD /v1/...template`). Pure.
 *
 * Counted as required: every write that makes the change, one `/wait` per machine start (the
 * long poll Fly offers for states; one more per 60 s it lasts), and the health polls. Fly has no
 * long poll for checks, so seeing checks pass means reading the machine until they do: pausing P
 * after each read, which itself takes the API's latency L, checks that pass C ms after the start
 * need ceil(C / (P + L)) + 1 reads (the first one right at the start). Leases count for rollouts
 * because every change of a running machine holds one. Not required: reads made only to adopt
 * what a lost answer may have created (the app, volume and machine lookups before a create);
 * those are what the ratio to this minimum shows.
 *
 * Drift can only be seen by looking, so an `up` of a stack that exists (a no-op, a rollout)
 * counts the reads that see all of it before any change: one list each of the app's machines,
 * volumes, secrets and (with addresses) IP assignments, Fly's fewest calls that show every
 * resource of the app. A refresh reads each resource once; the drift its Diff classifies is
 * what that read saw, so nothing more is counted for it.
 */
import type { ApiTimings, BoundScenario } from "./critical-path";

/** What the minimum depends on. */
export interface MinimumInput {
  readonly timings: ApiTimings;
  readonly regions: number;
  /** IP addresses the stack allocates. */
  readonly ipAddresses: number;
  /** The providers' pause between health polls (`checkPollMs`). */
  readonly pollIntervalMs: number;
}

/** Calls per route; `total` is their sum. */
export interface CallCounts {
  readonly total: number;
  readonly byRoute: Readonly<Record<string, number>>;
}

const APPS = "/v1/apps";
const APP = `${APPS}/{app_name}`;
const MACHINE = `${APP}/machines/{machine_id}`;
/** Fly's `/wait` holds a request for at most 60 s. */
const MAX_WAIT_MS = 60_000;

/**
 * Reads that see checks passing `checksMs` after the start, pausing `pollIntervalMs` after each
 * read of `latencyMs`.
 */
export function healthPolls(checksMs: number, pollIntervalMs: number, latencyMs = 0): number {
  if (pollIntervalMs <= 0) throw new Error("pollIntervalMs must be positive");
  return Math.ceil(checksMs / (pollIntervalMs + latencyMs)) + 1;
}

/** `/wait` calls for a start that takes `ms`. */
function startWaits(ms: number): number {
  return Math.max(1, Math.ceil(ms / MAX_WAIT_MS));
}

/** The minimum of `scenario`, by route. */
export function minimumCalls(scenario: BoundScenario, input: MinimumInput): CallCounts {
  const { regions: n, timings } = input;
  const polls = n * healthPolls(timings.checksMs, input.pollIntervalMs, timings.latencyMs);
  const waits = n * startWaits(timings.transitionMs + timings.bootMs);
  switch (scenario) {
    case "fresh-up":
      return counts({
        [`POST ${APPS}`]: 1,
        [`POST ${APP}/secrets`]: 1,
        [`POST ${APP}/ip_assignments`]: input.ipAddresses,
        [`POST ${APP}/volumes`]: n,
        [`POST ${APP}/machines`]: n,
        [`GET ${MACHINE}/wait`]: waits,
        [`GET ${MACHINE}`]: polls,
      });
    case "rollout":
      return counts({
        ...driftReads(input),
        [`POST ${MACHINE}/lease`]: n,
        [`POST ${MACHINE}`]: n,
        [`GET ${MACHINE}/wait`]: waits,
        [`GET ${MACHINE}`]: polls,
        [`DELETE ${MACHINE}/lease`]: n,
      });
    case "refresh":
      return counts({
        [`GET ${APP}`]: 1,
        [`GET ${APP}/secrets`]: 1,
        [`GET ${APP}/ip_assignments`]: input.ipAddresses > 0 ? 1 : 0,
        [`GET ${APP}/volumes/{volume_id}`]: n,
        [`GET ${MACHINE}`]: n,
      });
    case "noop-up":
      return counts(driftReads(input));
  }
}

/** The reads that see every resource of the app as it is on Fly: one list of each kind. */
function driftReads(input: MinimumInput): Record<string, number> {
  return {
    [`GET ${APP}/machines`]: 1,
    [`GET ${APP}/volumes`]: 1,
    [`GET ${APP}/secrets`]: 1,
    [`GET ${APP}/ip_assignments`]: input.ipAddresses > 0 ? 1 : 0,
  };
}

/**
 * The routes where `actual` made more calls than `minimum`, as `{ route: extra }`, largest first;
 * calls on routes the minimum does not have count in full.
 */
export function excessCalls(actual: CallCounts, minimum: CallCounts): Record<string, number> {
  const extra = Object.entries(actual.byRoute)
    .map(([route, count]) => [route, count - (minimum.byRoute[route] ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(extra);
}

/** Counts with the zero routes left out. */
export function counts(byRoute: Record<string, number>): CallCounts {
  const kept = Object.entries(byRoute).filter(([, count]) => count > 0);
  return {
    total: kept.reduce((sum, [, count]) => sum + count, 0),
    byRoute: Object.fromEntries(kept),
  };
}
