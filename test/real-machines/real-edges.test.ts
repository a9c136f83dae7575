import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pinManifest } from "../../gateway-runtime/runtime-pin-command";
import { PROJECT_ROOT } from "../../gateway-runtime/runtime-pins";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { createApp, createVolume, machinePath, waitState } from "../emulator/machine-support";
import {
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
const open: EmulatorFixture[] = [];

async function emulator(options = {}, logs: string[] = []): Promise<EmulatorFixture> {
  const fx = await startRealFixture(runtime, options, logs);
  open.push(fx);
  await createApp(fx, "gw");
  return fx;
}

async function failedMachine(fx: EmulatorFixture, config: Record<string, unknown>) {
  const res = await fx.api("POST", "/v1/apps/gw/machines", { region: "iad", config });
  expect(res.status).toBe(200);
  const machine = await machineUntil(fx, "gw", res.body.id, (m) => m.state === "failed");
  return { id: res.body.id as string, event: machine.events[0] };
}

beforeAll(() => {
  runtime = installFakeRuntime();
  // Pinned, never installed.
  const pin = join(runtime.pinsDir, "2099.1.2");
  mkdirSync(pin, { recursive: true });
  writeFileSync(join(pin, "package.json"), JSON.stringify(pinManifest("2099.1.2", {})));
  writeFileSync(join(pin, "package-lock.json"), "{}");
});
afterEach(async () => {
  for (const fx of open.splice(0)) await fx.close();
});
afterAll(() => runtime.remove());

describe("a real machine that cannot start", () => {
  it("fails, naming an OpenClaw version that has no pinned runtime and how to add one", async () => {
    const logs: string[] = [];
    const fx = await emulator({}, logs);
    const { id, event } = await failedMachine(
      fx,
      fakeConfig({ image: "ghcr.io/openclaw/openclaw:2099.9.9" }),
    );
    const reason =
      "OpenClaw 2099.9.9 has no pinned runtime (pinned: 2099.1.1, 2099.1.2); pin it with " +
      "`npm run runtime -- pin 2099.9.9` (it writes gateway-runtime/pins/2099.9.9/ with the " +
      "lockfile npm resolves; review its install scripts and commit the folder), then " +
      "`npm run runtime -- install 2099.9.9`";
    expect(event).toMatchObject({
      type: "start",
      status: "failed",
      source: "flyd",
      request: { error: reason },
    });
    expect(logs).toContain(`machine ${id} (app gw, region iad): failed to start: ${reason}`);
    expect(await consoleLines(fx, id)).toContain(`Error: ${reason}`);
    const wait = await fx.api("GET", machinePath("gw", id, "/wait?state=started&timeout=2"));
    expect(wait).toMatchObject({
      status: 400,
      body: { error: "machine failed to reach desired state started, current state: failed" },
    });
  });

  it("fails, naming a pinned runtime that is not installed and the command that installs it", async () => {
    const fx = await emulator();
    const { event } = await failedMachine(
      fx,
      fakeConfig({ image: "ghcr.io/openclaw/openclaw:2099.1.2" }),
    );
    expect(event.request.error).toBe(
      `the OpenClaw 2099.1.2 runtime is not installed in ${runtime.cacheDir}; install it with \`npm run runtime -- install 2099.1.2\``,
    );
  });

  it("fails when its port is taken by another process, and starts once it is free", async () => {
    const fx = await emulator();
    const res = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig(),
    });
    const id = res.body.id;
    await healthy(fx, "gw", id);
    const port = Number(new URL(await localUrl(fx, id)).port);
    await fx.api("POST", machinePath("gw", id, "/stop"), {});
    await waitState(fx, "gw", id, "stopped");
    const squatter = await listenOn(port);
    await fx.api("POST", machinePath("gw", id, "/start"));
    const failed = await machineUntil(fx, "gw", id, (m) => m.state === "failed");
    expect(failed.events[0].request.error).toBe(
      `port 127.0.0.1:${port} (guest port 3000) is in use by another process on this computer`,
    );
    await new Promise((resolve) => squatter.close(resolve));
    expect((await fx.api("POST", machinePath("gw", id, "/start"))).status).toBe(200);
    await healthy(fx, "gw", id);
    expect(await localUrl(fx, id)).toBe(`http://127.0.0.1:${port}`);
  });
});

