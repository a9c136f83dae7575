import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFlyApiError, isTimeout } from "../../providers/fly-client/fly-client";
import { jumpingClock } from "../support/test-clocks";
import { machineBody, testClient } from "./fixtures";
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

const V2 = "01J0000000000000000000000V2";
const notYet = { status: 408, json: { error: "deadline_exceeded: timeout waiting for machine" } };

describe("waitForState", () => {
  it("keeps waiting through 408 answers until the state is reached", async () => {
    // Each 408 comes after the server held the request for its full 60 s, on the client's clock.
    const clock = jumpingClock();
    const heldFor60s = async () => {
      await clock.sleep(60_000);
      return notYet;
    };
    server.on("GET /v1/apps/w1/machines/m1/wait", heldFor60s, heldFor60s, {
      json: { ok: true, state: "started", version: V2 },
    });
    const progress: string[] = [];
    const client = testClient(server.url, dispatcher, { clock });
    const result = await client.machines.waitForState("w1", "m1", {
      state: "started",
      version: V2,
      timeoutMs: 150_000,
      onProgress: (line) => progress.push(line),
    });
    expect(result).toEqual({ ok: true, state: "started", version: V2 });
    const calls = server.requestsTo("GET /v1/apps/w1/machines/m1/wait");
    // Server-side holds of at most 60 s, the last one no longer than the 30 s left of 150 s.
    expect(calls.map((r) => Object.fromEntries(r.query))).toEqual([
      { state: "started", version: V2, timeout: "60" },
      { state: "started", version: V2, timeout: "60" },
      { state: "started", version: V2, timeout: "30" },
    ]);
    // One line per 408, with the seconds waited so far.
    const waiting = `machine m1: waiting for started (version ${V2})`;
    expect(progress).toEqual([`${waiting} (60s)`, `${waiting} (120s)`]);
  });

  it("asks the server to hold the request no longer than the time left", async () => {
    server.on("GET /v1/apps/w2/machines/m1/wait", { json: { ok: true } });
    const clock = jumpingClock();
    await testClient(server.url, dispatcher, { clock }).machines.waitForState("w2", "m1", {
      state: "stopped",
      timeoutMs: 2_500,
    });
    const [call] = server.requestsTo("GET /v1/apps/w2/machines/m1/wait");
    expect(Object.fromEntries(call.query)).toEqual({ state: "stopped", timeout: "3" });
  });

  it("fails with a timeout naming the state the machine is in", async () => {
    // The server holds each wait for 30 ms of the client's clock, then answers 408.
    const clock = jumpingClock();
    server.on("GET /v1/apps/w3/machines/m1/wait", async () => {
      await clock.sleep(30);
      return notYet;
    });
    server.on("GET /v1/apps/w3/machines/m1", {
      json: machineBody({ id: "m1", state: "starting" }),
    });
    const error = await testClient(server.url, dispatcher, { clock })
      .machines.waitForState("w3", "m1", { state: "started", timeoutMs: 70 })
      .catch((e: unknown) => e);
    // Waits begin at 0, 30 and 60 ms; at 90 ms no time is left.
    expect(server.requestsTo("GET /v1/apps/w3/machines/m1/wait")).toHaveLength(3);
    expect(isFlyApiError(error) && [error.kind, error.message, isTimeout(error)]).toEqual([
      "client.wait_timeout",
      "machine m1 in app w3 did not reach started within 70 ms; it is starting",
      true,
    ]);
  });

  it("counts a machine that is already gone as destroyed", async () => {
    server.on("GET /v1/apps/w5/machines/m1/wait", {
      status: 404,
      json: { error: "machine not found" },
    });
    const client = testClient(server.url, dispatcher);
    await expect(
      client.machines.waitForState("w5", "m1", { state: "destroyed", timeoutMs: 5_000 }),
    ).resolves.toEqual({ ok: true, state: "destroyed" });
    await expect(
      client.machines.waitForState("w5", "m1", { state: "started", timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("passes other failures straight through", async () => {
    server.on("GET /v1/apps/w4/machines/m1/wait", {
      status: 400,
      json: { error: "machine failed to reach desired state, currently replaced" },
    });
    await expect(
      testClient(server.url, dispatcher).machines.waitForState("w4", "m1", {
        state: "started",
        timeoutMs: 5_000,
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: "machine failed to reach desired state, currently replaced",
    });
  });

  it("reads 5xx and resets on /wait as no answer yet and keeps waiting", async () => {
    // Four attempts per call: the first call meets only 5xx and a reset.
    server.on(
      "GET /v1/apps/w7/machines/m1/wait",
      { status: 503, json: { error: "service unavailable" } },
      { reset: true },
      { status: 502, json: { error: "bad gateway" } },
      { status: 500, json: { error: "internal error" } },
      { json: { ok: true, state: "started", version: V2 } },
    );
    const progress: string[] = [];
    const result = await testClient(server.url, dispatcher).machines.waitForState("w7", "m1", {
      state: "started",
      version: V2,
      timeoutMs: 150_000,
      onProgress: (line) => progress.push(line),
    });
    expect(result).toEqual({ ok: true, state: "started", version: V2 });
    expect(server.requestsTo("GET /v1/apps/w7/machines/m1/wait")).toHaveLength(5);
    expect(progress).toEqual([
      `machine m1: the Fly API did not answer (500 internal error from GET /v1/apps/w7/machines/m1/wait); still waiting for started (version ${V2})`,
    ]);
  });

  it("says the API did not answer when /wait stays silent until the deadline", async () => {
    server.on("GET /v1/apps/w8/machines/m1/wait", {
      status: 503,
      json: { error: "service unavailable" },
    });
    const error = await testClient(server.url, dispatcher)
      .machines.waitForState("w8", "m1", { state: "started", timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.kind, error.message]).toEqual([
      "client.api_unanswered",
      "machine m1 in app w8: the Fly API did not answer while waiting for started until the " +
        "100 ms wait ran out (last: 503 service unavailable from GET /v1/apps/w8/machines/m1/wait); " +
        "the machine's own state and checks are unknown, not failing",
    ]);
  });

  it("stops waiting as soon as the caller aborts", async () => {
    const controller = new AbortController();
    // The caller gives up while the server holds the long poll.
    server.on("GET /v1/apps/w6/machines/m1/wait", () => {
      controller.abort(new Error("deploy cancelled"));
      return { hang: true };
    });
    const waiting = testClient(server.url, dispatcher).machines.waitForState("w6", "m1", {
      state: "started",
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await expect(waiting).rejects.toThrow("deploy cancelled");
    expect(server.requestsTo("GET /v1/apps/w6/machines/m1/wait")).toHaveLength(1);
  });
});
