import { describe, expect, it } from "vitest";
import { FLY_RATE_LIMITS } from "../../emulator/rate-limit";
import { FLY_REGIONS } from "../../rules/fly-regions";
import { criticalPath, predecessorOf } from "../../scripts/bench/critical-path";
import type { BoundInput } from "../../scripts/bench/critical-path";

/** Fly's 18 regions, the bench's own (iad) first. */
const REGIONS_18 = ["iad", ...FLY_REGIONS.filter((region) => region !== "iad")];

/** The bench's default timings: 40 ms per request, 100 ms to begin booting, 1.5 s boot, 3 s checks. */
function input(regions: readonly string[], overrides: Partial<BoundInput> = {}): BoundInput {
  return {
    timings: { latencyMs: 40, bootMs: 1500, checksMs: 3000, transitionMs: 100 },
    regions,
    rollout: "canary",
    rateLimits: FLY_RATE_LIMITS,
    ipAddresses: 0,
    ...overrides,
  };
}

describe("predecessorOf", () => {
  const regions = ["iad", "ams", "fra"];

  it("waits every later region on the canary", () => {
    expect([0, 1, 2].map((i) => predecessorOf(regions, "canary", i))).toEqual([
      undefined,
      "iad",
      "iad",
    ]);
  });

  it("chains serial regions and leaves parallel ones alone", () => {
    expect([0, 1, 2].map((i) => predecessorOf(regions, "serial", i))).toEqual([
      undefined,
      "iad",
      "ams",
    ]);
    expect([0, 1, 2].map((i) => predecessorOf(regions, "parallel", i))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("criticalPath: fresh up", () => {
  it("is app, volume, machine create, boot and one read for one region", () => {
    const path = criticalPath("fresh-up", input(["iad"]));
    expect(path.totalMs).toBe(4720);
    expect(path.chain).toEqual([
      "app create",
      "volume create iad",
      "machine create iad",
      "machine iad boots, starts and passes checks",
      "machine get iad (healthy)",
    ]);
  });

  it("adds one more machine stage after the canary for three regions", () => {
    const path = criticalPath("fresh-up", input(["iad", "ams", "arn"]));
    expect(path.totalMs).toBe(9360);
    expect(path.chain.slice(-3)).toEqual([
      "machine create ams",
      "machine ams boots, starts and passes checks",
      "machine get ams (healthy)",
    ]);
  });

  it("spaces 18 volume and machine creates 1 s apart after a burst of 3", () => {
    const path = criticalPath("fresh-up", input(REGIONS_18));
    expect(path.steps["volume create yyz"].startMs).toBe(15_040);
    expect(path.steps["machine create iad"].startMs).toBe(80);
    expect(path.steps["machine create ams"].startMs).toBe(4720);
    expect(path.steps["machine create yyz"].startMs).toBe(18_720);
    expect(path.totalMs).toBe(23_360);
    expect(path.chain).toEqual([
      "app create",
      "volume create yyz (+15000 ms rate limit)",
      "machine create yyz (+3640 ms rate limit)",
      "machine yyz boots, starts and passes checks",
      "machine get yyz (healthy)",
    ]);
  });

  it("needs only the canary stage and the boot of the rest without rate limits", () => {
    expect(criticalPath("fresh-up", input(REGIONS_18, { rateLimits: undefined })).totalMs).toBe(
      9360,
    );
  });

  it("chains every region when serial, none when parallel", () => {
    const regions = ["iad", "ams", "arn"];
    expect(criticalPath("fresh-up", input(regions, { rollout: "serial" })).totalMs).toBe(14_000);
    expect(criticalPath("fresh-up", input(regions, { rollout: "parallel" })).totalMs).toBe(4720);
  });

  it("allocates IP addresses beside the volumes, off the critical path", () => {
    const path = criticalPath("fresh-up", input(["iad"], { ipAddresses: 2 }));
    expect(path.steps["ip 2 allocate"]).toEqual({
      startMs: 40,
      endMs: 80,
      rateLimitWaitMs: 0,
      cause: "app create",
    });
    expect(path.totalMs).toBe(4720);
  });
});

describe("criticalPath: rollout", () => {
  it("is two leased, health-gated stages with a canary", () => {
    const path = criticalPath("rollout", input(["iad", "ams", "arn"]));
    expect(path.totalMs).toBe(9440);
    expect(path.chain).toEqual([
      "lease iad",
      "machine update iad",
      "machine iad replaces, starts and passes checks",
      "machine get iad (healthy)",
      "lease release iad",
      "lease ams",
      "machine update ams",
      "machine ams replaces, starts and passes checks",
      "machine get ams (healthy)",
      "lease release ams",
    ]);
  });

  it("is one stage per region when serial and one stage when parallel", () => {
    const regions = ["iad", "ams", "arn"];
    expect(criticalPath("rollout", input(regions, { rollout: "serial" })).totalMs).toBe(14_160);
    expect(criticalPath("rollout", input(regions, { rollout: "parallel" })).totalMs).toBe(4720);
  });

  it("drops the lease calls when updates hold no lease", () => {
    expect(criticalPath("rollout", input(["iad", "ams"], { leases: false })).totalMs).toBe(9280);
  });

  it("is not slowed by rate limits: updates count per machine", () => {
    expect(criticalPath("rollout", input(REGIONS_18)).totalMs).toBe(9440);
  });
});

describe("criticalPath: refresh and no-op up", () => {
  it("reads every resource at once", () => {
    const path = criticalPath("refresh", input(REGIONS_18, { ipAddresses: 2 }));
    expect(path.totalMs).toBe(40);
    expect(Object.keys(path.steps)).toHaveLength(2 + 1 + 36);
  });

  it("needs no call for a no-op up", () => {
    expect(criticalPath("noop-up", input(REGIONS_18))).toEqual({
      totalMs: 0,
      steps: {},
      chain: [],
    });
  });
});
