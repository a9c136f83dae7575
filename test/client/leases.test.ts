import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFlyApiError } from "../../providers/fly-client/fly-client";
import { CLOCK_START_MS, jumpingClock, steppedClock, until } from "../support/test-clocks";
import { machineBody, testClient } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { RecordedRequest, ScriptedServer } from "./scripted-server";

let server: ScriptedServer;
const dispatcher = new Agent();
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  await dispatcher.close();
});

const leaseData = {
  nonce: "5c35f65c9f95",
  expires_at: 1_795_000_000,
  owner: "deployer@example.com",
  description: "openclaw-fly update",
  version: "01HQ73A7ZZZZZZZZZZZZZZZZZZ",
};
const wrapped = { status: "success", data: leaseData };
const leasePath = (app: string) => `/v1/apps/${app}/machines/m1/lease`;
const nonceOf = (r: RecordedRequest) => r.headers["fly-machine-lease-nonce"];

describe("lease acquisition", () => {
  it("sends the TTL and description and reads Fly's wrapped answer", async () => {
    server.on(`POST ${leasePath("l1")}`, { status: 201, json: wrapped });
    const lease = await testClient(server.url, dispatcher).machines.lease.acquire("l1", "m1", {
      ttlSeconds: 30,
      description: "openclaw-fly update",
    });
    expect(lease).toEqual(leaseData);
    const [request] = server.requestsTo(`POST ${leasePath("l1")}`);
    expect(request.body).toEqual({ ttl: 30, description: "openclaw-fly update" });
    expect(nonceOf(request)).toBeUndefined();
  });

  it("accepts the bare lease the published spec shows", async () => {
    server.on(`POST ${leasePath("l2")}`, { status: 201, json: leaseData });
    const lease = await testClient(server.url, dispatcher).machines.lease.acquire("l2", "m1", {
      ttlSeconds: 30,
    });
    expect(lease.nonce).toBe("5c35f65c9f95");
  });

  it("keeps trying while someone else holds the lease", async () => {
    const held = { status: 409, json: { error: "lease currently held" } };
    server.on(`POST ${leasePath("l3")}`, held, held, { status: 201, json: wrapped });
    const clock = jumpingClock();
    const lease = await testClient(server.url, dispatcher, { clock }).machines.lease.acquire(
      "l3",
      "m1",
      { ttlSeconds: 30, acquireTimeoutMs: 5_000 },
    );
    expect(lease.nonce).toBe("5c35f65c9f95");
    expect(server.requestsTo(`POST ${leasePath("l3")}`)).toHaveLength(3);
    // The client's backoff: half of 2 ms, then half of 4 ms.
    expect(clock.pauses).toEqual([1, 2]);
  });

  it("gives up after acquireTimeoutMs and names the holder", async () => {
    server.on(`POST ${leasePath("l4")}`, { status: 409, json: { error: "lease currently held" } });
    server.on(`GET ${leasePath("l4")}`, {
      json: { status: "success", data: { ...leaseData, owner: "alice@example.com" } },
    });
    const clock = jumpingClock();
    const error = await testClient(server.url, dispatcher, { clock })
      .machines.lease.acquire("l4", "m1", { ttlSeconds: 30, acquireTimeoutMs: 40 })
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.status, error.kind, error.path]).toEqual([
      409,
      "client.lease_held",
      leasePath("l4"),
    ]);
    // Backoff 1, 2, 4, then 5 ms (the cap) each: after 37 ms, one more pause would pass 40 ms.
    expect(clock.pauses).toEqual([1, 2, 4, 5, 5, 5, 5, 5, 5]);
    expect((error as Error).message).toBe(
      'machine m1 in app l4 is leased by alice@example.com until 2026-11-18T11:06:40.000Z ("openclaw-fly update"); gave up after 37 ms',
    );
    expect(server.requestsTo(`POST ${leasePath("l4")}`)).toHaveLength(10);
  });
});

