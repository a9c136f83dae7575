import { describe, expect, it } from "vitest";
import { counts, excessCalls, healthPolls, minimumCalls } from "../../scripts/bench/api-minimum";
import type { MinimumInput } from "../../scripts/bench/api-minimum";

function input(regions: number, overrides: Partial<MinimumInput> = {}): MinimumInput {
  return {
    timings: { latencyMs: 40, bootMs: 1500, checksMs: 3000, transitionMs: 100 },
    regions,
    ipAddresses: 0,
    pollIntervalMs: 1000,
    ...overrides,
  };
}

describe("healthPolls", () => {
  it("reads at the start and then every interval until the checks pass", () => {
    expect(healthPolls(3000, 1000)).toBe(4);
    expect(healthPolls(3000, 700)).toBe(6);
    expect(healthPolls(0, 1000)).toBe(1);
  });

  it("counts each read's own round trip into the period between reads", () => {
    expect(healthPolls(3000, 250)).toBe(13);
    expect(healthPolls(3000, 250, 40)).toBe(12);
    expect(healthPolls(3000, 1000, 40)).toBe(4);
  });

  it("refuses a poll interval that is not positive", () => {
    expect(() => healthPolls(3000, 0)).toThrow("pollIntervalMs must be positive");
  });
});

describe("minimumCalls", () => {
  it("counts a fresh up of one region: writes, one wait and the health polls", () => {
    expect(minimumCalls("fresh-up", input(1))).toEqual({
      total: 9,
      byRoute: {
        "POST /v1/apps": 1,
        "POST /v1/apps/{app_name}/secrets": 1,
        "POST /v1/apps/{app_name}/volumes": 1,
        "POST /v1/apps/{app_name}/machines": 1,
        "GET /v1/apps/{app_name}/machines/{machine_id}/wait": 1,
        "GET /v1/apps/{app_name}/machines/{machine_id}": 4,
      },
    });
  });

  it("scales a fresh up per region and counts IP allocations", () => {
    const minimum = minimumCalls("fresh-up", input(18, { ipAddresses: 2 }));
    expect(minimum.total).toBe(130);
    expect(minimum.byRoute["POST /v1/apps/{app_name}/ip_assignments"]).toBe(2);
  });

  it("counts one more wait per machine for every 60 s a start lasts", () => {
    const slow = input(2, {
      timings: { latencyMs: 40, bootMs: 70_000, checksMs: 0, transitionMs: 0 },
    });
    expect(minimumCalls("fresh-up", slow).byRoute).toEqual({
      "POST /v1/apps": 1,
      "POST /v1/apps/{app_name}/secrets": 1,
      "POST /v1/apps/{app_name}/volumes": 2,
      "POST /v1/apps/{app_name}/machines": 2,
      "GET /v1/apps/{app_name}/machines/{machine_id}/wait": 4,
      "GET /v1/apps/{app_name}/machines/{machine_id}": 2,
    });
  });

  it("counts a rollout as the reads that see drift, then lease, update, wait, polls and release per machine", () => {
    expect(minimumCalls("rollout", input(3))).toEqual({
      total: 27,
      byRoute: {
        "GET /v1/apps/{app_name}/machines": 1,
        "GET /v1/apps/{app_name}/volumes": 1,
        "GET /v1/apps/{app_name}/secrets": 1,
        "POST /v1/apps/{app_name}/machines/{machine_id}/lease": 3,
        "POST /v1/apps/{app_name}/machines/{machine_id}": 3,
        "GET /v1/apps/{app_name}/machines/{machine_id}/wait": 3,
        "GET /v1/apps/{app_name}/machines/{machine_id}": 12,
        "DELETE /v1/apps/{app_name}/machines/{machine_id}/lease": 3,
      },
    });
  });

  it("counts a refresh as one read per resource, IPs in one list", () => {
    expect(minimumCalls("refresh", input(2, { ipAddresses: 2 }))).toEqual({
      total: 7,
      byRoute: {
        "GET /v1/apps/{app_name}": 1,
        "GET /v1/apps/{app_name}/secrets": 1,
        "GET /v1/apps/{app_name}/ip_assignments": 1,
        "GET /v1/apps/{app_name}/volumes/{volume_id}": 2,
        "GET /v1/apps/{app_name}/machines/{machine_id}": 2,
      },
    });
  });

  it("counts a no-op up as one list of each kind, whatever the number of regions", () => {
    const lists = {
      "GET /v1/apps/{app_name}/machines": 1,
      "GET /v1/apps/{app_name}/volumes": 1,
      "GET /v1/apps/{app_name}/secrets": 1,
    };
    expect(minimumCalls("noop-up", input(1))).toEqual({ total: 3, byRoute: lists });
    expect(minimumCalls("noop-up", input(18))).toEqual({ total: 3, byRoute: lists });
    expect(minimumCalls("noop-up", input(18, { ipAddresses: 2 }))).toEqual({
      total: 4,
      byRoute: { ...lists, "GET /v1/apps/{app_name}/ip_assignments": 1 },
    });
  });
});

describe("excessCalls", () => {
  it("lists the routes called more than needed, largest excess first", () => {
    const actual = counts({
      "GET /v1/apps/{app_name}": 1,
      "GET /v1/apps/{app_name}/volumes": 3,
      "GET /v1/apps/{app_name}/machines/{machine_id}": 14,
      "POST /v1/apps": 1,
    });
    const minimum = counts({
      "POST /v1/apps": 1,
      "GET /v1/apps/{app_name}/machines/{machine_id}": 12,
    });
    expect(excessCalls(actual, minimum)).toEqual({
      "GET /v1/apps/{app_name}/volumes": 3,
      "GET /v1/apps/{app_name}/machines/{machine_id}": 2,
      "GET /v1/apps/{app_name}": 1,
    });
  });
});
