import { request } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import {
  createApp,
  createVolume,
  eventTrail,
  machinePath,
  waitState,
} from "../emulator/machine-support";
import {
  alive,
  consoleLines,
  fakeConfig,
  gone,
  healthy,
  installFakeRuntime,
  localUrl,
  machineUntil,
  startRealFixture,
  whoami,
  type FakeRuntime,
} from "./real-support";

let runtime: FakeRuntime;
let fx: EmulatorFixture;

beforeAll(() => {
  runtime = installFakeRuntime();
});
afterAll(() => runtime.remove());
beforeEach(async () => {
  fx = await startRealFixture(runtime);
  await createApp(fx, "gw");
});
afterEach(async () => {
  await fx.close();
  expect(fx.handle.emulator.real!.runningCount).toBe(0);
});

/** Creates a machine running the stand-in and waits until it is healthy; its pids too. */
async function runningMachine(extra: Record<string, unknown> = {}) {
  const res = await fx.api("POST", "/v1/apps/gw/machines", {
    region: "iad",
    config: fakeConfig(extra),
  });
  expect(res.status).toBe(200);
  const id = res.body.id as string;
  await healthy(fx, "gw", id);
  const me = await whoami(await localUrl(fx, id));
  return { id, pid: me.pid as number, worker: me.worker as number };
}

async function events(id: string) {
  return (await fx.api("GET", machinePath("gw", id, "/events"))).body as any[];
}

describe("stopping a real machine", () => {
  it("sends Fly's default kill signal, SIGINT, and records the process's own exit", async () => {
    const { id, pid, worker } = await runningMachine();
    expect((await fx.api("POST", machinePath("gw", id, "/stop"), {})).status).toBe(200);
    await waitState(fx, "gw", id, "stopped");
    await gone(pid);
    await gone(worker);
    const [exit] = await events(id);
    expect(exit).toMatchObject({
      type: "exit",
      status: "stopped",
      request: {
        exit_event: {
          exit_code: 0,
          guest_exit_code: 0,
          oom_killed: false,
          requested_stop: true,
          restarting: false,
        },
      },
    });
    const lines = await consoleLines(fx, id);
    expect(lines.slice(-3)).toEqual([
      "Sending signal SIGINT to main child",
      "fake gateway received SIGINT",
      "Main child exited normally with code: 0",
    ]);
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(machine.checks).toBeUndefined();
  });

  it("uses stop_config's signal, and SIGKILLs the whole group after its timeout", async () => {
    const { id, pid, worker } = await runningMachine({
      stop_config: { signal: "SIGTERM", timeout: "300ms" },
      env: { FAKE_IGNORE_SIGNALS: "1" },
    });
    const stopping = Date.now();
    await fx.api("POST", machinePath("gw", id, "/stop"), {});
    await waitState(fx, "gw", id, "stopped");
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(300);
    expect(alive(pid)).toBe(false);
    await gone(worker);
    const [exit] = await events(id);
    expect(exit.request.exit_event).toMatchObject({
      exit_code: 137,
      signal: 9,
      requested_stop: true,
    });
    expect((await consoleLines(fx, id)).slice(-3)).toEqual([
      "Sending signal SIGTERM to main child",
      "fake gateway received SIGTERM",
      "Main child exited with signal (with signal 'SIGKILL', core dumped? false)",
    ]);
  });

  it("takes the stop request's signal and timeout over stop_config's", async () => {
    const { id } = await runningMachine({ stop_config: { signal: "SIGTERM" } });
    await fx.api("POST", machinePath("gw", id, "/stop"), { signal: "SIGINT", timeout: "5s" });
    await waitState(fx, "gw", id, "stopped");
    expect(await consoleLines(fx, id)).toContain("fake gateway received SIGINT");
  });
});

