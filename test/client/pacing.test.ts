import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPacer,
  DEFAULT_RESERVED_TOKENS,
  FLY_RATE_LIMITS,
  reserveToken,
} from "../../providers/fly-client/pacing";
import type { Clock } from "../../providers/fly-client/call-options";
import { sleep } from "../../providers/fly-client/process-state";
import type { BucketState } from "../../providers/fly-client/process-state";
import { testClient } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

/** A clock standing still at `nowMs` whose sleeps return at once, recording what they asked. */
function frozenClock(nowMs: number): Clock & { pauses: number[] } {
  const pauses: number[] = [];
  return {
    pauses,
    now: () => nowMs,
    sleep: async (ms) => {
      pauses.push(ms);
    },
  };
}

/**
 * A pacer on a private bucket map with a clock standing still, recording requested pauses. It
 * paces at exactly Fly's documented limits (`reservedTokens: 0`) unless told otherwise.
 */
function pacerWithFakeClock(reservedTokens = 0) {
  const clock = frozenClock(1_000_000);
  const pacer = createPacer({ reservedTokens }, clock, new Map());
  return { pauses: clock.pauses, pacer };
}

describe("token bucket arithmetic", () => {
  const limit = { perSecond: 1, burst: 3 };

  it("lets a burst through, then one request per second, reserving in arrival order", () => {
    const bucket: BucketState = { tokens: 3, updatedMs: 0 };
    const waits = [0, 0, 0, 0, 0, 0, 0].map((now) => reserveToken(bucket, limit, now));
    expect(waits).toEqual([0, 0, 0, 1_000, 2_000, 3_000, 4_000]);
    expect(bucket.tokens).toBe(-4);
  });

  it("refills at the sustained rate, never beyond the burst", () => {
    const bucket: BucketState = { tokens: 0, updatedMs: 0 };
    expect(reserveToken(bucket, limit, 500)).toBe(500);
    expect(bucket.tokens).toBe(-0.5);
    const rested: BucketState = { tokens: 0, updatedMs: 0 };
    expect(reserveToken(rested, limit, 60_000)).toBe(0);
    expect(rested.tokens).toBe(2);
  });

  it("keeps reservations made earlier when a later caller arrives mid-wait", () => {
    const bucket: BucketState = { tokens: 3, updatedMs: 0 };
    for (let i = 0; i < 5; i++) reserveToken(bucket, limit, 0);
    // Requests 4 and 5 go at 1 s and 2 s; one arriving at 1.5 s is due at 3 s.
    expect(reserveToken(bucket, limit, 1_500)).toBe(1_500);
  });
});

