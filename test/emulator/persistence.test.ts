import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/server";
import { emptyState, type EmulatorState, type MachineRecord } from "../../emulator/state";
import { until } from "../support/test-clocks";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let dir: string;
let statePath: string;
const running: EmulatorFixture[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "emulator-state-"));
  statePath = path.join(dir, "world.json");
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((fx) => fx.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<EmulatorFixture> {
  const fx = await startFixture({ statePath });
  running.push(fx);
  return fx;
}

async function stop(fx: EmulatorFixture): Promise<void> {
  running.splice(running.indexOf(fx), 1);
  await fx.close();
}

/** A machine record as a state file holds it, caught in `state`. */
function savedMachine(
  id: string,
  state: MachineRecord["state"],
  extra: Partial<MachineRecord> = {},
) {
  const at = "2026-01-01T00:00:00.000Z";
  const machine: MachineRecord = {
    id,
    name: `saved-${id.slice(0, 4)}`,
    app: "saved-app",
    region: "iad",
    state,
    config: { image: "nginx:1" },
    instance_id: "01J0000000000000000000000A",
    versions: [],
    events: [],
    private_ip: "fdaa:0:1:a7b:1:2:3:2",
    created_at: at,
    updated_at: at,
    host_status: "ok",
    cordoned: false,
    checks: [],
    ...extra,
  };
  return machine;
}

describe("--state FILE", () => {
  it("keeps apps, machines, volumes, secrets, IPs and certificates across a restart", async () => {
    const first = await start();
    await first.api("POST", "/v1/apps", { name: "kept-app", org_slug: "acme" });
    const volume = await first.api("POST", "/v1/apps/kept-app/volumes", {
      name: "data",
      region: "iad",
    });
    await first.api("POST", "/v1/apps/kept-app/secrets", { values: { A: "1", B: "2" } });
    await first.api("POST", "/v1/apps/kept-app/ip_assignments", { type: "v6" });
    await first.api("POST", "/v1/apps/kept-app/certificates/acme", { hostname: "gw.example.com" });
    const machine = await first.api("POST", "/v1/apps/kept-app/machines", {
      region: "iad",
      config: { image: "nginx:1", mounts: [{ volume: volume.body.id, path: "/data" }] },
    });
    expect(machine.status).toBe(200);
    const wait = `/v1/apps/kept-app/machines/${machine.body.id}/wait?state=started&timeout=5`;
    expect((await first.api("GET", wait)).status).toBe(200);

    const reads = [
      "/v1/apps/kept-app",
      "/v1/apps/kept-app/volumes",
      "/v1/apps/kept-app/secrets",
      "/v1/apps/kept-app/ip_assignments",
      "/v1/apps/kept-app/certificates",
    ];
    const before = await Promise.all(reads.map((p) => first.api("GET", p)));
    const machineBefore = (await first.api("GET", `/v1/apps/kept-app/machines/${machine.body.id}`))
      .body;
    await stop(first);

    const second = await start();
    const after = await Promise.all(reads.map((p) => second.api("GET", p)));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect(after[1].body[0].attached_machine_id).toBe(machine.body.id);
    const machineAfter = await second.api("GET", `/v1/apps/kept-app/machines/${machine.body.id}`);
    expect(machineAfter.body).toMatchObject({
      id: machineBefore.id,
      name: machineBefore.name,
      state: "started",
      instance_id: machineBefore.instance_id,
      config: machineBefore.config,
    });
    // New writes continue the saved counters and versions.
    const next = await second.api("POST", "/v1/apps/kept-app/secrets/C", { value: "3" });
    expect(next.body.version).toBe(2);
  });

  it("writes changes to the file shortly after they happen, without waiting for shutdown", async () => {
    const fx = await start();
    await fx.api("POST", "/v1/apps", { name: "saved-soon", org_slug: "acme" });
    const saved = (): EmulatorState | undefined =>
      existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")) : undefined;
    // Written by the emulator's save timer, while it keeps running.
    await until(() => saved()?.apps["saved-soon"] !== undefined, "the world to be saved");
    expect(Object.keys(saved()?.apps ?? {})).toEqual(["saved-soon"]);
  });

  it("settles machines that were mid-transition into where they were heading", async () => {
    const world = emptyState();
    world.apps["saved-app"] = {
      id: "a1b2c3d4e5f6g7h8",
      name: "saved-app",
      org_slug: "acme",
      network: "default",
      status: "deployed",
      internal_numeric_id: 100001,
      created_at: 1_767_225_600_000,
    };
    world.secrets["saved-app"] = { version: 7, secrets: {} };
    world.machines = {
      aaaa000000000a: savedMachine("aaaa000000000a", "starting", { transition_to: "started" }),
      bbbb000000000b: savedMachine("bbbb000000000b", "stopping"),
      cccc000000000c: savedMachine("cccc000000000c", "replacing"),
      dddd000000000d: savedMachine("dddd000000000d", "destroying", { transition_to: "destroyed" }),
      eeee000000000e: savedMachine("eeee000000000e", "suspended"),
    };
    world.volumes.vol_0000000000000001 = {
      id: "vol_0000000000000001",
      app: "saved-app",
      name: "data",
      state: "created",
      region: "iad",
      zone: "09cd",
      size_gb: 1,
      encrypted: true,
      attached_machine_id: "dddd000000000d",
      attached_alloc_id: null,
      created_at: "2026-01-01T00:00:00.000Z",
      fstype: "ext4",
      snapshot_retention: 5,
      auto_backup_enabled: true,
      host_status: "ok",
      type: "local",
      block_size: 4096,
      snapshots: [],
    };
    writeFileSync(statePath, JSON.stringify(world));

    const fx = await start();
    const state = fx.handle.emulator.state;
    const summary = Object.values(state.machines).map((m) => [m.id, m.state, m.transition_to]);
    expect(summary).toEqual([
      ["aaaa000000000a", "started", undefined],
      ["bbbb000000000b", "stopped", undefined],
      ["cccc000000000c", "stopped", undefined],
      ["dddd000000000d", "destroyed", undefined],
      ["eeee000000000e", "suspended", undefined],
    ]);
    expect(state.machines.aaaa000000000a.booted_secrets_version).toBe(7);
    expect(state.machines.dddd000000000d.destroyed_at).toEqual(expect.any(Number));
    expect(state.volumes.vol_0000000000000001.attached_machine_id).toBeNull();
    const started = await fx.api("GET", "/v1/apps/saved-app/machines/aaaa000000000a");
    expect(started.body.state).toBe("started");
  });

  it("fills in what an older state file lacks", async () => {
    writeFileSync(statePath, JSON.stringify({ apps: {}, counters: { app: 4 } }));
    const fx = await start();
    expect(fx.handle.emulator.state).toEqual({ ...emptyState(), counters: { ip: 0, app: 4 } });
  });

  it("refuses to start from a state file that is not JSON, naming the file", async () => {
    writeFileSync(statePath, "{ not json");
    await expect(startEmulator({ statePath, port: 0 })).rejects.toThrow(
      new RegExp(
        `^state file ${statePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON`,
      ),
    );
  });
});
