import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFlyApiError, isTimeout } from "../../providers/fly-client/fly-client";
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
    server.on("GET /v1/apps/w1/machines/m1/wait", notYet, notYet, {
      json: { ok: true, state: "started", version: V2 },
    });
    const progress: string[] = [];
    const result = await testClient(server.url, dispatcher).machines.waitForState("w1", "m1", {
      state: "started",
      version: V2,
      timeoutMs: 150_000,
      onProgress: (line) => progress.push(line),
    });
    expect(result).toEqual({ ok: true, state: "started", version: V2 });
    const calls = server.requestsTo("GET /v1/apps/w1/machines/m1/wait");
    expect(calls.map((r) => Object.fromEntries(r.query))).toEqual([
      { state: "started", version: V2, timeout: "60" },
      { state: "started", version: V2, timeout: "60" },
      { state: "started", version: V2, timeout: "60" },
    ]);
    // One line per 408, with the seconds waited so far (which depend on the machine's load).
    const waiting = `machine m1: waiting for started (version ${V2})`;
    expect(progress.map((line) => line.replace(/ \(\d+s\)$/, ""))).toEqual([waiting, waiting]);
    expect(progress.every((line) => /\(\d+s\)$/.test(line))).toBe(true);
  });

  it("asks the server to hold the request no longer than the time left", async () => {
    server.on("GET /v1/apps/w2/machines/m1/wait", { json: { ok: true } });
    await testClient(server.url, dispatcher).machines.waitForState("w2", "m1", {
      state: "stopped",
      timeoutMs: 2_500,
    });
    const [call] = server.requestsTo("GET /v1/apps/w2/machines/m1/wait");
    expect(Object.fromEntries(call.query)).toEqual({ state: "stopped", timeout: "3" });
  });

  it("fails with a timeout naming the state the machine is in", async () => {
    server.on("GET /v1/apps/w3/machines/m1/wait", { ...notYet, delayMs: 20 });
    server.on("GET /v1/apps/w3/machines/m1", {
      json: machineBody({ id: "m1", state: "starting" }),
    });
    const error = await testClient(server.url, dispatcher)
      .machines.waitForState("w3", "m1", { state: "started", timeoutMs: 70 })
      .catch((e: unknown) => e);
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

  it("stops waiting as soon as the caller aborts", async () => {
    server.on("GET /v1/apps/w6/machines/m1/wait", { hang: true });
    const controller = new AbortController();
    const waiting = testClient(server.url, dispatcher).machines.waitForState("w6", "m1", {
      state: "started",
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("deploy cancelled")), 20);
    await expect(waiting).rejects.toThrow("deploy cancelled");
  });
});
