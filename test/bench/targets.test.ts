import { describe, expect, it } from "vitest";
import { counts } from "../../scripts/bench/api-minimum";
import { withStartup } from "../../scripts/bench/scenarios";
import type { RegionSetResult, ScenarioResult } from "../../scripts/bench/scenarios";
import { callsOverMinimum, checkTargets, wallOverBound } from "../../scripts/bench/targets";

function result(overrides: Partial<ScenarioResult>): ScenarioResult {
  return {
    scenario: "fresh-up",
    regions: 3,
    ok: true,
    summary: { create: 11, update: 0, replace: 0, delete: 0, same: 0 },
    wallMs: 11_000,
    phases: { startupMs: 2000, programLoadMs: 500, resourcesMs: 10_000, shutdownMs: 500 },
    engineCpuMs: 1500,
    childCpuMs: 2500,
    breakdown: {
      machineWaitsMs: 6_000,
      pacingHolds: 0,
      pacingHeldMs: 0,
      longestHoldMs: 0,
      leastRateTokens: 2,
      leastRateTokensRoute: "POST /v1/apps",
    },
    memory: { engineMb: 300, programMb: 200, providerHostMb: 150 },
    pathMs: 9_360,
    boundMs: 12_000,
    calls: counts({ "POST /v1/apps": 24 }),
    minimum: counts({ "POST /v1/apps": 21 }),
    excess: {},
    mutatingCalls: 9,
    rateLimited: 0,
    rateLimitedByRoute: {},
    chain: [],
    ...overrides,
  };
}

/** One region set holding `scenarios`, as the bench measures them. */
function set(scenarios: ScenarioResult[], extra: Partial<RegionSetResult> = {}): RegionSetResult {
  return {
    regions: 3,
    state: undefined,
    preview: undefined,
    manual: undefined,
    scenarios,
    ...extra,
  };
}

const STARTUP_MS = 2_000;

describe("ratios", () => {
  it("divides wall time by the bound and calls by the minimum, to two decimals", () => {
    expect(wallOverBound(result({ wallMs: 13_801, boundMs: 12_000 }))).toBe(1.15);
    expect(callsOverMinimum(result({}))).toBe(1.14);
  });

  it("has no call ratio when the minimum is no call", () => {
    expect(callsOverMinimum(result({ minimum: counts({}) }))).toBeUndefined();
  });
});

