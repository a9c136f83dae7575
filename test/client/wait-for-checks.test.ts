import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFlyApiError } from "../../providers/fly-client/fly-client";
import { sleep } from "../../providers/fly-client/process-state";
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

describe("waitForChecks", () => {
  it("returns once every check passes, reporting progress as it changes", async () => {
    server.on(
      "GET /v1/apps/h1/machines/m1",
      { json: machineBody({ id: "m1" }) },
      {
        json: machineBody({
          id: "m1",
          checks: [{ name: "http", status: "critical", output: "503" }],
        }),
      },
      {
        json: machineBody({
          id: "m1",
          checks: [{ name: "http", status: "critical", output: "503" }],
        }),
      },
      {
        json: machineBody({
          id: "m1",
          checks: [{ name: "http", status: "passing", output: "OK" }],
        }),
      },
    );
    const progress: string[] = [];
    const clock = jumpingClock();
    const machine = await testClient(server.url, dispatcher, { clock }).machines.waitForChecks(
      "h1",
      "m1",
      {
        timeoutMs: 5_000,
        pollMs: 5,
        onProgress: (line) => progress.push(line),
      },
    );
    expect(machine.checks).toEqual([{ name: "http", status: "passing", output: "OK" }]);
    expect(server.requestsTo("GET /v1/apps/h1/machines/m1")).toHaveLength(4);
    expect(clock.pauses).toEqual([5, 5, 5]);
    expect(progress).toEqual([
      "machine m1: no check results",
      'machine m1: 0/1 checks passing; check "http" is critical: 503',
    ]);
  });

  it("fails fast when the machine has stopped, naming its state and the failing check", async () => {
    server.on("GET /v1/apps/h2/machines/m1", {
      json: machineBody({
        id: "m1",
        state: "stopped",
        checks: [{ name: "http", status: "critical", output: "connect: connection refused\n" }],
      }),
    });
    const error = await testClient(server.url, dispatcher)
      .machines.waitForChecks("h2", "m1", { timeoutMs: 60_000, pollMs: 5 })
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.kind, error.message]).toEqual([
      "client.machine_failed",
      'machine m1 in app h2 is stopped; 0/1 checks passing; check "http" is critical: connect: connection refused',
    ]);
    expect(server.requestsTo("GET /v1/apps/h2/machines/m1")).toHaveLength(1);
  });

  it("names the checks it last saw when a dead machine no longer reports any", async () => {
    const critical = [{ name: "http", status: "critical", output: "HTTP 503" }];
    server.on(
      "GET /v1/apps/h8/machines/m1",
      { json: machineBody({ id: "m1", checks: critical }) },
      { json: machineBody({ id: "m1", state: "failed", checks: [] }) },
    );
    await expect(
      testClient(server.url, dispatcher, { clock: jumpingClock() }).machines.waitForChecks(
        "h8",
        "m1",
        {
          timeoutMs: 5_000,
          pollMs: 5,
        },
      ),
    ).rejects.toThrow(
      'machine m1 in app h8 is failed; last seen: 0/1 checks passing; check "http" is critical: HTTP 503',
    );
  });

  it("fails fast when the latest event is an exit nobody asked for", async () => {
    server.on("GET /v1/apps/h3/machines/m1", {
      json: machineBody({
        id: "m1",
        events: [
          {
            type: "exit",
            status: "stopped",
            timestamp: 2_000,
            request: { exit_event: { exit_code: 1 } },
          },
          { type: "start", status: "started", timestamp: 1_000 },
        ],
      }),
    });
    await expect(
      testClient(server.url, dispatcher).machines.waitForChecks("h3", "m1", {
        timeoutMs: 60_000,
        pollMs: 5,
      }),
    ).rejects.toThrow(
      "machine m1 in app h3 is started (its process exited with code 1); no check results",
    );
  });

  it("keeps waiting through an exit Fly restarts from, until the next boot passes", async () => {
    const now = Date.now();
    const exited = {
      type: "exit",
      status: "stopped",
      timestamp: now + 10,
      request: { exit_event: { exit_code: 1, requested_stop: false, restarting: true } },
    };
    const start = (at: number) => ({ type: "start", status: "started", timestamp: at });
    const passing = [{ name: "startup", status: "passing", output: "OK" }];
    server.on(
      "GET /v1/apps/h13/machines/m1",
      { json: machineBody({ id: "m1", state: "stopped", events: [exited, start(now)] }) },
      { json: machineBody({ id: "m1", events: [start(now + 20), exited, start(now)] }) },
      {
        json: machineBody({ id: "m1", checks: passing, events: [start(now + 20), exited] }),
      },
    );
    const machine = await testClient(server.url, dispatcher).machines.waitForChecks("h13", "m1", {
      timeoutMs: 60_000,
      pollMs: 5,
    });
    expect(machine.checks).toEqual(passing);
    expect(server.requestsTo("GET /v1/apps/h13/machines/m1")).toHaveLength(3);
  });

  it("fails fast on a crash loop: the third exit since the wait began, though it restarts", async () => {
    const now = Date.now();
    const exit = (at: number, code: number) => ({
      type: "exit",
      status: "stopped",
      timestamp: at,
      request: { exit_event: { exit_code: code, requested_stop: false } },
    });
    const start = (at: number) => ({ type: "start", status: "started", timestamp: at });
    const critical = [{ name: "startup", status: "critical", output: "connection refused" }];
    const looping = (exits: number) => {
      const events = [start(now - 60_000), exit(now - 50_000, 1)];
      for (let i = 0; i < exits; i++) events.push(exit(now + 10 * i, 78), start(now + 10 * i + 5));
      return { json: machineBody({ id: "m1", checks: critical, events: events.reverse() }) };
    };
    server.on("GET /v1/apps/h14/machines/m1", looping(1), looping(2), looping(3));
    const error = await testClient(server.url, dispatcher)
      .machines.waitForChecks("h14", "m1", { timeoutMs: 60_000, pollMs: 5 })
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.kind, error.message]).toEqual([
      "client.machine_failed",
      "machine m1 in app h14 is crash-looping: its process exited 3 times since the wait began " +
        '(the last time, it exited with code 78); 0/1 checks passing; check "startup" is critical: connection refused',
    ]);
    // The exit from before the wait (a minute ago) does not count towards the loop.
    expect(server.requestsTo("GET /v1/apps/h14/machines/m1")).toHaveLength(3);
  });

  it("does not count the exits of the version an update replaced a moment ago", async () => {
    const now = Date.now();
    const crash = (at: number) => ({
      type: "exit",
      status: "stopped",
      timestamp: at,
      request: { exit_event: { exit_code: 78, requested_stop: false } },
    });
    const events = [
      { type: "start", status: "started", timestamp: now + 20 },
      { type: "update", status: "replacing", timestamp: now - 100 },
      crash(now - 300),
      crash(now - 600),
      crash(now - 900),
    ];
    const passing = [{ name: "startup", status: "passing" }];
    server.on("GET /v1/apps/h11/machines/m1", {
      json: machineBody({ id: "m1", checks: passing, events }),
    });
    const machine = await testClient(server.url, dispatcher).machines.waitForChecks("h11", "m1", {
      timeoutMs: 5_000,
      pollMs: 5,
    });
    expect(machine.checks).toEqual(passing);
  });

  it("ignores an exit that was asked for, and an exit followed by a restart", async () => {
    const passing = [{ name: "tcp", status: "passing" }];
    server.on("GET /v1/apps/h4/machines/m1", {
      json: machineBody({
        id: "m1",
        checks: passing,
        events: [
          { type: "start", status: "started", timestamp: 3_000 },
          {
            type: "exit",
            status: "stopped",
            timestamp: 2_000,
            request: { exit_event: { exit_code: 137 } },
          },
        ],
      }),
    });
    server.on("GET /v1/apps/h5/machines/m1", {
      json: machineBody({
        id: "m1",
        checks: passing,
        events: [
          {
            type: "exit",
            status: "stopped",
            timestamp: 5_000,
            request: { exit_event: { requested_stop: true } },
          },
        ],
      }),
    });
    const client = testClient(server.url, dispatcher);
    const restarted = await client.machines.waitForChecks("h4", "m1", { timeoutMs: 1_000 });
    expect([restarted.id, restarted.checks]).toEqual(["m1", passing]);
    const askedToStop = await client.machines.waitForChecks("h5", "m1", { timeoutMs: 1_000 });
    expect([askedToStop.id, askedToStop.checks]).toEqual(["m1", passing]);
  });

  it("counts only checks of the requested version", async () => {
    const passing = [{ name: "http", status: "passing" }];
    server.on(
      "GET /v1/apps/h6/machines/m1",
      { json: machineBody({ id: "m1", version: "01JOLD", checks: passing }) },
      { json: machineBody({ id: "m1", version: V2, checks: passing }) },
    );
    const progress: string[] = [];
    const machine = await testClient(server.url, dispatcher, {
      clock: jumpingClock(),
    }).machines.waitForChecks("h6", "m1", {
      timeoutMs: 5_000,
      pollMs: 5,
      version: V2,
      onProgress: (line) => progress.push(line),
    });
    expect(machine.instance_id).toBe(V2);
    expect(progress).toEqual([`machine m1: waiting for version ${V2} (now 01JOLD)`]);
  });

  it("gives up at the timeout with the checks that still fail", async () => {
    server.on("GET /v1/apps/h7/machines/m1", {
      json: machineBody({
        id: "m1",
        checks: [
          { name: "http", status: "critical", output: "HTTP 503" },
          { name: "tcp", status: "passing" },
        ],
      }),
    });
    const clock = jumpingClock();
    const error = await testClient(server.url, dispatcher, { clock })
      .machines.waitForChecks("h7", "m1", { timeoutMs: 40, pollMs: 10 })
      .catch((e: unknown) => e);
    // Polls at 0, 10, 20, 30 and 40 ms; one more pause would end past 40 ms.
    expect(clock.pauses).toEqual([10, 10, 10, 10]);
    expect(server.requestsTo("GET /v1/apps/h7/machines/m1")).toHaveLength(5);
    expect(isFlyApiError(error) && [error.kind, error.message]).toEqual([
      "client.wait_timeout",
      'machine m1 in app h7 not healthy within 40 ms (started); 1/2 checks passing; check "http" is critical: HTTP 503',
    ]);
  });

  it("reads a burst of 429s, 5xx and resets as no answer yet, not as the machine's health", async () => {
    const passing = [{ name: "http", status: "passing", output: "OK" }];
    // A poll is up to four attempts, a plain 500 ends one at once: three polls meet only the
    // API's silence (429, 503, reset, 502; then 500; then 504, 408, 503) before the answer.
    server.on(
      "GET /v1/apps/h10/machines/m1",
      { status: 429, json: { error: "rate limit exceeded" }, headers: { "retry-after": "0" } },
      { status: 503, json: { error: "service unavailable" } },
      { reset: true },
      { status: 502, json: { error: "bad gateway" } },
      { status: 500, json: { error: "internal error" } },
      { status: 504, json: { error: "gateway timeout" } },
      { status: 408, json: { error: "request timeout" } },
      { status: 503, json: { error: "service unavailable" } },
      { json: machineBody({ id: "m1", checks: passing }) },
    );
    const progress: string[] = [];
    const machine = await testClient(server.url, dispatcher).machines.waitForChecks("h10", "m1", {
      timeoutMs: 10_000,
      pollMs: 5,
      onProgress: (line) => progress.push(line),
    });
    expect(machine.checks).toEqual(passing);
    expect(server.requestsTo("GET /v1/apps/h10/machines/m1")).toHaveLength(9);
    expect(progress).toEqual([
      "machine m1: the Fly API did not answer (502 bad gateway from GET /v1/apps/h10/machines/m1); still waiting for its checks",
    ]);
  });

  it("says the API, not the machine, failed when the API stays silent until the deadline", async () => {
    server.on("GET /v1/apps/h11/machines/m1", {
      status: 503,
      json: { error: "service unavailable" },
    });
    const error = await testClient(server.url, dispatcher)
      .machines.waitForChecks("h11", "m1", { timeoutMs: 60, pollMs: 10 })
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.kind, error.status, error.message]).toEqual([
      "client.api_unanswered",
      503,
      "machine m1 in app h11: the Fly API did not answer while waiting for its checks until the " +
        "60 ms wait ran out (last: 503 service unavailable from GET /v1/apps/h11/machines/m1); " +
        "the machine's own state and checks are unknown, not failing",
    ]);
  });

  it("still fails at once on an answer about the machine, such as 404", async () => {
    server.on("GET /v1/apps/h12/machines/m1", { status: 404, json: { error: "not found" } });
    const error = await testClient(server.url, dispatcher)
      .machines.waitForChecks("h12", "m1", { timeoutMs: 60_000, pollMs: 5 })
      .catch((e: unknown) => e);
    expect(isFlyApiError(error) && [error.kind, error.status]).toEqual(["fly.not_found", 404]);
    expect(server.requestsTo("GET /v1/apps/h12/machines/m1")).toHaveLength(1);
  });

  it("stops polling as soon as the caller aborts", async () => {
    server.on("GET /v1/apps/h9/machines/m1", { json: machineBody({ id: "m1" }) });
    const controller = new AbortController();
    // Real pauses, watched: the caller aborts once the wait has gone to sleep after its first poll.
    const pauses: number[] = [];
    const watched = {
      now: () => Date.now(),
      sleep: (ms: number, signal?: AbortSignal) => {
        pauses.push(ms);
        const pause = sleep(ms, signal);
        controller.abort(new Error("deploy cancelled"));
        return pause;
      },
    };
    const waiting = testClient(server.url, dispatcher, { clock: watched }).machines.waitForChecks(
      "h9",
      "m1",
      { timeoutMs: 60_000, pollMs: 10_000, signal: controller.signal },
    );
    await expect(waiting).rejects.toThrow("deploy cancelled");
    expect(pauses).toEqual([10_000]);
    expect(server.requestsTo("GET /v1/apps/h9/machines/m1")).toHaveLength(1);
  });
});
