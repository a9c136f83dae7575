/**
 * The client against the emulator with Fly's rate limits and lease clock in force: pacing must
 * keep a fan-out free of 429s, and an expired lease must behave as Fly's does.
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
import { createTag, IMAGE } from "./emulator-harness";

let emu: EmulatorHandle;
let dispatcher: Agent;
let client: FlyClient;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, token: "limits-token", bootMs: 20, checksMs: 20 });
  dispatcher = new Agent();
  // Default pacing: Fly's documented limits, the same ones the emulator enforces.
  client = createFlyClient({ baseUrl: emu.url, token: emu.token, dispatcher });
});
afterAll(async () => {
  await emu.close();
  await dispatcher.close();
});

async function control(method: "GET" | "POST", path: string, body?: unknown): Promise<any> {
  const response = await request(`${emu.url}/__emulator/${path}`, {
    method,
    dispatcher,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return JSON.parse(await response.body.text());
}

async function newApp(): Promise<string> {
  const name = `limits-${randomUUID().slice(0, 8)}`;
  await client.apps.create({ name, org_slug: "personal" });
  return name;
}

describe("pacing against Fly's rate limits", () => {
  it("fans out six creates and twelve reads in one app without a single 429", async () => {
    const app = await newApp();
    const machines = await Promise.all(
      Array.from({ length: 6 }, () =>
        client.machines.create(
          app,
          { region: "iad", config: { image: IMAGE } },
          { createTag: createTag() },
        ),
      ),
    );
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.machines.get(app, machines[i % 2].id)),
    );

    const log = await control("GET", "requests");
    expect(log.entries.filter((e: { status: number }) => e.status === 429)).toEqual([]);
    expect(log.counts[`POST /v1/apps/{app_name}/machines`]).toBe(6);
    expect(log.counts[`GET /v1/apps/{app_name}/machines/{machine_id}`]).toBe(12);
    // Six creates at 1/s after a burst of 3: the last one cannot go before ~3 s have passed.
    const creates = log.entries.filter(
      (e: { method: string; route: string }) =>
        e.method === "POST" && e.route === "/v1/apps/{app_name}/machines",
    );
    expect(creates.at(-1).time - creates[0].time).toBeGreaterThanOrEqual(2_900);
  });
});

describe("an expired lease", () => {
  it("lets a second holder in, and the first holder's nonce no longer works", async () => {
    const app = await newApp();
    const machine = await client.machines.create(
      app,
      { region: "iad", config: { image: IMAGE } },
      { createTag: createTag() },
    );
    const first = await client.machines.lease.acquire(app, machine.id, {
      ttlSeconds: 5,
      description: "first holder",
    });
    const blocked = await client.machines.lease
      .acquire(app, machine.id, { ttlSeconds: 5, acquireTimeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(isLeaseConflict(blocked)).toBe(true);

    await control("POST", "clock", { advance_ms: 6_000 });

    const second = await client.machines.lease.acquire(app, machine.id, {
      ttlSeconds: 30,
      description: "second holder",
    });
    expect(second.nonce).toMatch(/^[0-9a-f]{12}$/);
    expect(second.nonce).not.toBe(first.nonce);
    const stale = await client.machines
      .stop(app, machine.id, { leaseNonce: first.nonce })
      .catch((e: unknown) => e);
    expect(isLeaseConflict(stale)).toBe(true);
    const release = await client.machines.lease
      .release(app, machine.id, first.nonce)
      .catch((e: unknown) => e);
    expect(isNotFound(release)).toBe(true);
    expect((release as Error).message).toBe("lease not found");
    await client.machines.lease.release(app, machine.id, second.nonce);
  });
});
