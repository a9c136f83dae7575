import { describe, expect, it } from "vitest";
import { scheduleSteps } from "../../scripts/bench/path-scheduler";
import type { PathStep, RateLimits } from "../../scripts/bench/path-scheduler";

const ONE_PER_SECOND: RateLimits = {
  default: { ratePerSecond: 1, burst: 3 },
  actions: { machine_get: { ratePerSecond: 5, burst: 10 }, solo: { ratePerSecond: 1, burst: 1 } },
};

/** `count` calls of one action in one app, with no dependencies. */
function burst(count: number, action = "volume_create", scope = "app"): PathStep[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `call ${i + 1}`,
    limit: { action, scope },
    durationMs: 40,
  }));
}

describe("scheduleSteps", () => {
  it("runs each step when its dependencies end, or start for afterStartOf", () => {
    const schedule = scheduleSteps(
      [
        { id: "create", durationMs: 100 },
        { id: "boot", afterStartOf: ["create"], durationMs: 30 },
        { id: "read", after: ["create", "boot"], durationMs: 50 },
      ],
      undefined,
    );
    expect(schedule.steps).toEqual({
      create: { startMs: 0, endMs: 100, rateLimitWaitMs: 0, cause: undefined },
      boot: { startMs: 0, endMs: 30, rateLimitWaitMs: 0, cause: "create" },
      read: { startMs: 100, endMs: 150, rateLimitWaitMs: 0, cause: "create" },
    });
    expect(schedule.totalMs).toBe(150);
    expect(schedule.chain).toEqual(["create", "read"]);
  });

  it("lets a burst of 3 through, then spaces calls 1 s apart", () => {
    const schedule = scheduleSteps(burst(5), ONE_PER_SECOND);
    expect(Object.values(schedule.steps).map((step) => step.startMs)).toEqual([
      0, 0, 0, 1000, 2000,
    ]);
    expect(schedule.totalMs).toBe(2040);
    expect(schedule.chain).toEqual(["call 5 (+2000 ms rate limit)"]);
  });

  it("keeps one bucket per action and per scope", () => {
    const steps = [...burst(4, "volume_create", "a"), ...burst(4, "volume_create", "b")].map(
      (step, i) => ({ ...step, id: `step ${i}` }),
    );
    const starts = Object.values(scheduleSteps(steps, ONE_PER_SECOND).steps).map((s) => s.startMs);
    expect(starts).toEqual([0, 0, 0, 0, 0, 0, 1000, 1000]);
  });

  it("uses an action's own limit (machine_get: 5/s after a burst of 10)", () => {
    const schedule = scheduleSteps(burst(12, "machine_get", "m1"), ONE_PER_SECOND);
    expect(schedule.totalMs).toBe(440);
  });

  it("makes a call that waited on its dependencies wait only for the rest of its token", () => {
    const volumeCreate = { action: "volume_create", scope: "app" };
    const schedule = scheduleSteps(
      [
        ...burst(3),
        { id: "slow", durationMs: 10 },
        { id: "fourth", after: ["call 1"], limit: volumeCreate, durationMs: 40 },
        { id: "fifth", after: ["slow"], limit: volumeCreate, durationMs: 40 },
      ],
      ONE_PER_SECOND,
    );
    expect(schedule.steps.fourth).toEqual({
      startMs: 1000,
      endMs: 1040,
      rateLimitWaitMs: 960,
      cause: "call 1",
    });
    expect(schedule.steps.fifth).toEqual({
      startMs: 2000,
      endMs: 2040,
      rateLimitWaitMs: 1990,
      cause: "slow",
    });
  });

  it("gives a contested token to the step listed first", () => {
    const steps: PathStep[] = ["second-listed", "first-listed"].map((id) => ({
      id,
      limit: { action: "solo", scope: "app" },
      durationMs: 40,
    }));
    const schedule = scheduleSteps(steps, ONE_PER_SECOND);
    expect(schedule.steps["second-listed"].startMs).toBe(0);
    expect(schedule.steps["first-listed"].startMs).toBe(1000);
  });

  it("ignores limits when the API has none", () => {
    expect(scheduleSteps(burst(18), undefined).totalMs).toBe(40);
  });

  it("schedules nothing in no time", () => {
    expect(scheduleSteps([], ONE_PER_SECOND)).toEqual({ totalMs: 0, steps: {}, chain: [] });
  });

  it("names an unknown dependency", () => {
    expect(() =>
      scheduleSteps([{ id: "read", after: ["create"], durationMs: 1 }], undefined),
    ).toThrow('step "read": depends on unknown step "create"');
  });

  it("names the steps of a cycle", () => {
    expect(() =>
      scheduleSteps(
        [
          { id: "a", after: ["b"], durationMs: 1 },
          { id: "b", afterStartOf: ["a"], durationMs: 1 },
        ],
        undefined,
      ),
    ).toThrow('steps "a", "b" form a cycle');
  });
});