describe("withLease", () => {
  it("sends the nonce on every mutation and releases the lease afterwards", async () => {
    const app = "l5";
    server.on(`POST ${leasePath(app)}`, { status: 201, json: wrapped });
    server.on(`DELETE ${leasePath(app)}`, { json: { status: "success", data: { ok: true } } });
    server.on(`POST /v1/apps/${app}/machines/m1`, { json: machineBody({ id: "m1" }) });
    server.on(`POST /v1/apps/${app}/machines/m1/stop`, { status: 200 });
    server.on(`POST /v1/apps/${app}/machines/m1/start`, { status: 200 });
    server.on(`POST /v1/apps/${app}/machines/m1/metadata/release`, { status: 204 });
    const client = testClient(server.url, dispatcher);
    const since = server.requests.length;

    const result = await client.machines.withLease(
      app,
      "m1",
      async (nonce) => {
        await client.machines.update(
          app,
          "m1",
          { config: { image: "img:2" } },
          { leaseNonce: nonce },
        );
        await client.machines.stop(app, "m1", { leaseNonce: nonce, stopSignal: "SIGTERM" });
        await client.machines.start(app, "m1", { leaseNonce: nonce });
        await client.machines.metadata.set(app, "m1", "release", "v2", { leaseNonce: nonce });
        return "updated";
      },
      { ttlSeconds: 60, description: "openclaw-fly update" },
    );

    expect(result).toBe("updated");
    const seen = server.requests.slice(since).map((r) => [r.method, r.path, nonceOf(r)]);
    expect(seen).toEqual([
      ["POST", leasePath(app), undefined],
      ["POST", `/v1/apps/${app}/machines/m1`, "5c35f65c9f95"],
      ["POST", `/v1/apps/${app}/machines/m1/stop`, "5c35f65c9f95"],
      ["POST", `/v1/apps/${app}/machines/m1/start`, "5c35f65c9f95"],
      ["POST", `/v1/apps/${app}/machines/m1/metadata/release`, "5c35f65c9f95"],
      ["DELETE", leasePath(app), "5c35f65c9f95"],
    ]);
  });

  it("releases the lease when the work fails, and rethrows the work's error", async () => {
    server.on(`POST ${leasePath("l6")}`, { status: 201, json: wrapped });
    server.on(`DELETE ${leasePath("l6")}`, { json: { status: "success", data: { ok: true } } });
    const client = testClient(server.url, dispatcher);
    await expect(
      client.machines.withLease(
        "l6",
        "m1",
        async () => {
          throw new Error("health checks failed");
        },
        { ttlSeconds: 60 },
      ),
    ).rejects.toThrow("health checks failed");
    const releases = server.requestsTo(`DELETE ${leasePath("l6")}`);
    expect(releases.map(nonceOf)).toEqual(["5c35f65c9f95"]);
  });

  it("refreshes the lease in the background during long work, and stops once released", async () => {
    server.on(`POST ${leasePath("l7")}`, { status: 201, json: wrapped });
    server.on(`DELETE ${leasePath("l7")}`, { json: { status: "success", data: { ok: true } } });
    const clock = steppedClock();
    const client = testClient(server.url, dispatcher, { clock });
    const posts = () => server.requestsTo(`POST ${leasePath("l7")}`);
    const heldAt: number[] = [];
    await client.machines.withLease(
      "l7",
      "m1",
      async () => {
        // Long work: three refresh periods pass on the clock, one at a time.
        for (let refreshes = 1; refreshes <= 3; refreshes++) {
          await until(() => clock.sleeping === 1, "the refresher to wait for its next turn");
          expect(posts()).toHaveLength(refreshes);
          clock.advance(24);
          expect(clock.sleeping).toBe(1);
          clock.advance(1);
          await until(() => posts().length === refreshes + 1, `refresh number ${refreshes}`);
          heldAt.push(clock.now());
        }
        await until(() => clock.sleeping === 1, "the refresher to wait again");
      },
      { ttlSeconds: 1, refreshIntervalMs: 25 },
    );
    // Released: the refresher's pending wait was cancelled, and moving time sends nothing more.
    expect(clock.sleeping).toBe(0);
    expect(clock.manual.pendingTimers).toBe(0);
    clock.advance(1_000);
    const refreshes = posts().slice(1);
    expect(heldAt.map((at) => at - CLOCK_START_MS)).toEqual([25, 50, 75]);
    expect(refreshes.map((r) => [nonceOf(r), r.body])).toEqual([
      ["5c35f65c9f95", { ttl: 1 }],
      ["5c35f65c9f95", { ttl: 1 }],
      ["5c35f65c9f95", { ttl: 1 }],
    ]);
    expect(server.requestsTo(`DELETE ${leasePath("l7")}`).map(nonceOf)).toEqual(["5c35f65c9f95"]);
    expect(server.requests.at(-1)?.method).toBe("DELETE");
  });

  it("reports a failed release through onProgress instead of failing the work", async () => {
    server.on(`POST ${leasePath("l8")}`, { status: 201, json: wrapped });
    server.on(`DELETE ${leasePath("l8")}`, { status: 400, json: { error: "lease not found" } });
    const progress: string[] = [];
    const result = await testClient(server.url, dispatcher).machines.withLease(
      "l8",
      "m1",
      async () => 42,
      { ttlSeconds: 60, onProgress: (line) => progress.push(line) },
    );
    expect(result).toBe(42);
    expect(progress).toEqual([
      "releasing the lease on machine m1 failed (it will expire): FlyApiError: DELETE /v1/apps/l8/machines/m1/lease -> 400: lease not found (fly-request-id req-" +
        String(server.requests.length) +
        ")",
    ]);
  });
});