describe("checkTargets", () => {
  it("checks time, calls and 429s for a fresh up", () => {
    expect(checkTargets([set([result({ wallMs: 14_400, rateLimited: 2 })])], STARTUP_MS)).toEqual([
      { target: "succeeds", scenario: "fresh-up", regions: 3, value: "ok", met: true },
      { target: "wall/bound", scenario: "fresh-up", regions: 3, value: "1.20", met: false },
      { target: "calls/minimum", scenario: "fresh-up", regions: 3, value: "1.14", met: true },
      { target: "no 429", scenario: "fresh-up", regions: 3, value: "2", met: false },
    ]);
  });

  it("checks a no-op up for its reads, mutating calls and its time over the empty program's start-up", () => {
    const lists = {
      "GET /v1/apps/{app_name}/machines": 1,
      "GET /v1/apps/{app_name}/volumes": 1,
      "GET /v1/apps/{app_name}/secrets": 1,
    };
    const noop = result({
      scenario: "noop-up",
      wallMs: 2_700,
      calls: counts({ ...lists, "POST /v1/apps/{app_name}/secrets": 1 }),
      minimum: counts(lists),
      mutatingCalls: 1,
    });
    expect(checkTargets([set([noop])], STARTUP_MS)).toEqual([
      { target: "succeeds", scenario: "noop-up", regions: 3, value: "ok", met: true },
      { target: "calls/minimum", scenario: "noop-up", regions: 3, value: "1.33", met: false },
      { target: "no 429", scenario: "noop-up", regions: 3, value: "0", met: true },
      { target: "wall/start-up", scenario: "noop-up", regions: 3, value: "1.35", met: false },
      { target: "no mutating call", scenario: "noop-up", regions: 3, value: "1", met: false },
    ]);
  });

  it("holds a rollout to 1.1x the minimum of calls and a fresh up to 1.15x", () => {
    const calls = (scenario: ScenarioResult["scenario"], made: number) =>
      checkTargets(
        [set([result({ scenario, calls: counts({ "POST /v1/apps": made }) })])],
        STARTUP_MS,
      ).find((check) => check.target === "calls/minimum");
    expect(calls("rollout", 23)).toMatchObject({ value: "1.10", met: true });
    expect(calls("rollout", 24)).toMatchObject({ value: "1.14", met: false });
    expect(calls("fresh-up", 24)).toMatchObject({ value: "1.14", met: true });
    expect(calls("fresh-up", 25)).toMatchObject({ value: "1.19", met: false });
  });

  it("checks the median preview of the unchanged stack against the start-up", () => {
    const preview = (wallMs: number) =>
      checkTargets(
        [
          set([], {
            preview: { runs: 3, wallMs, programMs: 400, engineCpuMs: 300, childCpuMs: 900 },
          }),
        ],
        STARTUP_MS,
      );
    expect(preview(2_600)).toEqual([
      { target: "wall/start-up", scenario: "preview", regions: 3, value: "1.30", met: true },
    ]);
    expect(preview(2_700)[0]).toMatchObject({ value: "1.35", met: false });
  });

  it("checks the state's size at 18 regions only", () => {
    const state = (totalBytes: number) => ({
      resources: 41,
      totalBytes,
      providerBytes: 0,
      byType: [],
    });
    const at = (regions: number, totalBytes: number) =>
      checkTargets([set([], { regions, state: state(totalBytes) })], STARTUP_MS);
    expect(at(6, 900 * 1024)).toEqual([]);
    expect(at(18, 300 * 1024)).toEqual([
      { target: "state size", scenario: "fresh-up", regions: 18, value: "300.0 KiB", met: true },
    ]);
    expect(at(18, 300 * 1024 + 1)[0]).toMatchObject({ value: "300.0 KiB", met: false });
  });

  it("reports only the failure of an operation that failed", () => {
    expect(
      checkTargets([set([result({ scenario: "rollout", ok: false, error: "boom" })])], STARTUP_MS),
    ).toEqual([
      { target: "succeeds", scenario: "rollout", regions: 3, value: "failed", met: false },
    ]);
  });
});

describe("refresh", () => {
  it("has no bound, so only calls, 429s and mutating calls are checked", () => {
    const refresh = result({
      scenario: "refresh",
      boundMs: undefined,
      calls: counts({ "GET /v1/apps/{app_name}": 8 }),
      minimum: counts({ "GET /v1/apps/{app_name}": 8 }),
      mutatingCalls: 0,
    });
    expect(wallOverBound(refresh)).toBeUndefined();
    expect(
      checkTargets([set([refresh])], STARTUP_MS).map((check) => [
        check.target,
        check.value,
        check.met,
      ]),
    ).toEqual([
      ["succeeds", "ok", true],
      ["calls/minimum", "1.00", true],
      ["no 429", "0", true],
      ["no mutating call", "0", true],
    ]);
  });
});

describe("withStartup", () => {
  it("adds the start-up to every critical path but a refresh's", () => {
    const measured = set([
      result({ scenario: "fresh-up", pathMs: 9_360, boundMs: undefined }),
      result({ scenario: "refresh", pathMs: 40, boundMs: undefined }),
      result({ scenario: "rollout", pathMs: 9_440, boundMs: undefined }),
    ]);
    expect(withStartup(measured, 1_800).scenarios.map((r) => r.boundMs)).toEqual([
      11_160,
      undefined,
      11_240,
    ]);
  });
});