describe("a real process that exits by itself", () => {
  it("is an exit event with its code, and restart policy no leaves the machine stopped", async () => {
    const res = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({ env: { FAKE_EXIT_CODE: "78", FAKE_EXIT_AFTER_MS: "100" } }),
    });
    const id = res.body.id;
    const stopped = await machineUntil(fx, "gw", id, (m) => m.state === "stopped");
    expect(stopped.events[0].request).toEqual({
      exit_event: {
        exit_code: 78,
        guest_exit_code: 78,
        oom_killed: false,
        requested_stop: false,
        restarting: false,
        exited_at: expect.any(String),
      },
      restart_count: 0,
    });
    expect((await consoleLines(fx, id)).slice(-2)).toEqual([
      "fake gateway exiting with 78",
      "Main child exited normally with code: 78",
    ]);
    const wait = await fx.api("GET", machinePath("gw", id, "/wait?state=started&timeout=2"));
    expect(wait.body.error).toBe(
      "machine failed to reach desired state started, current state: stopped",
    );
  });

  it("is restarted under on-failure up to max_retries, each boot a new process", async () => {
    const res = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({
        env: { FAKE_EXIT_CODE: "1", FAKE_EXIT_AFTER_MS: "100" },
        restart: { policy: "on-failure", max_retries: 2 },
      }),
    });
    const id = res.body.id;
    await machineUntil(
      fx,
      "gw",
      id,
      (m) => m.state === "stopped" && m.events[0].request?.exit_event?.restarting === false,
    );
    const exits = (await events(id)).filter((e) => e.type === "exit").reverse();
    expect(
      exits.map((e) => [
        e.request.exit_event.exit_code,
        e.request.exit_event.restarting,
        e.request.restart_count,
      ]),
    ).toEqual([
      [1, true, 0],
      [1, true, 1],
      [1, false, 2],
    ]);
    const pids = (await consoleLines(fx, id)).filter((l) => /^fake gateway \d+ starting/.test(l));
    expect(new Set(pids).size).toBe(3);
  });

  it("is restarted under always even after a clean exit, and is killed by SIGKILL like a crash", async () => {
    const { id, pid } = await runningMachine({ restart: { policy: "always", max_retries: 5 } });
    expect(
      (await fx.api("POST", machinePath("gw", id, "/signal"), { signal: "SIGKILL" })).status,
    ).toBe(200);
    const again = await machineUntil(
      fx,
      "gw",
      id,
      (m) => m.state === "started" && m.events.some((e: any) => e.type === "exit"),
    );
    const exit = again.events.find((e: any) => e.type === "exit");
    expect(exit.request.exit_event).toMatchObject({ exit_code: 137, signal: 9, restarting: true });
    await healthy(fx, "gw", id);
    expect((await whoami(await localUrl(fx, id))).pid).not.toBe(pid);
  });

  it("hears other signals without dying", async () => {
    const { id, pid } = await runningMachine();
    await fx.api("POST", machinePath("gw", id, "/signal"), { signal: "SIGUSR1" });
    await machineUntil(fx, "gw", id, () => true);
    await expect.poll(() => consoleLines(fx, id)).toContain("fake gateway received SIGUSR1");
    expect(alive(pid)).toBe(true);
  });
});

describe("restart, update, suspend and destroy of a real machine", () => {
  it("restart ends the process and boots a new one on the same port", async () => {
    const { id, pid } = await runningMachine();
    const url = await localUrl(fx, id);
    await fx.api("POST", machinePath("gw", id, "/restart?signal=SIGTERM"));
    await gone(pid);
    await healthy(fx, "gw", id);
    expect(await localUrl(fx, id)).toBe(url);
    expect(await consoleLines(fx, id)).toContain("fake gateway received SIGTERM");
    expect(eventTrail(await events(id)).slice(0, 4)).toEqual([
      "start/started/flyd",
      "start/starting/flyd",
      "restart/restarting/user",
      "start/started/flyd",
    ]);
  });

  it("update replaces the process with the new version's, keeping the volume", async () => {
    const volume = await createVolume(fx, "gw");
    const mounts = [{ volume, path: "/data" }];
    const { id, pid } = await runningMachine({ mounts });
    const updated = await fx.api("POST", machinePath("gw", id), {
      config: fakeConfig({ mounts, env: { OPENCLAW_STATE_DIR: "/data", RELEASE: "two" } }),
    });
    expect(updated.status).toBe(200);
    await gone(pid);
    await healthy(fx, "gw", id);
    const me = await whoami(await localUrl(fx, id));
    expect(me.env.RELEASE).toBe("two");
    const boots = (
      await request(`${await localUrl(fx, id)}/file?path=${me.env.OPENCLAW_STATE_DIR}/boots.txt`)
    ).body;
    expect(await boots.text()).toBe(`${pid}\n${me.pid}\n`);
  });

  it("suspend freezes the processes and start resumes the same ones", async () => {
    const { id, pid } = await runningMachine();
    const url = await localUrl(fx, id);
    await fx.api("POST", machinePath("gw", id, "/suspend"));
    await waitState(fx, "gw", id, "suspended");
    const frozen = request(`${url}/startupz`, { signal: AbortSignal.timeout(300) });
    await expect(frozen).rejects.toThrow();
    expect((await fx.api("GET", machinePath("gw", id))).body.checks).toBeUndefined();
    await fx.api("POST", machinePath("gw", id, "/start"));
    await healthy(fx, "gw", id);
    expect((await whoami(url)).pid).toBe(pid);
  });

  it("destroy ends the process group and removes the machine's folder", async () => {
    const { id, pid, worker } = await runningMachine();
    const folder = fx.handle.emulator.real!.folders.machineDir(id);
    await fx.api("DELETE", machinePath("gw", id, "?force=true"));
    await waitState(fx, "gw", id, "destroyed");
    await gone(pid);
    await gone(worker);
    const { existsSync } = await import("node:fs");
    await expect.poll(() => existsSync(folder)).toBe(false);
  });

  it("deleting the app leaves no process and no folder behind", async () => {
    const volume = await createVolume(fx, "gw");
    const first = await runningMachine({ mounts: [{ volume, path: "/data" }] });
    const second = await runningMachine();
    const volumeDir = fx.handle.emulator.real!.folders.volume(volume);
    expect((await fx.api("DELETE", "/v1/apps/gw")).status).toBe(202);
    for (const pid of [first.pid, first.worker, second.pid, second.worker]) await gone(pid);
    const { existsSync } = await import("node:fs");
    await expect.poll(() => existsSync(volumeDir)).toBe(false);
  });
});
