/**
 * The critical-path bound of each benchmark scenario: the shortest time in which any client could
 * converge the gateway, given only what the Fly API and the rollout order force. Pure: a function
 * of the timings, the regions, the rollout strategy and the rate limits.
 *
 * What is forced, per scenario:
 * - fresh up: the app exists before anything inside it; every volume and the secrets exist before
 *   their region's machine; the canary (first) region's machine is healthy before any other
 *   machine is created (serial: the previous region's; parallel: none); N volume creates and N
 *   machine creates in one app share Fly's 1 req/s, burst 3 limit.
 * - rollout: per machine a lease, the update, the boot of the new version and its checks, one
 *   read that sees it healthy, and the lease's release; later regions wait for the canary.
 * - refresh: one read per resource, all at once. No-op up: nothing.
 *
 * Timings mirror the emulator: a request takes `latencyMs` to answer but acts on arrival; a
 * created or updated machine starts booting `transitionMs` after the request, is started
 * `bootMs` later, and passes its checks `checksMs` after that. Seeing it healthy takes one read.
 * A real client also polls at some interval; that lag is the client's, so it is not in the bound.
 */
import { scheduleSteps } from "./path-scheduler";
import type { PathStep, RateLimits, Schedule } from "./path-scheduler";

/** The emulator's timings, in milliseconds. */
export interface ApiTimings {
  readonly latencyMs: number;
  readonly bootMs: number;
  readonly checksMs: number;
  readonly transitionMs: number;
}

/** How machines are rolled out across regions (the component's `rollout`). */
export type RolloutStrategy = "canary" | "serial" | "parallel";

/** The scenarios a bound is computed for. */
export type BoundScenario = "fresh-up" | "noop-up" | "refresh" | "rollout";

/** Everything a bound depends on. */
export interface BoundInput {
  readonly timings: ApiTimings;
  /** Region codes, the canary first. */
  readonly regions: readonly string[];
  readonly rollout: RolloutStrategy;
  /** Fly's limits, or undefined when the API does not limit. */
  readonly rateLimits: RateLimits | undefined;
  /** IP addresses the stack allocates (public mode: 2; private: 0, or 1 with Flycast). */
  readonly ipAddresses: number;
  /** Whether updates hold the machine's lease (the providers always do). Default true. */
  readonly leases?: boolean;
}

/** Scope names of the app-wide buckets; the emulator keys machine buckets by machine id. */
const APP = "app";

/**
 * For each region, the region whose machine must be healthy first: canary waits every later
 * region on the first, serial chains each to the previous one, parallel waits on nothing (the
 * same rule as the component's `rolloutPredecessors`).
 */
export function predecessorOf(
  regions: readonly string[],
  strategy: RolloutStrategy,
  index: number,
): string | undefined {
  if (index === 0 || strategy === "parallel") return undefined;
  return strategy === "canary" ? regions[0] : regions[index - 1];
}

/** The steps of a fresh up, in the order a careful client sends them (canary region first). */
export function freshUpSteps(input: BoundInput): PathStep[] {
  const { latencyMs: call } = input.timings;
  const steps: PathStep[] = [
    { id: "app create", limit: { action: "app_create", scope: "" }, durationMs: call },
    {
      id: "secrets set",
      after: ["app create"],
      limit: appLimit("secrets_update"),
      durationMs: call,
    },
  ];
  for (let ip = 1; ip <= input.ipAddresses; ip++) {
    steps.push({
      id: `ip ${ip} allocate`,
      after: ["app create"],
      limit: appLimit("ip_assignment_create"),
      durationMs: call,
    });
  }
  for (const region of input.regions) {
    steps.push({
      id: `volume create ${region}`,
      after: ["app create"],
      limit: appLimit("volume_create"),
      durationMs: call,
    });
  }
  input.regions.forEach((region, index) => {
    const predecessor = predecessorOf(input.regions, input.rollout, index);
    const after = [`volume create ${region}`, "secrets set"];
    if (predecessor !== undefined) after.push(`machine get ${predecessor} (healthy)`);
    steps.push(
      {
        id: `machine create ${region}`,
        after,
        limit: appLimit("machine_create"),
        durationMs: call,
      },
      ...healthySteps(input.timings, region, `machine create ${region}`, "boots"),
    );
  });
  return steps;
}

