import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { expect } from "vitest";
import { pinnedNode } from "../../gateway-runtime/pinned-node";
import { pinManifest } from "../../gateway-runtime/runtime-pin-command";
import { takeReceipt } from "../../gateway-runtime/runtime-npm";
import { readPin } from "../../gateway-runtime/runtime-pins";
import type { StartEmulatorOptions } from "../../emulator/server";
import { startFixture, type EmulatorFixture } from "../emulator/emulator-support";
import { machinePath } from "../emulator/machine-support";

/** The version of the stand-in gateway (fixtures/fake-openclaw.mjs) and its image. */
export const FAKE_VERSION = "2099.1.1";
export const FAKE_IMAGE = `ghcr.io/openclaw/openclaw:${FAKE_VERSION}`;

/** A pinned and installed runtime whose `openclaw.mjs` is the stand-in gateway. */
export interface FakeRuntime {
  pinsDir: string;
  cacheDir: string;
  root: string;
  remove(): void;
}

/** Pins and "installs" the stand-in gateway as OpenClaw 2099.1.1, as npm ci would lay it out. */
export function installFakeRuntime(): FakeRuntime {
  const root = mkdtempSync(join(tmpdir(), "real-machines-"));
  const pinsDir = join(root, "pins");
  const cacheDir = join(root, "runtimes");
  const pinDir = join(pinsDir, FAKE_VERSION);
  mkdirSync(pinDir, { recursive: true });
  writeFileSync(join(pinDir, "package.json"), JSON.stringify(pinManifest(FAKE_VERSION, {})));
  writeFileSync(
    join(pinDir, "package-lock.json"),
    JSON.stringify({ lockfileVersion: 3, packages: { "": {}, "node_modules/openclaw": {} } }),
  );
  const installed = join(cacheDir, FAKE_VERSION);
  const packageDir = join(installed, "node_modules", "openclaw");
  mkdirSync(packageDir, { recursive: true });
  copyFileSync(join(pinDir, "package-lock.json"), join(installed, "package-lock.json"));
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify({ name: "openclaw", version: FAKE_VERSION }),
  );
  copyFileSync(join(__dirname, "fixtures", "fake-openclaw.mjs"), join(packageDir, "openclaw.mjs"));
  takeReceipt(installed, readPin(FAKE_VERSION, pinsDir), pinnedNode(), { npmVersion: "test" }, 0);
  return { pinsDir, cacheDir, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** An emulator whose OpenClaw images run for real, on the stand-in runtime. */
export async function startRealFixture(
  runtime: FakeRuntime,
  options: StartEmulatorOptions = {},
  logs: string[] = [],
): Promise<EmulatorFixture> {
  return startFixture({
    transitionMs: 20,
    realMachines: {
      root: join(runtime.root, `machines-${Math.random().toString(36).slice(2, 8)}`),
      runtime: { pinsDir: runtime.pinsDir, cacheDir: runtime.cacheDir, install: false },
      onLog: (line) => logs.push(line),
    },
    ...options,
  });
}

/** The stand-in's command, as the project's machines run the gateway (`sh -c ... exec node`). */
export const FAKE_CMD = [
  "sh",
  "-c",
  "rm -f /data/tmp/openclaw-*/gateway.*.lock; exec node openclaw.mjs gateway --port 3000 --bind lan",
];

/** A check on the gateway's port that answers quickly (the stand-in boots in ~300 ms). */
export const FAST_CHECK = {
  startup: {
    type: "http",
    port: 3000,
    method: "GET",
    path: "/startupz",
    grace_period: "100ms",
    interval: "100ms",
    timeout: "2s",
  },
};

/** A machine config running the stand-in; `extra` fields replace the defaults. */
export function fakeConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    image: FAKE_IMAGE,
    init: { cmd: FAKE_CMD },
    env: { OPENCLAW_STATE_DIR: "/data" },
    checks: FAST_CHECK,
    restart: { policy: "no" },
    ...extra,
  };
}

/** Polls a machine until `accept` holds for its GET answer (15 s at most). */
export async function machineUntil(
  fx: EmulatorFixture,
  app: string,
  id: string,
  accept: (machine: any) => boolean,
  timeoutMs = 15_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const machine = (await fx.api("GET", machinePath(app, id))).body;
    if (accept(machine)) return machine;
    if (Date.now() > deadline) {
      throw new Error(`machine ${id} never got there; it is ${JSON.stringify(machine)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until every check of the machine passes. */
export function healthy(fx: EmulatorFixture, app: string, id: string): Promise<any> {
  return machineUntil(
    fx,
    app,
    id,
    (m) =>
      m.state === "started" &&
      m.checks?.length > 0 &&
      m.checks.every((c: any) => c.status === "passing"),
  );
}

/** The machine's `local_url`, from the control surface's state. */
export async function localUrl(fx: EmulatorFixture, id: string): Promise<string> {
  const url = (await fx.control("GET", "/state")).body.machines[id].local_url as string;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return url;
}

/** What the stand-in gateway at `url` reports about itself. */
export async function whoami(url: string): Promise<any> {
  const res = await request(`${url}/whoami`);
  return res.body.json();
}

/** Whether a process id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone (5 s at most). */
export async function gone(pid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The machine's console lines (messages only), from the control endpoint. */
export async function consoleLines(fx: EmulatorFixture, id: string): Promise<string[]> {
  const res = await fx.control("GET", `/machines/${id}/logs?lines=1000`);
  return res.body.lines.map((line: { message: string }) => line.message);
}
