import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlyClient, isFlyApiError } from "../../providers/fly-client/fly-client";
import type { RetryInfo } from "../../providers/fly-client/fly-client";
import type { Clock } from "../../providers/fly-client/call-options";
import { processState } from "../../providers/fly-client/process-state";
import { jumpingClock } from "../support/test-clocks";
import { FAST_RETRY, TEST_TOKEN, machineBody, testClient } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

let server: ScriptedServer;
const dispatcher = new Agent();
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  await dispatcher.close();
});

/** A client that records what `onRetry` hears, on real time unless given a clock. */
function recordingClient(retry: Record<string, unknown> = {}, clock?: Clock) {
  const retries: RetryInfo[] = [];
  const client = testClient(server.url, dispatcher, {
    retry: { ...FAST_RETRY, ...retry },
    onRetry: (info) => retries.push(info),
    clock,
  });
  return { client, retries };
}

describe("what the client sends", () => {
  it("sends the token, JSON headers, the lease nonce and URL-encoded path parts", async () => {
    server.on("POST /v1/apps/my%20app/machines/m1/metadata/role", { status: 204 });
    const client = testClient(server.url, dispatcher, { userAgent: "openclaw-fly/test" });
    await client.machines.metadata.set("my app", "m1", "role", "gateway", { leaseNonce: "abc123" });
    const [request] = server.requestsTo("POST /v1/apps/my%20app/machines/m1/metadata/role");
    expect({
      authorization: request.headers.authorization,
      accept: request.headers.accept,
      contentType: request.headers["content-type"],
      userAgent: request.headers["user-agent"],
      nonce: request.headers["fly-machine-lease-nonce"],
      body: request.body,
    }).toEqual({
      authorization: `FlyV1 ${TEST_TOKEN}`,
      accept: "application/json",
      contentType: "application/json",
      userAgent: "openclaw-fly/test",
      nonce: "abc123",
      body: { value: "gateway" },
    });
  });

  it("builds the machine list query, metadata filters included", async () => {
    server.on("GET /v1/apps/q/machines", { json: [] });
    await testClient(server.url, dispatcher).machines.list("q", {
      region: "iad",
      includeDeleted: true,
      metadata: { openclaw_fly_create_id: "c-1", role: "gw" },
    });
    const [request] = server.requestsTo("GET /v1/apps/q/machines");
    expect(Object.fromEntries(request.query)).toEqual({
      include_deleted: "true",
      region: "iad",
      "metadata.openclaw_fly_create_id": "c-1",
      "metadata.role": "gw",
    });
  });
});

