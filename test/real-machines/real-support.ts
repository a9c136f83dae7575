import { join } from "node:path";
import { request } from "undici";
import { expect } from "vitest";
import type { FakeRuntime } from "./fake-gateway";
import type { RealMachinesOptions } from "../../emulator/real-machines/real-machines";
import type { StartEmulatorOptions } from "../../emulator/server";
import { startFixture, type EmulatorFixture } from "../emulator/emulator-support";
import { machinePath } from "../emulator/machine-support";

export {
  FAKE_CMD,
  FAKE_IMAGE,
  FAKE_VERSION,
  FAST_CHECK,
  fakeConfig,
  installFakeRuntime,
} from "./fake-gateway";
export type { FakeRuntime } from "./fake-gateway";

/** An emulator whose OpenClaw images run for real, on the stand-in runtime. */
export async function startRealFixture(
  runtime: FakeRuntime,
  options: StartEmulatorOptions = {},
  logs: string[] = [],
  real: Partial<RealMachinesOptions> = {},
): Promise<EmulatorFixture> {
  // With a state file the folders go beside it (so a restarted emulator finds them again).
  const root = options.statePath
    ? undefined
    : join(runtime.root, `machines-${Math.random().toString(36).slice(2, 8)}`);
  return startFixture({
    transitionMs: 20,
    realMachines: {
      ...(root ? { root } : {}),
      runtime: { pinsDir: runtime.pinsDir, cacheDir: runtime.cacheDir, install: false },
      onLog: (line) => logs.push(line),
      ...real,
    },
    ...options,
  });
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
