/**
 * The benchmark's targets, checked against measured scenarios. Pure.
 *
 * - Fresh up and rollout finish within 1.15x of their bound (start-up plus critical path).
 * - No request is answered 429 (the client paces itself under Fly's limits).
 * - A fresh up makes at most 1.15x the calls the API requires; a rollout and a refresh 1.1x; a
 *   no-op up no more than the reads that see drift (1.0x).
 * - A no-op up and a preview of the unchanged stack take at most 1.3x the engine's start-up with
 *   an empty program.
 * - A no-op up and a refresh change nothing: no mutating call.
 * - The state of 18 regions weighs at most 300 KiB.
 * - Every operation succeeds.
 */
import type { RegionSetResult, ScenarioResult } from "./scenarios";

/** Largest wall time over bound accepted for fresh ups and rollouts. */
export const WALL_OVER_BOUND_TARGET = 1.15;
/** Largest number of API calls over the minimum accepted, per scenario that has a minimum. */
export const CALLS_OVER_MINIMUM_TARGET: Readonly<Record<string, number>> = {
  "fresh-up": 1.15,
  rollout: 1.1,
  refresh: 1.1,
  "noop-up": 1,
};
/** Largest wall time of an operation with nothing to do, over the empty program's start-up. */
export const NOTHING_TO_DO_OVER_STARTUP_TARGET = 1.3;
/** Largest state of the stack at {@link STATE_TARGET_REGIONS} regions. */
export const STATE_TARGET_BYTES = 300 * 1024;
export const STATE_TARGET_REGIONS = 18;

/** One target checked for one scenario. */
export interface TargetCheck {
  readonly target:
    | "succeeds"
    | "wall/bound"
    | "calls/minimum"
    | "no 429"
    | "no mutating call"
    | "wall/start-up"
    | "state size";
  readonly scenario: ScenarioResult["scenario"] | "preview";
  readonly regions: number;
  /** The measured figure, as shown in the report. */
  readonly value: string;
  readonly met: boolean;
}

/** Wall time over bound, to two decimals; undefined when the scenario has no bound. */
export function wallOverBound(result: ScenarioResult): number | undefined {
  return result.boundMs === undefined ? undefined : round2(result.wallMs / result.boundMs);
}

/** API calls over the minimum, to two decimals; undefined when the minimum is no call at all. */
export function callsOverMinimum(result: ScenarioResult): number | undefined {
  return result.minimum.total === 0 ? undefined : round2(result.calls.total / result.minimum.total);
}

/**
 * Every target that applies to each region set's scenarios, in order, then its state's;
 * `startupMs` is the empty program's start-up.
 */
export function checkTargets(sets: readonly RegionSetResult[], startupMs: number): TargetCheck[] {
  return sets.flatMap((set) => [
    ...set.scenarios.flatMap((result) => scenarioTargets(result, startupMs)),
    ...previewTargets(set, startupMs),
    ...stateTargets(set),
  ]);
}

function previewTargets(set: RegionSetResult, startupMs: number): TargetCheck[] {
  if (set.preview === undefined) return [];
  const overStartup = round2(set.preview.wallMs / startupMs);
  return [
    {
      target: "wall/start-up",
      scenario: "preview",
      regions: set.regions,
      value: overStartup.toFixed(2),
      met: overStartup <= NOTHING_TO_DO_OVER_STARTUP_TARGET,
    },
  ];
}

function scenarioTargets(result: ScenarioResult, startupMs: number): TargetCheck[] {
  const check = (target: TargetCheck["target"], value: string, met: boolean): TargetCheck => ({
    target,
    scenario: result.scenario,
    regions: result.regions,
    value,
    met,
  });
  const checks = [check("succeeds", result.ok ? "ok" : "failed", result.ok)];
  if (!result.ok) return checks;
  const ratio = wallOverBound(result);
  if ((result.scenario === "fresh-up" || result.scenario === "rollout") && ratio !== undefined) {
    checks.push(check("wall/bound", ratio.toFixed(2), ratio <= WALL_OVER_BOUND_TARGET));
  }
  const callRatio = callsOverMinimum(result);
  const callLimit = CALLS_OVER_MINIMUM_TARGET[result.scenario];
  if (callRatio !== undefined && callLimit !== undefined) {
    checks.push(check("calls/minimum", callRatio.toFixed(2), callRatio <= callLimit));
  }
  checks.push(check("no 429", String(result.rateLimited), result.rateLimited === 0));
  if (result.scenario === "noop-up") {
    const overStartup = round2(result.wallMs / startupMs);
    checks.push(
      check(
        "wall/start-up",
        overStartup.toFixed(2),
        overStartup <= NOTHING_TO_DO_OVER_STARTUP_TARGET,
      ),
    );
  }
  if (result.scenario === "noop-up" || result.scenario === "refresh") {
    checks.push(
      check("no mutating call", String(result.mutatingCalls), result.mutatingCalls === 0),
    );
  }
  return checks;
}

function stateTargets(set: RegionSetResult): TargetCheck[] {
  if (set.regions !== STATE_TARGET_REGIONS || set.state === undefined) return [];
  const bytes = set.state.totalBytes;
  return [
    {
      target: "state size",
      scenario: "fresh-up",
      regions: set.regions,
      value: `${(bytes / 1024).toFixed(1)} KiB`,
      met: bytes <= STATE_TARGET_BYTES,
    },
  ];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
