import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DESTROYED_VISIBLE_MS } from "../../emulator/emulator";
import { MANUAL_CLOCK, startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  advanceClock,
  createApp,
  createVolume,
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

async function startedMachine(): Promise<string> {
  await createApp(fx, "gw");
  const id = await machineIdOf(fx, "gw");
  await waitState(fx, "gw", id, "started");
  return id;
}

const post = (id: string, action: string) => fx.api("POST", machinePath("gw", id, `/${action}`));
const stateOf = async (on: EmulatorFixture, id: string) =>
  (await on.api("GET", machinePath("gw", id))).body.state as string;

describe("destroy", () => {
  it("refuses to destroy a started machine without force", async () => {
    const id = await startedMachine();
    const res = await fx.api("DELETE", machinePath("gw", id));
    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error:
        "failed_precondition: unable to destroy machine, not currently stopped, suspended, failed or created",
    });
  });

  it.each(["force", "kill"])("destroys a started machine with %s=true", async (param) => {
    const id = await startedMachine();
    const res = await fx.api("DELETE", machinePath("gw", id, `?${param}=true`));
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    await waitState(fx, "gw", id, "destroyed");
    const events = (await fx.api("GET", machinePath("gw", id, "/events?limit=2"))).body;
    expect(eventTrail(events)).toEqual(["destroy/destroyed/flyd", "destroy/destroying/user"]);
  });

  it("destroys a stopped machine without force", async () => {
    const id = await startedMachine();
    await post(id, "stop");
    await waitState(fx, "gw", id, "stopped");
    expect((await fx.api("DELETE", machinePath("gw", id))).status).toBe(200);
    await waitState(fx, "gw", id, "destroyed");
  });

  it("shows destroying, then destroyed for a while, then 404 machine not found", async () => {
    await createApp(still, "gw");
    const id = await machineIdOf(still, "gw", { skip_launch: true });
    await still.api("DELETE", machinePath("gw", id));
    expect(await stateOf(still, id)).toBe("destroying");
    await waitState(still, "gw", id, "destroyed");
    expect(await stateOf(still, id)).toBe("destroyed");
    await advanceClock(still, DESTROYED_VISIBLE_MS - 1_000);
    expect(await stateOf(still, id)).toBe("destroyed");
    await advanceClock(still, 1_001);
    expect(await still.api("GET", machinePath("gw", id))).toMatchObject({
      status: 404,
      body: { error: "machine not found" },
    });
    expect(await still.api("DELETE", machinePath("gw", id))).toMatchObject({ status: 404 });
  });

  it("releases the machine's volume when it is destroyed", async () => {
    await createApp(fx, "gw");
    const volume = await createVolume(fx, "gw");
    const id = await machineIdOf(fx, "gw", {
      config: { image: IMAGE, mounts: [{ volume, path: "/data" }] },
    });
    const attached = await fx.api("GET", `/v1/apps/gw/volumes/${volume}`);
    expect(attached.body.attached_machine_id).toBe(id);
    await fx.api("DELETE", machinePath("gw", id, "?force=true"));
    await waitState(fx, "gw", id, "destroyed");
    const released = await fx.api("GET", `/v1/apps/gw/volumes/${volume}`);
    expect(released.body.attached_machine_id).toBe(null);
  });
});
