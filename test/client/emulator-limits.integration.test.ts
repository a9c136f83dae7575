/**
 * The client against the emulator with Fly's rate limits and lease clock in force: pacing must
 * keep a fan-out free of 429s, and an expired lease must behave as Fly's does.
 *
 * The emulator runs on a manual clock and the client waits on the same clock, moved only when
 * everything under way is asleep on it: each request reaches the emulator exactly when the
 * pacer let it go, however busy the machine running the test is.
 */
import { randomUUID } from "node:crypto";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../../emulator/server";
import {
  createFlyClient,
  isLeaseConflict,
  isNotFound,
} from "../../providers/fly-client/fly-client";
import type { FlyClient } from "../../providers/fly-client/fly-client";
import { ManualClock } from "../../emulator/emulator-clock";
import { runOnClock, steppedClock, type SteppedClock } from "../support/test-clocks";
import { createTag, IMAGE } from "./emulator-harness";

let emu: EmulatorHandle;
let dispatcher: Agent;
let clock: SteppedClock;
let client: FlyClient;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    token: "limits-token",
    bootMs: 20,
    checksMs: 20,
    manualClock: true,
  });
  dispatcher = new Agent();
  clock = steppedClock(emu.emulator.clock as ManualClock);
  // Default pacing: Fly's documented limits, the same ones the emulator enforces. The default
  // retry policy, with its jitter fixed at one half.
  client = createFlyClient({
    baseUrl: emu.url,
    token: emu.token,
    dispatcher,
    clock,
    retry: { random: () => 0.5 },
  });
});
afterAll(async () => {
  await emu.close();
  await dispatcher.close();
});

async function control(
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<any> {
  const response = await request(`${emu.url}/__emulator/${path}`, {
    method,
    dispatcher,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return JSON.parse(await response.body.text());
}

/** Runs one client call on the clock: any pause it takes ends when it asked to. */
async function onClock<T>(call: () => Promise<T>): Promise<T> {
  const [result] = await runOnClock(clock, emu.url, [call]);
  return result;
}

async function newApp(): Promise<string> {
  const name = `limits-${randomUUID().slice(0, 8)}`;
  await onClock(() => client.apps.create({ name, org_slug: "personal" }));
  return name;
}

const newMachine = (app: string) =>
  onClock(() =>
    client.machines.create(
      app,
      { region: "iad", config: { image: IMAGE } },
      { createTag: createTag() },
    ),
  );

describe("pacing against Fly's rate limits", () => {
  it("fans out six creates and twelve reads in one app without a single 429", async () => {
    const app = await newApp();
    const startedMs = clock.now();
    const machines = await runOnClock(
      clock,
      emu.url,
      Array.from(
        { length: 6 },
        () => () =>
          client.machines.create(
            app,
            { region: "iad", config: { image: IMAGE } },
            { createTag: createTag() },
          ),
      ),
    );
    const readsMs = clock.now();
    await runOnClock(
      clock,
      emu.url,
      Array.from({ length: 12 }, (_, i) => () => client.machines.get(app, machines[i % 2].id)),
    );

    const log = await control("GET", "requests");
    expect(log.entries.filter((e: { status: number }) => e.status === 429)).toEqual([]);
    expect(log.counts[`POST /v1/apps/{app_name}/machines`]).toBe(6);
    expect(log.counts[`GET /v1/apps/{app_name}/machines/{machine_id}`]).toBe(12);
    // When each request reached the emulator. Creates: a burst of 2 (Fly's 3 less the token the
    // pacer keeps in reserve), then one per second. Reads of one machine (6 each): 5/s after a
    // burst of 9, so the burst covers them all.
    const arrivals = (route: string, sinceMs: number) =>
      log.entries
        .filter((e: { route: string }) => e.route === route)
        .map((e: { time: number }) => e.time - sinceMs);
    expect(arrivals("/v1/apps/{app_name}/machines", startedMs)).toEqual([
      0, 0, 1_000, 2_000, 3_000, 4_000,
    ]);
    expect(arrivals("/v1/apps/{app_name}/machines/{machine_id}", readsMs)).toEqual(
      Array.from({ length: 12 }, () => 0),
    );
  });

  it("spreads reads of one machine past its burst of 10 at 5/s", async () => {
    const app = await newApp();
    const machine = await newMachine(app);
    await control("DELETE", "requests");
    const startedMs = clock.now();
    await runOnClock(
      clock,
      emu.url,
      Array.from({ length: 13 }, () => () => client.machines.get(app, machine.id)),
    );
    const log = await control("GET", "requests");
    expect(log.entries.map((e: { status: number }) => e.status)).toEqual(
      Array.from({ length: 13 }, () => 200),
    );
    // Fly's burst of 10 less the token in reserve, then one read every 200 ms.
    expect(log.entries.map((e: { time: number }) => e.time - startedMs)).toEqual([
      ...Array.from({ length: 9 }, () => 0),
      200,
      400,
      600,
      800,
    ]);
  });
});

describe("an expired lease", () => {
  it("lets a second holder in, and the first holder's nonce no longer works", async () => {
    const app = await newApp();
    const machine = await newMachine(app);
    const { lease } = client.machines;
    const first = await onClock(() =>
      lease.acquire(app, machine.id, { ttlSeconds: 5, description: "first holder" }),
    );
    // The first backoff (half of 250 ms) already passes the 50 ms allowed: one try, no backoff.
    // The one pause is pacing's, before the read that names the holder: the third lease call on
    // this machine at one instant, past Fly's burst of 3 less the token kept in reserve.
    const pauses = clock.pauses.length;
    const blocked = await onClock(() =>
      lease.acquire(app, machine.id, { ttlSeconds: 5, acquireTimeoutMs: 50 }),
    ).catch((e: unknown) => e);
    expect(isLeaseConflict(blocked)).toBe(true);
    expect(clock.pauses.slice(pauses)).toEqual([1_000]);

    // One second short of the TTL the lease still holds; past it, a second holder gets in.
    await control("POST", "clock", { advance_ms: 3_000 });
    const stillBlocked = await onClock(() =>
      lease.acquire(app, machine.id, { ttlSeconds: 5, acquireTimeoutMs: 50 }),
    ).catch((e: unknown) => e);
    expect(isLeaseConflict(stillBlocked)).toBe(true);
    await control("POST", "clock", { advance_ms: 2_000 });

    const second = await onClock(() =>
      lease.acquire(app, machine.id, { ttlSeconds: 30, description: "second holder" }),
    );
    expect(second.nonce).toMatch(/^[0-9a-f]{12}$/);
    expect(second.nonce).not.toBe(first.nonce);
    const stale = await onClock(() =>
      client.machines.stop(app, machine.id, { leaseNonce: first.nonce }),
    ).catch((e: unknown) => e);
    expect(isLeaseConflict(stale)).toBe(true);
    const release = await onClock(() => lease.release(app, machine.id, first.nonce)).catch(
      (e: unknown) => e,
    );
    expect(isNotFound(release)).toBe(true);
    expect((release as Error).message).toBe("lease not found");
    await onClock(() => lease.release(app, machine.id, second.nonce));
  });
});
