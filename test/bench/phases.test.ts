import { describe, expect, it } from "vitest";
import type { StepRecord } from "../../engine/engine-types";
import { operationPhases, registrationSpanMs } from "../../scripts/bench/phases";

function step(type: string, startedAt: number, finishedAt: number): StepRecord {
  return {
    op: "create",
    urn: `urn:pulumi:prod::openclaw-fly::${type}::x`,
    type,
    name: "x",
    changedKeys: [],
    replaceKeys: [],
    deleteBeforeReplace: false,
    startedAt,
    finishedAt,
  };
}

describe("operationPhases", () => {
  it("splits an up at the stack, the first resource and the last step", () => {
    const steps = [
      step("pulumi:pulumi:Stack", 3_000, 3_010),
      step("openclaw:fly:Gateway", 7_000, 7_000),
      step("pulumi-nodejs:dynamic/fly:FlyMachine", 7_100, 12_000),
      step("pulumi-nodejs:dynamic/fly:FlyApp", 7_050, 7_900),
    ];
    expect(operationPhases(steps, 1_000, 12_500)).toEqual({
      startupMs: 2_000,
      programLoadMs: 4_000,
      resourcesMs: 5_000,
      shutdownMs: 500,
    });
  });

  it("counts a refresh's reads as resource steps when no stack registers", () => {
    const steps = [
      step("pulumi-nodejs:dynamic/fly:FlyApp", 2_000, 2_300),
      step("pulumi-nodejs:dynamic/fly:FlyVolume", 2_000, 2_400),
    ];
    expect(operationPhases(steps, 500, 2_600)).toEqual({
      startupMs: 1_500,
      programLoadMs: 0,
      resourcesMs: 400,
      shutdownMs: 200,
    });
  });

  it("puts an operation without steps wholly in start-up", () => {
    expect(operationPhases([], 100, 900)).toEqual({
      startupMs: 800,
      programLoadMs: 0,
      resourcesMs: 0,
      shutdownMs: 0,
    });
  });
});

describe("registrationSpanMs", () => {
  it("runs from the stack's registration to the last resource's", () => {
    const steps = [
      step("pulumi:pulumi:Stack", 3_000, 3_010),
      step("openclaw:fly:Gateway", 4_000, 4_000),
      step("pulumi-nodejs:dynamic/fly:FlyMachine", 6_500, 6_600),
      step("pulumi-nodejs:dynamic/fly:FlyApp", 4_100, 4_200),
    ];
    expect(registrationSpanMs(steps)).toBe(3_500);
  });

  it("is zero without a stack or without resources", () => {
    expect(registrationSpanMs([step("pulumi-nodejs:dynamic/fly:FlyApp", 1, 2)])).toBe(0);
    expect(registrationSpanMs([step("pulumi:pulumi:Stack", 1, 2)])).toBe(0);
  });
});
