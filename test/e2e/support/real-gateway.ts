import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { expect } from "vitest";
import { ensureRuntime, formatMiB } from "../../../gateway-runtime/runtime-install";
import type { EmulatorHandle, StartEmulatorOptions } from "../../../emulator/server";
import type { MachineRecord } from "../../../emulator/state";
import { E2E_TUNING } from "./e2e-stack";

/** The gateway version the real-gateway tests run: the default image's. */
export const REAL_VERSION = "2026.9.6";

/** An older pinned version, whose gateway refuses the database REAL_VERSION leaves behind. */
export const OLDER_VERSION = "2026.9.5";

/**
 * Installs (on first use) and describes the gateway runtimes the tests run, printing what the test log must
 * show: where it is, its size, the OpenClaw version and the Node it runs on.
 */
export async function gatewayRuntime(): Promise<void> {
  for (const version of [REAL_VERSION, OLDER_VERSION]) {
    const runtime = await ensureRuntime(version, { onProgress: (line) => console.log(line) });
    const { receipt } = runtime;
    console.log(
      `real gateway: OpenClaw ${receipt.version} from ${runtime.packageDir} ` +
        `(${receipt.packages} packages, ${formatMiB(receipt.sizeBytes)}, installed ${receipt.installedAt} ` +
        `in ${Math.round(receipt.durationMs / 1000)} s), on Node ${runtime.node.version} (${runtime.node.binary})`,
    );
  }
}

/** An emulator whose OpenClaw machines run the real gateway. */
export function realEmulator(label: string): StartEmulatorOptions {
  return {
    // A crashed gateway is restarted a moment later, as on Fly.
    transitionMs: 100,
    realMachines: { onLog: (line) => console.log(`[${label} emulator] ${line}`) },
  };
}

/**
 * Stack config for real gateways: checks that probe every 2 s from 1 s after boot, a health
 * budget a gateway meets even on a loaded machine (a boot takes 15-60 s on two cores), and
 * polls that do not hammer the emulator while it waits.
 */
export const REAL_CONFIG: Readonly<Record<string, string>> = {
  healthCheck: JSON.stringify({ gracePeriod: "1s", interval: "2s", timeout: "5s" }),
  healthTimeoutSeconds: "300",
  providerTuning: JSON.stringify({ ...E2E_TUNING, pollIntervalMs: 500, leaseTtlSeconds: 30 }),
};

/** Upper bound of one engine operation against real gateways (two boots, a rollback). */
export const REAL_OPERATION_MS = 900_000;

/** A gateway answer: status and parsed body. */
export interface GatewayAnswer {
  status: number;
  body: any;
}

/** `GET /startupz` of a gateway. */
export async function startupz(url: string): Promise<GatewayAnswer> {
  const res = await request(`${url}/startupz`, { signal: AbortSignal.timeout(15_000) });
  return { status: res.statusCode, body: await res.body.json() };
}

/**
 * `POST /tools/invoke` of the `session_status` tool: an authenticated gateway HTTP API call
 * (`token` undefined sends no Authorization header). Its text names the gateway's version and
 * the agent's model.
 */
export async function sessionStatus(url: string, token?: string): Promise<GatewayAnswer> {
  const res = await request(`${url}/tools/invoke`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ tool: "session_status", args: {} }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

/** The text of a successful `session_status` answer. */
export function statusText(answer: GatewayAnswer): string {
  expect(answer.status).toBe(200);
  return answer.body.result.content.map((c: { text: string }) => c.text).join("\n");
}

/** The machine's gateway process id (it must be running). */
export function gatewayPid(handle: EmulatorHandle, machine: MachineRecord): number {
  const pid = handle.emulator.real!.pidOf(machine.id);
  if (pid === undefined) throw new Error(`machine ${machine.id} has no running process`);
  return pid;
}

/** A running process's environment (Linux: /proc/<pid>/environ). */
export function processEnv(pid: number): Record<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

/** The gateway's lock files on a machine's volume, with the pid each one names. */
export function gatewayLocks(handle: EmulatorHandle, volumeId: string): Record<string, number> {
  const tmp = join(handle.emulator.real!.folders.volume(volumeId), "tmp");
  const locks: Record<string, number> = {};
  if (!existsSync(tmp)) return locks;
  for (const dir of readdirSync(tmp).filter((d) => d.startsWith("openclaw-"))) {
    for (const file of readdirSync(join(tmp, dir)).filter((f) => /^gateway\..*\.lock$/.test(f))) {
      const payload = JSON.parse(readFileSync(join(tmp, dir, file), "utf8")) as { pid: number };
      locks[`${dir}/${file}`] = payload.pid;
    }
  }
  return locks;
}

/**
 * Seconds from the machine's last process start ("Preparing to run") to the gateway's own
 * "ready" line after it, from its console.
 */
export function bootSeconds(handle: EmulatorHandle, machine: MachineRecord): number {
  const lines = handle.emulator.real!.console(machine.id).tail(1_000);
  const start = lines.map((l) => l.message.startsWith("Preparing to run:")).lastIndexOf(true);
  const ready = lines.slice(start).find((l) => /\[gateway\] ready\b/.test(l.message));
  if (start === -1 || !ready) return Number.NaN;
  return Math.round((ready.timestamp - lines[start].timestamp) / 100) / 10;
}

/** The machine's console lines (messages only). */
export function consoleOf(handle: EmulatorHandle, machine: MachineRecord): string[] {
  return handle.emulator
    .real!.console(machine.id)
    .tail(1_000)
    .map((line) => line.message);
}