/** The steps of a change of every machine's configuration (a VM-size rollout). */
export function rolloutSteps(input: BoundInput): PathStep[] {
  const { latencyMs: call } = input.timings;
  const leases = input.leases ?? true;
  const finished = (region: string) =>
    leases ? `lease release ${region}` : `machine get ${region} (healthy)`;
  return input.regions.flatMap((region, index) => {
    const predecessor = predecessorOf(input.regions, input.rollout, index);
    const waitFor = predecessor === undefined ? [] : [finished(predecessor)];
    const machine = (action: string) => ({ action, scope: region });
    const update: PathStep = {
      id: `machine update ${region}`,
      after: leases ? [`lease ${region}`] : waitFor,
      limit: machine("machine_update"),
      durationMs: call,
    };
    const steps: PathStep[] = [
      ...(leases
        ? [{ id: `lease ${region}`, after: waitFor, limit: machine("lease"), durationMs: call }]
        : []),
      update,
      ...healthySteps(input.timings, region, update.id, "replaces"),
    ];
    if (leases) {
      steps.push({
        id: `lease release ${region}`,
        after: [`machine get ${region} (healthy)`],
        limit: machine("lease"),
        durationMs: call,
      });
    }
    return steps;
  });
}

/** The reads of a refresh: every resource at once. */
export function refreshSteps(input: BoundInput): PathStep[] {
  const { latencyMs: call } = input.timings;
  const steps: PathStep[] = [
    { id: "app get", limit: appLimit("app_get"), durationMs: call },
    { id: "secrets list", limit: appLimit("secrets_list"), durationMs: call },
  ];
  if (input.ipAddresses > 0) {
    steps.push({ id: "ip list", limit: appLimit("ip_assignment_list"), durationMs: call });
  }
  for (const region of input.regions) {
    steps.push(
      {
        id: `volume get ${region}`,
        limit: { action: "volume_get", scope: region },
        durationMs: call,
      },
      {
        id: `machine get ${region}`,
        limit: { action: "machine_get", scope: region },
        durationMs: call,
      },
    );
  }
  return steps;
}

/** The steps of `scenario` (none for a no-op up: it needs no API call). */
export function scenarioSteps(scenario: BoundScenario, input: BoundInput): PathStep[] {
  switch (scenario) {
    case "fresh-up":
      return freshUpSteps(input);
    case "rollout":
      return rolloutSteps(input);
    case "refresh":
      return refreshSteps(input);
    case "noop-up":
      return [];
  }
}

/**
 * The critical path of `scenario`: its length in milliseconds (the bound, before the engine's
 * fixed start-up), the schedule that achieves it and the chain of steps that decides it.
 */
export function criticalPath(scenario: BoundScenario, input: BoundInput): Schedule {
  return scheduleSteps(scenarioSteps(scenario, input), input.rateLimits);
}

function appLimit(action: string) {
  return { action, scope: APP };
}

/** A machine's boot after `request`, then the read that sees it started with checks passing. */
function healthySteps(
  timings: ApiTimings,
  region: string,
  request: string,
  verb: string,
): PathStep[] {
  const boot = `machine ${region} ${verb}, starts and passes checks`;
  return [
    {
      id: boot,
      afterStartOf: [request],
      durationMs: timings.transitionMs + timings.bootMs + timings.checksMs,
    },
    {
      id: `machine get ${region} (healthy)`,
      after: [boot, request],
      limit: { action: "machine_get", scope: region },
      durationMs: timings.latencyMs,
    },
  ];
}
