import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DESTROYED_VISIBLE_MS } from "../../emulator/emulator";
import { machineWatcherCount } from "../../emulator/machine-watch";
import { until } from "../support/test-clocks";
import {
  answerOnClock,
  MANUAL_CLOCK,
  startFixture,
  type EmulatorFixture,
} from "./emulator-support";
import {
  IMAGE,
  advanceClock,
  createApp,
  machineIdOf,
  machinePath,
  waitState,
} from "./machine-support";

// Time moves only for the waits below (see `answerOnClock`), so what a wait answers, and when on
// the emulator's clock, never depends on how quickly the test runs.
let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture(MANUAL_CLOCK);
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const send = (id: string, query: string) => fx.api("GET", machinePath("gw", id, `/wait${query}`));
/** A wait with the emulator's time moving for it until it is answered. */
const wait = (id: string, query: string) => answerOnClock(fx, send(id, query));

/** A wait that must be answered while the clock stands still, without being held at all. */
async function answeredAtOnce(id: string, query: string) {
  let answered = false;
  const answer = send(id, query).finally(() => {
    answered = true;
  });
  const held = () => machineWatcherCount(fx.handle.emulator) > 0;
  await until(() => answered || held(), "the emulator to answer or hold the wait");
  expect(held()).toBe(false);
  return answer;
}

async function newestEvent(id: string): Promise<{ id: string; status: string }> {
  return (await fx.api("GET", machinePath("gw", id, "/events?limit=1"))).body[0];
}

async function startedMachine(body: Record<string, unknown> = {}): Promise<string> {
  await createApp(fx, "gw");
  const id = await machineIdOf(fx, "gw", body);
  await waitState(fx, "gw", id, "started");
  return id;
}

describe("machine wait", () => {
  it("long-polls a booting machine until started (the default state)", async () => {
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw");
    const res = await wait(id, "");
    expect(res.status).toBe(200);
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(res.body).toEqual({
      ok: true,
      state: "started",
      version: machine.instance_id,
      event_id: (await newestEvent(id)).id,
    });
  });

  it("answers 408 when the state is not reached within the timeout", async () => {
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw", { skip_launch: true });
    const startedMs = fx.handle.emulator.now();
    const res = await wait(id, "?state=started&timeout=1");
    expect(res.status).toBe(408);
    expect(res.body).toEqual({
      error: `deadline_exceeded: machine ${id} did not reach state started within 1s`,
    });
    expect(fx.handle.emulator.now() - startedMs).toBe(1_000);
  });

  it("accepts any of several states, repeated or comma-separated", async () => {
    const id = await startedMachine();
    expect((await wait(id, "?state=stopped,started")).body.state).toBe("started");
    expect((await wait(id, "?state=stopped&state=started")).body.state).toBe("started");
  });

  it("answers settled with the state a machine came to rest in", async () => {
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw");
    // Fresh from create the machine reads `created` but is on its way up: not settled yet.
    expect((await wait(id, "?state=settled&timeout=5")).body.state).toBe("started");
    await fx.api("POST", machinePath("gw", id, "/stop"));
    expect((await wait(id, "?state=settled&timeout=5")).body.state).toBe("stopped");
  });

  it.each([
    [
      "?state=running",
      'invalid state "running": must be one of started, stopped, suspended, destroyed, failed, settled',
    ],
    ["?timeout=soon", 'invalid timeout "soon": must be a number of seconds'],
  ])("refuses %s with 400", async (query, error) => {
    const id = await startedMachine();
    expect(await wait(id, query)).toMatchObject({ status: 400, body: { error } });
  });

  it("accepts a timeout above Fly's 60-second cap: it is clamped, not refused", async () => {
    const id = await startedMachine();
    expect((await wait(id, "?state=started&timeout=3600")).status).toBe(200);
  });

  it("waits on a pinned version, via version or its deprecated alias instance_id", async () => {
    const id = await startedMachine();
    const version = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    expect((await wait(id, `?version=${version}`)).body.version).toBe(version);
    expect((await wait(id, `?instance_id=${version}`)).body.version).toBe(version);
  });

  it("answers 400 currently replaced when the pinned version was replaced", async () => {
    const id = await startedMachine();
    const old = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    const updated = await fx.api("POST", machinePath("gw", id), { config: { image: IMAGE } });
    const res = await wait(id, `?state=started&version=${old}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: `version ${old} of machine ${id} is currently replaced by ${updated.body.instance_id}`,
    });
  });

  it("answers a wait that is pending when the version is replaced with 400 too", async () => {
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw", { skip_launch: true });
    const old = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    // Held while the clock stands still, until the update below replaces the version.
    const pending = send(id, `?state=started&version=${old}&timeout=5`);
    await until(() => machineWatcherCount(fx.handle.emulator) === 1, "the wait to be held");
    await fx.api("POST", machinePath("gw", id), { config: { image: IMAGE } });
    const res = await pending;
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("currently replaced");
  });

  it("waits for a transition after from_event_id", async () => {
    const id = await startedMachine();
    await fx.api("POST", machinePath("gw", id, "/restart"));
    const restarting = await newestEvent(id);
    expect(restarting.status).toBe("restarting");
    const res = await wait(id, `?state=started&from_event_id=${restarting.id}&timeout=5`);
    expect(res.status).toBe(200);
    expect(res.body.event_id).not.toBe(restarting.id);
    expect(res.body.event_id).toBe((await newestEvent(id)).id);
  });

  it("answers destroyed for a destroyed machine, then 404 once it is gone", async () => {
    const id = await startedMachine();
    await fx.api("DELETE", machinePath("gw", id, "?force=true"));
    expect((await wait(id, "?state=destroyed&timeout=5")).body.state).toBe("destroyed");
    await advanceClock(fx, DESTROYED_VISIBLE_MS + 1);
    expect(await wait(id, "?state=destroyed")).toMatchObject({
      status: 404,
      body: { error: "machine not found" },
    });
  });

  it("answers 400 failed to reach desired state for started on a destroyed machine", async () => {
    const id = await startedMachine();
    await fx.api("DELETE", machinePath("gw", id, "?force=true"));
    await waitState(fx, "gw", id, "destroyed");
    expect(await wait(id, "?state=started")).toMatchObject({
      status: 400,
      body: { error: "machine failed to reach desired state started, current state: destroyed" },
    });
  });

  it("answers 400 at once when the process exited and the restart policy gave up", async () => {
    await fx.control("POST", "/faults", { kind: "exit_after_start", image: IMAGE, exit_code: 1 });
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw", {
      config: { image: IMAGE, restart: { policy: "no" } },
    });
    const res = await wait(id, "?state=stopped&timeout=5");
    expect(res.body.state).toBe("stopped");
    expect(await answeredAtOnce(id, "?state=started&timeout=5")).toMatchObject({
      status: 400,
      body: { error: "machine failed to reach desired state started, current state: stopped" },
    });
  });
});