describe("retries", () => {
  it("retries a 429, waiting what Retry-After asks (capped)", async () => {
    server.on(
      "GET /v1/apps/limited",
      { status: 429, headers: { "retry-after": "5" } },
      {
        json: { name: "limited" },
      },
    );
    const { client, retries } = recordingClient({ maxRetryAfterMs: 60 });
    const startedMs = Date.now();
    await expect(client.apps.get("limited")).resolves.toMatchObject({ name: "limited" });
    const [first, second] = server.requestsTo("GET /v1/apps/limited");
    expect(second.atMs - startedMs).toBeGreaterThanOrEqual(59);
    expect(first.atMs).toBeLessThanOrEqual(second.atMs);
    expect(retries).toEqual([
      {
        method: "GET",
        path: "/v1/apps/limited",
        attempt: 1,
        delayMs: 60,
        status: 429,
        kind: "fly.rate_limited",
      },
    ]);
  });

  it("honours a Retry-After HTTP date", async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    server.on(
      "GET /v1/apps/dated",
      { status: 503, headers: { "retry-after": inTenSeconds } },
      {
        json: { name: "dated" },
      },
    );
    const { client, retries } = recordingClient({ maxRetryAfterMs: 40 });
    await client.apps.get("dated");
    expect(retries.map((r) => r.delayMs)).toEqual([40]);
  });

  it("retries 502, 503 and 504 with full-jitter backoff", async () => {
    server.on(
      "GET /v1/apps/flaky",
      { status: 502 },
      { status: 503 },
      { status: 504 },
      { json: { name: "flaky" } },
    );
    const { client, retries } = recordingClient();
    await expect(client.apps.get("flaky")).resolves.toMatchObject({ name: "flaky" });
    expect(retries.map((r) => [r.attempt, r.status, r.delayMs])).toEqual([
      [1, 502, 1],
      [2, 503, 2],
      [3, 504, 4],
    ]);
  });

  it("does not retry a 500 or a 4xx", async () => {
    server.on("GET /v1/apps/broken", { status: 500, json: { error: "boom" } });
    server.on("GET /v1/apps/missing", { status: 404, json: { error: "app not found" } });
    const { client } = recordingClient();
    await expect(client.apps.get("broken")).rejects.toThrow("boom");
    await expect(client.apps.get("missing")).rejects.toThrow("app not found");
    expect(server.requestsTo("GET /v1/apps/broken")).toHaveLength(1);
    expect(server.requestsTo("GET /v1/apps/missing")).toHaveLength(1);
  });

  it("retries idempotent calls after the server drops the connection", async () => {
    server.on("GET /v1/apps/dropped", { reset: true }, { json: { name: "dropped" } });
    server.on("POST /v1/apps/dropped/machines/m1/start", { reset: true }, { status: 200 });
    const { client, retries } = recordingClient();
    await expect(client.apps.get("dropped")).resolves.toMatchObject({ name: "dropped" });
    await client.machines.start("dropped", "m1");
    expect(server.requestsTo("GET /v1/apps/dropped")).toHaveLength(2);
    expect(server.requestsTo("POST /v1/apps/dropped/machines/m1/start")).toHaveLength(2);
    expect(retries.map((r) => r.kind)).toEqual(["net.reset", "net.reset"]);
  });

  it("never repeats a non-idempotent call after a dropped connection", async () => {
    server.on("POST /v1/apps/dropped/volumes/vol_1/snapshots", { reset: true }, { status: 200 });
    const { client } = recordingClient();
    await expect(client.volumes.createSnapshot("dropped", "vol_1")).rejects.toMatchObject({
      status: 0,
      code: "ECONNRESET",
    });
    expect(server.requestsTo("POST /v1/apps/dropped/volumes/vol_1/snapshots")).toHaveLength(1);
  });

  it("gives up after maxAttempts", async () => {
    server.on("GET /v1/apps/down", { status: 503, json: { error: "unavailable" } });
    const { client } = recordingClient({ maxAttempts: 3 });
    await expect(client.apps.get("down")).rejects.toMatchObject({ status: 503 });
    expect(server.requestsTo("GET /v1/apps/down")).toHaveLength(3);
  });

  it("gives up when the next pause would pass the total time budget", async () => {
    server.on("GET /v1/apps/slowdown", { status: 429, headers: { "retry-after": "5" } });
    // The budget is measured on the client's clock: here only the pauses move it, by their length.
    const clock = jumpingClock();
    const { client } = recordingClient(
      { maxAttempts: 10, maxRetryAfterMs: 60, maxTotalMs: 100 },
      clock,
    );
    await expect(client.apps.get("slowdown")).rejects.toMatchObject({ status: 429 });
    // 0 + 60 fits in 100 ms; after that pause, 60 + 60 does not.
    expect(clock.pauses).toEqual([60]);
    expect(server.requestsTo("GET /v1/apps/slowdown")).toHaveLength(2);
  });

  it("counts the time the attempts themselves took against the budget", async () => {
    const clock = jumpingClock();
    server.on("GET /v1/apps/sluggish", async () => {
      // Each answer takes 30 ms on the client's clock.
      await clock.sleep(30);
      return { status: 503, json: { error: "busy" } };
    });
    const { client } = recordingClient({ maxAttempts: 10, maxTotalMs: 100 }, clock);
    await expect(client.apps.get("sluggish")).rejects.toMatchObject({ status: 503 });
    // Attempts end at 30, 61 and 93 ms (pauses of 1 and 2 ms between them); 93 + 4 fits in
    // 100 ms, so a fourth attempt ends at 127 ms, and 127 + 5 does not.
    expect(clock.pauses).toEqual([30, 1, 30, 2, 30, 4, 30]);
    expect(server.requestsTo("GET /v1/apps/sluggish")).toHaveLength(4);
  });
});

describe("response validation", () => {
  it("names the endpoint and the offending field", async () => {
    server.on("GET /v1/apps/v/machines/m1", {
      json: { ...machineBody({ id: "m1" }), checks: [{ name: "http", status: 7 }] },
    });
    const error = await testClient(server.url, dispatcher)
      .machines.get("v", "m1")
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.status, error.kind, error.message]).toEqual([
      200,
      "client.invalid_response",
      'GET /v1/apps/{app}/machines/{machine} returned an unexpected response: field "checks[0].status": Invalid input: expected string, received number',
    ]);
  });

  it("reports a body that is not JSON", async () => {
    server.on("GET /v1/apps/html", { text: "<html></html>" });
    await expect(testClient(server.url, dispatcher).apps.get("html")).rejects.toThrow(
      "GET /v1/apps/{app} returned an unexpected response: the body is not JSON",
    );
  });

  it("keeps fields Fly adds later and accepts null for optional ones", async () => {
    server.on("GET /v1/apps/loose/machines/m1", {
      json: { ...machineBody({ id: "m1" }), cordoned: true, checks: null, nonce: null },
    });
    const machine = await testClient(server.url, dispatcher).machines.get("loose", "m1");
    expect({ cordoned: machine.cordoned, checks: machine.checks, state: machine.state }).toEqual({
      cordoned: true,
      checks: null,
      state: "started",
    });
  });
});

describe("the connection pool", () => {
  it("is created by the first request, not before, and shared by every client", async () => {
    server.on("GET /v1/apps/pooled", { json: { name: "pooled" } });
    // Whatever pool an earlier client in this process made is set aside for the test.
    const earlier = processState().dispatcher;
    processState().dispatcher = undefined;
    const options = { baseUrl: server.url, token: TEST_TOKEN, pacing: false as const };
    const first = createFlyClient(options);
    const second = createFlyClient(options);
    expect(processState().dispatcher).toBeUndefined();
    await first.apps.get("pooled");
    const pool = processState().dispatcher;
    expect(pool).toBeInstanceOf(Agent);
    await second.apps.get("pooled");
    expect(processState().dispatcher).toBe(pool);
    await pool?.close();
    processState().dispatcher = earlier;
  });
});
