import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  advanceClock,
  createApp,
  createMachine,
  createVolume,
  machineIdOf,
  machinePath,
  waitState,
} from "./machine-support";

/** Checks are judged after this long; tests reach it by advancing the emulator clock, not sleeping. */
const CHECKS_MS = 60_000;

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture({ checksMs: CHECKS_MS });
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const CHECKED = {
  image: IMAGE,
  checks: { startupz: { type: "http", port: 18789, path: "/startupz", interval: "15s" } },
  services: [
    {
      protocol: "tcp",
      internal_port: 3000,
      checks: [{ type: "tcp" }, { type: "http", path: "/healthz" }],
    },
  ],
};

async function startedMachine(config: Record<string, unknown> = CHECKED) {
  await createApp(fx, "gw");
  const id = await machineIdOf(fx, "gw", { config });
  await waitState(fx, "gw", id, "started");
  return (await fx.api("GET", machinePath("gw", id))).body;
}

const checksOf = async (id: string) =>
  (await fx.api("GET", machinePath("gw", id))).body.checks as {
    name: string;
    status: string;
    output: string;
  }[];

const summary = (checks: { name: string; status: string; output: string }[]) =>
  checks.map((c) => [c.name, c.status, c.output]);

describe("health checks", () => {
  it("report critical 'waiting for status' first, then passing once judged", async () => {
    const machine = await startedMachine();
    const ip = machine.private_ip;
    expect(summary(machine.checks)).toEqual([
      ["startupz", "critical", "waiting for status"],
      ["servicecheck-00-tcp-3000", "critical", "waiting for status"],
      ["servicecheck-01-http-3000", "critical", "waiting for status"],
    ]);
    expect(machine.checks[0].updated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    await advanceClock(fx, CHECKS_MS);
    expect(summary(await checksOf(machine.id))).toEqual([
      ["startupz", "passing", `GET http://[${ip}]:18789/startupz: 200 OK`],
      ["servicecheck-00-tcp-3000", "passing", `TCP connection to [${ip}]:3000 succeeded`],
      ["servicecheck-01-http-3000", "passing", `GET http://[${ip}]:3000/healthz: 200 OK`],
    ]);
  });

  it("stay critical with an app's failure while checks_fail names the image", async () => {
    await fx.control("POST", "/faults", { kind: "checks_fail", image: IMAGE });
    const machine = await startedMachine();
    const ip = machine.private_ip;
    await advanceClock(fx, CHECKS_MS);
    expect(summary(await checksOf(machine.id))).toEqual([
      ["startupz", "critical", `GET http://[${ip}]:18789/startupz: 503 Service Unavailable`],
      [
        "servicecheck-00-tcp-3000",
        "critical",
        `dial tcp [${ip}]:3000: connect: connection refused`,
      ],
      [
        "servicecheck-01-http-3000",
        "critical",
        `GET http://[${ip}]:3000/healthz: 503 Service Unavailable`,
      ],
    ]);
    await fx.control("DELETE", "/faults");
    expect((await checksOf(machine.id)).map((c) => c.status)).toEqual([
      "passing",
      "passing",
      "passing",
    ]);
  });

  it("leave machines running another image alone", async () => {
    await fx.control("POST", "/faults", { kind: "checks_fail", image: "other/image:1" });
    const machine = await startedMachine();
    await advanceClock(fx, CHECKS_MS);
    expect((await checksOf(machine.id)).every((c) => c.status === "passing")).toBe(true);
  });

  it("are absent when the config defines none, and while the machine is stopped", async () => {
    const bare = await startedMachine({ image: IMAGE });
    expect("checks" in bare).toBe(false);
    const checked = await machineIdOf(fx, "gw", { config: CHECKED });
    await waitState(fx, "gw", checked, "started");
    await fx.api("POST", machinePath("gw", checked, "/stop"));
    await waitState(fx, "gw", checked, "stopped");
    expect("checks" in (await fx.api("GET", machinePath("gw", checked))).body).toBe(false);
  });

  it("start over as 'waiting for status' when an update boots a new version", async () => {
    const machine = await startedMachine();
    await advanceClock(fx, CHECKS_MS);
    const updated = await fx.api("POST", machinePath("gw", machine.id), { config: CHECKED });
    await waitState(fx, "gw", machine.id, "started", `&version=${updated.body.instance_id}`);
    expect((await checksOf(machine.id)).map((c) => c.output)).toEqual([
      "waiting for status",
      "waiting for status",
      "waiting for status",
    ]);
  });
});

describe("process exits (exit_after_start)", () => {
  /** Follows the machine's exits until one does not restart; returns each exit's request. */
  async function exitsUntilStopped(id: string): Promise<any[]> {
    const events = async () =>
      (await fx.api("GET", machinePath("gw", id, "/events?limit=50"))).body;
    let from = (await events()).at(-1).id as string;
    const exits = [];
    for (let i = 0; i < 10; i++) {
      const res = await fx.api(
        "GET",
        machinePath("gw", id, `/wait?state=stopped&from_event_id=${from}&timeout=5`),
      );
      expect(res.status).toBe(200);
      const exit = (await events()).find((e: { id: string }) => e.id === res.body.event_id);
      exits.push(exit.request);
      from = exit.id;
      if (!exit.request.exit_event.restarting) break;
    }
    return exits;
  }

  async function crashingMachine(exitCode: number, config: Record<string, unknown>) {
    await fx.control("POST", "/faults", {
      kind: "exit_after_start",
      image: IMAGE,
      exit_code: exitCode,
    });
    await createApp(fx, "gw");
    return machineIdOf(fx, "gw", { config: { image: IMAGE, ...config } });
  }

  it("records an exit event and stays stopped under restart policy no", async () => {
    const id = await crashingMachine(3, { restart: { policy: "no" } });
    const [exit] = await exitsUntilStopped(id);
    expect(exit).toEqual({
      exit_event: {
        exit_code: 3,
        guest_exit_code: 3,
        oom_killed: false,
        requested_stop: false,
        restarting: false,
        exited_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      restart_count: 0,
    });
    expect((await fx.api("GET", machinePath("gw", id))).body.state).toBe("stopped");
  });

  it("restarts after a failure up to max_retries (on-failure), then stays stopped", async () => {
    const id = await crashingMachine(1, { restart: { policy: "on-failure", max_retries: 2 } });
    const exits = await exitsUntilStopped(id);
    expect(exits.map((e) => [e.exit_event.restarting, e.restart_count])).toEqual([
      [true, 0],
      [true, 1],
      [false, 2],
    ]);
  });

  it("does not restart a clean exit under on-failure, the default policy", async () => {
    const id = await crashingMachine(0, {});
    const exits = await exitsUntilStopped(id);
    expect(exits.map((e) => e.exit_event.restarting)).toEqual([false]);
  });

  it("restarts even a clean exit under always, up to max_retries", async () => {
    const id = await crashingMachine(0, { restart: { policy: "always", max_retries: 1 } });
    const exits = await exitsUntilStopped(id);
    expect(exits.map((e) => e.exit_event.restarting)).toEqual([true, false]);
  });

  it("destroys itself after exiting when auto_destroy is set, releasing its volume", async () => {
    await createApp(fx, "gw");
    const volume = await createVolume(fx, "gw");
    await fx.control("POST", "/faults", { kind: "exit_after_start", image: IMAGE, exit_code: 0 });
    const id = await machineIdOf(fx, "gw", {
      config: {
        image: IMAGE,
        auto_destroy: true,
        restart: { policy: "no" },
        mounts: [{ volume, path: "/data" }],
      },
    });
    await waitState(fx, "gw", id, "destroyed");
    const volumeNow = await fx.api("GET", `/v1/apps/gw/volumes/${volume}`);
    expect(volumeNow.body.attached_machine_id).toBe(null);
  });
});

describe("capacity (no_capacity)", () => {
  it("refuses creates in the faulted region with insufficient_capacity", async () => {
    await fx.control("POST", "/faults", { kind: "no_capacity", region: "iad" });
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw");
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: "could not find a candidate host in region iad",
      status: "insufficient_capacity",
    });
    expect((await createMachine(fx, "gw", { region: "ord" })).status).toBe(200);
  });
});