describe("the pacer", () => {
  it("spreads concurrent calls of one action on one machine at Fly's 1/s with bursts of 3", async () => {
    const { pacer, pauses } = pacerWithFakeClock();
    await Promise.all(Array.from({ length: 7 }, () => pacer.acquire("machine_update", "m1")));
    expect(pauses).toEqual([1_000, 2_000, 3_000, 4_000]);
  });

  it("lets Get Machine run at 5/s with bursts of 10", async () => {
    const { pacer, pauses } = pacerWithFakeClock();
    await Promise.all(Array.from({ length: 12 }, () => pacer.acquire("machine_get", "m1")));
    expect(pauses).toEqual([200, 400]);
  });

  it("paces app deletions at 100 per minute", async () => {
    const { pacer, pauses } = pacerWithFakeClock();
    await Promise.all(Array.from({ length: 4 }, () => pacer.acquire("app_delete", "*")));
    expect(pauses).toEqual([600]);
    expect(FLY_RATE_LIMITS.limits.app_delete).toEqual({ perSecond: 100 / 60, burst: 3 });
  });

  it("never makes one scope or action wait for another", async () => {
    const { pacer, pauses } = pacerWithFakeClock();
    for (let i = 0; i < 3; i++) await pacer.acquire("machine_update", "m1");
    await pacer.acquire("machine_update", "m2");
    await pacer.acquire("machine_start", "m1");
    expect(pauses).toEqual([]);
    await pacer.acquire("machine_update", "m1");
    expect(pauses).toEqual([1_000]);
  });

  it("uses configured limits over Fly's", async () => {
    const clock = frozenClock(0);
    const pauses = clock.pauses;
    const pacer = createPacer(
      {
        defaultLimit: { perSecond: 10, burst: 1 },
        limits: { machine_get: { perSecond: 2, burst: 1 } },
        reservedTokens: 0,
      },
      clock,
      new Map(),
    );
    await Promise.all([pacer.acquire("lease", "m"), pacer.acquire("lease", "m")]);
    await Promise.all([pacer.acquire("machine_get", "m"), pacer.acquire("machine_get", "m")]);
    expect(pauses).toEqual([100, 500]);
  });

  it("keeps one token of each burst in reserve by default, at the documented rate", async () => {
    const { pauses, pacer } = pacerWithFakeClock(DEFAULT_RESERVED_TOKENS);
    await Promise.all([1, 2, 3, 4, 5].map(() => pacer.acquire("machine_update", "m")));
    expect(DEFAULT_RESERVED_TOKENS).toBe(1);
    expect(pauses).toEqual([1_000, 2_000, 3_000]);
    const gets = pacerWithFakeClock(DEFAULT_RESERVED_TOKENS);
    await Promise.all(Array.from({ length: 11 }, () => gets.pacer.acquire("machine_get", "m")));
    expect(gets.pauses).toEqual([200, 400]);
  });

  it("keeps a limit whose burst is one exactly", async () => {
    const clock = frozenClock(0);
    const pacer = createPacer({ defaultLimit: { perSecond: 2, burst: 1 } }, clock, new Map());
    await Promise.all([1, 2, 3].map(() => pacer.acquire("lease", "m")));
    expect(clock.pauses).toEqual([500, 1_000]);
  });

  it("tells onHold about each request it holds back, and only those", async () => {
    const holds: unknown[] = [];
    const pacer = createPacer(
      { reservedTokens: 0, onHold: (hold) => holds.push(hold) },
      frozenClock(0),
      new Map(),
    );
    await Promise.all([1, 2, 3, 4, 5].map(() => pacer.acquire("volume_create", "app")));
    expect(holds).toEqual([
      { action: "volume_create", scope: "app", waitMs: 1_000 },
      { action: "volume_create", scope: "app", waitMs: 2_000 },
    ]);
  });

  it("gives the reserved token back when the caller aborts while waiting", async () => {
    const buckets = new Map<string, BucketState>();
    // Real sleeps at a standing clock: the second caller waits a full second unless aborted.
    const pacer = createPacer(
      { defaultLimit: { perSecond: 1, burst: 1 } },
      { now: () => 0, sleep },
      buckets,
    );
    await pacer.acquire("machine_update", "m1");
    const controller = new AbortController();
    const waiting = pacer.acquire("machine_update", "m1", controller.signal);
    controller.abort(new Error("stop waiting"));
    await expect(waiting).rejects.toThrow("stop waiting");
    expect([...buckets.values()]).toEqual([{ tokens: 0, updatedMs: 0 }]);
  });
});

describe("pacing over HTTP", () => {
  let server: ScriptedServer;
  const dispatcher = new Agent();
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(async () => {
    await server.close();
    await dispatcher.close();
  });

  it("sends N concurrent calls on one machine no faster than the configured rate", async () => {
    server.on("POST /v1/apps/paced/machines/m1/stop", { status: 200 });
    const client = testClient(server.url, dispatcher, {
      pacing: { defaultLimit: { perSecond: 50, burst: 2 } },
    });
    const startedMs = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => client.machines.stop("paced", "m1")));
    const arrivals = server.requestsTo("POST /v1/apps/paced/machines/m1/stop").map((r) => r.atMs);
    expect(arrivals).toHaveLength(6);
    // Tokens 3..6 are due 20, 40, 60 and 80 ms after the burst (1 ms slack for timer rounding).
    const offsets = arrivals.slice(2).map((at) => at - startedMs);
    offsets.forEach((offset, i) => expect(offset).toBeGreaterThanOrEqual(20 * (i + 1) - 1));
  });

  it("shares the buckets between clients in one process", async () => {
    server.on("POST /v1/apps/shared/machines/m9/start", { status: 200 });
    const pacing = { defaultLimit: { perSecond: 50, burst: 1 } };
    const first = testClient(server.url, dispatcher, { pacing });
    const second = testClient(server.url, dispatcher, { pacing });
    const startedMs = Date.now();
    await Promise.all([
      first.machines.start("shared", "m9"),
      second.machines.start("shared", "m9"),
      first.machines.start("shared", "m9"),
    ]);
    const arrivals = server.requestsTo("POST /v1/apps/shared/machines/m9/start").map((r) => r.atMs);
    expect(arrivals).toHaveLength(3);
    expect(arrivals[2] - startedMs).toBeGreaterThanOrEqual(39);
  });
});
