/**
 * The benchmark's targets, checked against measured scenarios. Pure.
 *
 * - Fresh up and rollout finish within 1.15x of their bound (start-up plus critical path).
 * - No request is answered 429 (the client paces itself under Fly's limits).
 * - Fresh up, rollout and refresh make at most 1.2x the calls the API requires.
 * - A no-op up and a refresh change nothing: no mutating call.
 * - Every operation succeeds.
 */
import type { ScenarioResult } from "./scenarios";

/** Largest wall time over bound accepted for fresh ups and rollouts. */
export const WALL_OVER_BOUND_TARGET = 1.15;
/** Largest number of API calls over the minimum accepted. */
export const CALLS_OVER_MINIMUM_TARGET = 1.2;

/** One target checked for one scenario. */
export interface TargetCheck {
  readonly target: "succeeds" | "wall/bound" | "calls/minimum" | "no 429" | "no mutating call";
  readonly scenario: ScenarioResult["scenario"];
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

/** Every target that applies to each scenario, in scenario order. */
export function checkTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  return results.flatMap((result) => {
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
    if (callRatio !== undefined) {
      checks.push(
        check("calls/minimum", callRatio.toFixed(2), callRatio <= CALLS_OVER_MINIMUM_TARGET),
      );
    }
    checks.push(check("no 429", String(result.rateLimited), result.rateLimited === 0));
    if (result.scenario === "noop-up" || result.scenario === "refresh") {
      checks.push(
        check("no mutating call", String(result.mutatingCalls), result.mutatingCalls === 0),
      );
    }
    return checks;
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
