import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MANUAL_CLOCK, startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  createApp,
  eventTrail,
  machineIdOf,
  machinePath,
  waitState,
} from "./machine-support";

let fx: EmulatorFixture;
/** On a clock that stands still: a transient state lasts until the test moves time. */
let still: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
  still = await startFixture(MANUAL_CLOCK);
});
afterAll(async () => {
  await fx.close();
  await still.close();
});
afterEach(async () => {
  await fx.control("POST", "/reset");
  await still.control("POST", "/reset");
});

async function startedMachine(on: EmulatorFixture = fx, body: Record<string, unknown> = {}) {
  await createApp(on, "gw");
  const id = await machineIdOf(on, "gw", body);
  await waitState(on, "gw", id, "started");
  return id;
}

const post = (id: string, action: string, body?: unknown) =>
  fx.api("POST", machinePath("gw", id, `/${action}`), body);
const stateOf = async (on: EmulatorFixture, id: string) =>
  (await on.api("GET", machinePath("gw", id))).body.state as string;

describe("transient states are observable", () => {
  it("create: created, then starting, then started", async () => {
    await createApp(still, "gw");
    const id = await machineIdOf(still, "gw");
    expect(await stateOf(still, id)).toBe("created");
    await waitState(still, "gw", id, "started");
    const events = (await still.api("GET", machinePath("gw", id, "/events"))).body;
    expect(eventTrail(events)).toEqual([
      "start/started/flyd",
      "start/starting/flyd",
      "launch/created/user",
    ]);
  });

  it.each([
    ["stop", "stopping"],
    ["suspend", "suspending"],
    ["restart", "restarting"],
  ])("%s answers at once while the machine is still %s", async (action, transient) => {
    const id = await startedMachine(still);
    const res = await still.api("POST", machinePath("gw", id, `/${action}`));
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(await stateOf(still, id)).toBe(transient);
  });
});

describe("start, stop, suspend, restart", () => {
  it("stops with an exit event that says the stop was requested", async () => {
    const id = await startedMachine();
    expect((await post(id, "stop", { signal: "SIGTERM", timeout: "10s" })).status).toBe(200);
    await waitState(fx, "gw", id, "stopped");
    const events = (await fx.api("GET", machinePath("gw", id, "/events"))).body;
    expect(eventTrail(events).slice(0, 2)).toEqual(["exit/stopped/flyd", "stop/stopping/user"]);
    expect(events[0].request).toEqual({
      exit_event: { exit_code: 0, oom_killed: false, requested_stop: true, restarting: false },
    });
  });

  it("treats a stop of a stopped machine as done", async () => {
    const id = await startedMachine();
    await post(id, "stop");
    await waitState(fx, "gw", id, "stopped");
    expect(await post(id, "stop")).toMatchObject({ status: 200, body: { ok: true } });
    expect(await stateOf(fx, id)).toBe("stopped");
  });

  it.each([
    [
      { signal: "SIGSTOP" },
      'invalid signal "SIGSTOP": must be one of SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGUSR1, SIGUSR2, SIGTERM',
    ],
    [
      { timeout: "soon" },
      'invalid timeout "soon": must be a duration such as "10s" or a number of seconds',
    ],
  ])("refuses the stop body %j with 400", async (body, error) => {
    const id = await startedMachine();
    expect(await post(id, "stop", body)).toMatchObject({ status: 400, body: { error } });
  });

  it("answers a malformed stop body with Go's decoder message", async () => {
    const id = await startedMachine();
    const res = await fx.api("POST", machinePath("gw", id, "/stop"), undefined, { rawBody: "[]" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: "json: cannot unmarshal array into Go value of type main.stopRequest",
    });
  });

  it("starts a stopped machine and reports the previous state", async () => {
    const id = await startedMachine();
    await post(id, "stop");
    await waitState(fx, "gw", id, "stopped");
    const res = await post(id, "start");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ previous_state: "stopped", migrated: false, new_host: "" });
    await waitState(fx, "gw", id, "started");
    const events = (await fx.api("GET", machinePath("gw", id, "/events?limit=2"))).body;
    expect(eventTrail(events)).toEqual(["start/started/flyd", "start/starting/user"]);
  });

  it("suspends a started machine and resumes it with start", async () => {
    const id = await startedMachine();
    await post(id, "suspend");
    await waitState(fx, "gw", id, "suspended");
    expect((await post(id, "start")).body.previous_state).toBe("suspended");
    await waitState(fx, "gw", id, "started");
  });

  it.each([
    ["start", "started"],
    ["suspend", "stopped"],
    ["restart", "stopped"],
  ])("refuses %s from %s with Fly's 412", async (action, state) => {
    const id = await startedMachine();
    if (state === "stopped") {
      await post(id, "stop");
      await waitState(fx, "gw", id, "stopped");
    }
    const res = await post(id, action);
    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error: `unable to ${action} machine from current state: '${state}'`,
    });
  });

  it("restarts through restarting and boots again", async () => {
    const id = await startedMachine(still);
    await still.api(
      "POST",
      machinePath("gw", id, "/restart?timeout=5s&signal=SIGINT&force_stop=false"),
    );
    const events = (await still.api("GET", machinePath("gw", id, "/events?limit=1"))).body;
    expect(eventTrail(events)).toEqual(["restart/restarting/user"]);
    await waitState(still, "gw", id, "started", `&from_event_id=${events[0].id}`);
  });
});

describe("signal, cordon, events", () => {
  it("refuses an unknown signal and kills the process on SIGKILL (number 9 too)", async () => {
    const id = await startedMachine(fx, { config: { image: IMAGE, restart: { policy: "no" } } });
    expect(await post(id, "signal", { signal: "SIGWHAT" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^invalid signal "SIGWHAT": must be one of SIGHUP, /) },
    });
    expect(await post(id, "signal", { signal: "SIGUSR1" })).toMatchObject({ status: 200 });
    expect(await stateOf(fx, id)).toBe("started");
    expect((await post(id, "signal", { signal: 9 })).status).toBe(200);
    await waitState(fx, "gw", id, "stopped");
    const [exit] = (await fx.api("GET", machinePath("gw", id, "/events?limit=1"))).body;
    expect(exit.type).toBe("exit");
    expect(exit.request.exit_event.exit_code).toBe(137);
  });

  it("cordons and uncordons", async () => {
    const id = await startedMachine();
    expect(await post(id, "cordon")).toMatchObject({ status: 200, body: { ok: true } });
    expect((await fx.api("GET", machinePath("gw", id))).body.cordoned).toBe(true);
    expect((await post(id, "uncordon")).status).toBe(200);
    expect((await fx.api("GET", machinePath("gw", id))).body.cordoned).toBe(false);
  });

  it("lists events newest first, 20 by default, honouring limit and refusing bad ones", async () => {
    const id = await startedMachine();
    const all = (await fx.api("GET", machinePath("gw", id, "/events"))).body;
    expect(eventTrail(all)).toEqual([
      "start/started/flyd",
      "start/starting/flyd",
      "launch/created/user",
    ]);
    expect(all[0]).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      type: "start",
      status: "started",
      source: "flyd",
      timestamp: expect.any(Number),
    });
    expect(all[0].timestamp).toBeGreaterThanOrEqual(all[2].timestamp);
    const two = (await fx.api("GET", machinePath("gw", id, "/events?limit=2"))).body;
    expect(two).toEqual(all.slice(0, 2));
    expect(await fx.api("GET", machinePath("gw", id, "/events?limit=0"))).toMatchObject({
      status: 400,
      body: { error: "invalid limit 0: must be at least 1" },
    });
  });
});