describe("a real machine that never answers", () => {
  it("keeps its checks critical with what the probe saw", async () => {
    const fx = await emulator();
    const res = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({ env: { FAKE_STARTUP_MS: "never" } }),
    });
    const machine = await machineUntil(fx, "gw", res.body.id, (m) =>
      m.checks?.[0]?.output?.includes("503"),
    );
    expect(machine.checks[0]).toMatchObject({
      status: "critical",
      output: `GET http://[${machine.private_ip}]:3000/startupz: 503 Service Unavailable Output: {"ok":false,"status":"starting"}`,
    });
  });

  it("reports a refused connection when nothing listens, and a timeout when the answer is late", async () => {
    const fx = await emulator();
    const silent = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({ init: { cmd: ["sleep", "30"] } }),
    });
    const late = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({
        env: { FAKE_SLOW_MS: "1000" },
        checks: {
          startup: {
            type: "http",
            port: 3000,
            path: "/startupz",
            interval: "200ms",
            timeout: "100ms",
          },
        },
      }),
    });
    const ip = (m: any) => `[${m.private_ip}]:3000`;
    const refused = await machineUntil(
      fx,
      "gw",
      silent.body.id,
      (m) => m.checks?.[0] !== undefined && m.checks[0].output !== "waiting for status",
    );
    expect(refused.checks[0].output).toBe(
      `GET http://${ip(refused)}/startupz: dial tcp ${ip(refused)}: connect: connection refused`,
    );
    const timedOut = await machineUntil(fx, "gw", late.body.id, (m) =>
      /deadline/.test(m.checks?.[0]?.output ?? ""),
    );
    expect(timedOut.checks[0].output).toBe(
      `GET http://${ip(timedOut)}/startupz: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
  });
});

describe("a real machine's volume", () => {
  it("survives an emulator restart with --state, which boots the machine again", async () => {
    const statePath = join(runtime.root, `state-${Date.now()}.json`);
    const first = await emulator({ statePath });
    await first.api("POST", "/v1/apps/gw/secrets", {
      values: { GATEWAY_SECRET: "persisted-secret-77e1c9" },
    });
    const volume = await createVolume(first, "gw");
    const created = await first.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({ mounts: [{ volume, path: "/data" }] }),
    });
    const id = created.body.id;
    await healthy(first, "gw", id);
    const url = await localUrl(first, id);
    const before = await whoami(url);
    await first.close();
    open.splice(open.indexOf(first), 1);
    await gone(before.pid);

    // Values live beside the state file, readable by its owner only; the state has digests.
    expect(readFileSync(statePath, "utf8")).not.toContain("persisted-secret-77e1c9");
    expect(statSync(`${statePath}.secrets`).mode & 0o777).toBe(0o600);

    const second = await startRealFixture(runtime, { statePath });
    open.push(second);
    await healthy(second, "gw", id);
    const after = await whoami(await localUrl(second, id));
    expect(await localUrl(second, id)).toBe(url);
    expect(after.env.GATEWAY_SECRET).toBe("persisted-secret-77e1c9");
    const boots = readFileSync(join(after.env.OPENCLAW_STATE_DIR, "boots.txt"), "utf8");
    expect(boots).toBe(`${before.pid}\n${after.pid}\n`);
  });

  it("is copied by a snapshot, and a volume restored from it starts as that copy", async () => {
    const fx = await emulator();
    const volume = await createVolume(fx, "gw");
    const folders = fx.handle.emulator.real!.folders;
    writeFileSync(join(folders.volume(volume), "memory.txt"), "before the snapshot");
    await fx.api("POST", `/v1/apps/gw/volumes/${volume}/snapshots`);
    writeFileSync(join(folders.volume(volume), "memory.txt"), "after the snapshot");
    // A restore takes a completed snapshot only: wait for its status, not for a guessed time.
    const snapshot = await snapshotCreated(fx, volume);
    const restored = await fx.api("POST", "/v1/apps/gw/volumes", {
      name: "data",
      region: "iad",
      snapshot_id: snapshot.id,
      require_unique_zone: false,
    });
    expect(restored.status).toBe(200);
    expect(readFileSync(join(folders.volume(restored.body.id), "memory.txt"), "utf8")).toBe(
      "before the snapshot",
    );
  });

  it("is copied by a fork as it is at the fork, and the fork then lives apart from it", async () => {
    const fx = await emulator();
    const volume = await createVolume(fx, "gw");
    const folders = fx.handle.emulator.real!.folders;
    mkdirSync(join(folders.volume(volume), "state"));
    writeFileSync(join(folders.volume(volume), "state", "memory.txt"), "before the fork");
    const fork = await fx.api("POST", "/v1/apps/gw/volumes", {
      name: "data",
      source_volume_id: volume,
    });
    expect(fork.status).toBe(200);
    writeFileSync(join(folders.volume(volume), "state", "memory.txt"), "after the fork");
    writeFileSync(join(folders.volume(fork.body.id), "state", "fork.txt"), "only on the fork");
    expect(readFileSync(join(folders.volume(fork.body.id), "state", "memory.txt"), "utf8")).toBe(
      "before the fork",
    );
    expect(existsSync(join(folders.volume(volume), "state", "fork.txt"))).toBe(false);
  });
});

describe("the emulator's own end", () => {
  for (const [how, kill] of [
    ["SIGTERM, as npm run emulator takes it", "SIGTERM"],
    ["an abrupt SIGKILL (the guard ends them)", "SIGKILL"],
    ["a crash", undefined],
  ] as const) {
    it(`ends its machines' processes on ${how}`, async () => {
      const child = spawn(
        process.execPath,
        // tsx as a loader, not its CLI: the CLI runs the script in a child of its own, which a
        // SIGKILL of the CLI would not reach.
        [
          "--import",
          "tsx",
          join(__dirname, "fixtures", "emulator-child.ts"),
          runtime.root,
          kill ? "stay" : "crash",
        ],
        { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const closed = new Promise<number | null>((resolve) =>
        child.once("close", (code) => resolve(code)),
      );
      await expect.poll(() => output.includes('{"pid"'), { timeout: 30_000 }).toBe(true);
      const { pid, worker } = JSON.parse(output.split("\n").find((l) => l.startsWith('{"pid"'))!);
      if (kill) child.kill(kill);
      const code = await closed;
      expect(code).toBe(kill === "SIGTERM" ? 0 : kill === "SIGKILL" ? null : 1);
      await gone(pid);
      await gone(worker);
    }, 60_000);
  }
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/** The volume's one snapshot once it reads `created` (15 s at most). */
async function snapshotCreated(fx: EmulatorFixture, volume: string): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [snapshot] = (await fx.api("GET", `/v1/apps/gw/volumes/${volume}/snapshots`)).body;
    if (snapshot?.status === "created") return snapshot;
    if (Date.now() > deadline)
      throw new Error(`snapshot never created: ${JSON.stringify(snapshot)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
