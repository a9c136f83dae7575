/**
 * Start, stop and restart after an ambiguous failure, against the emulator: an action whose
 * answer was lost but which went through is not sent again (a second start would be refused
 * with 412), and one that did not go through is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlyClient } from "../../providers/fly-client/fly-client";
import { startEmulatorHarness } from "./emulator-harness";
import type { EmulatorHarness } from "./emulator-harness";

let harness: EmulatorHarness;
let client: FlyClient;
beforeAll(async () => {
  harness = await startEmulatorHarness();
  client = harness.client;
});
afterAll(async () => {
  await harness.close();
});

const actionPath = (id: string, verb: string) => new RegExp(`/machines/${id}/${verb}$`);

async function settle(app: string, id: string, state: "started" | "stopped"): Promise<void> {
  await client.machines.waitForState(app, id, { state, timeoutMs: 5_000 });
}

describe("lifecycle actions after an ambiguous failure", () => {
  it("takes a stop and a start whose 408 came after the change as done, sending each once", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);

    await harness.control("POST", "faults", {
      route: "POST /v1/apps/:app/machines/:id/stop",
      kind: "timeout_after_commit",
    });
    let since = await harness.lastSeq();
    await client.machines.stop(app, machine.id);
    expect(await harness.logged("POST", actionPath(machine.id, "stop"), since)).toEqual([
      "408 timeout_after_commit",
    ]);
    await settle(app, machine.id, "stopped");

    await harness.control("POST", "faults", {
      route: "POST /v1/apps/:app/machines/:id/start",
      kind: "timeout_after_commit",
    });
    since = await harness.lastSeq();
    await client.machines.start(app, machine.id);
    expect(await harness.logged("POST", actionPath(machine.id, "start"), since)).toEqual([
      "408 timeout_after_commit",
    ]);
    await settle(app, machine.id, "started");
    expect((await client.machines.get(app, machine.id)).state).toBe("started");
  });

  it("sends a start again when the machine shows the failed attempt did nothing (503)", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    await client.machines.stop(app, machine.id);
    await settle(app, machine.id, "stopped");
    await harness.control("POST", "faults", {
      route: "POST /v1/apps/:app/machines/:id/start",
      kind: "503",
    });
    const since = await harness.lastSeq();
    await client.machines.start(app, machine.id);
    expect(await harness.logged("POST", actionPath(machine.id, "start"), since)).toEqual([
      "503 503",
      "200",
    ]);
    expect(await harness.logged("GET", new RegExp(`/machines/${machine.id}$`), since)).toEqual([
      "200",
    ]);
  });

  it("still refuses a start of a started machine when nothing was ambiguous", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    const refused = await client.machines.start(app, machine.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 412,
      message: "unable to start machine from current state: 'started'",
    });
  });
});
