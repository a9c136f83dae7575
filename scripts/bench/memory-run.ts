/**
 * One measurement of `npm run bench:memory`: the machine the program deploys for one size (its
 * command, env with the Node heap setting, config file and volume, built by the component's own
 * spec builder) booted as a real machine in the emulator, under the memory limit of that size,
 * and the memory of its whole process group sampled every 250 ms through three phases:
 *
 * - boot: from start until `/startupz` passes (the peak counts: Fly's OOM killer sees peaks);
 * - idle: a quiet window after ready (its last sample, once the post-ready workers settled);
 * - load: the Control UI opened in headless Chromium with the token, and a few authenticated
 *   API sessions (`session_status` through `/tools/invoke`), the peak while they run.
 *
 * Memory is the group's PSS (shared pages counted once, as the VM's kernel counts them). A kill
 * for memory ends the run early and is reported as its outcome.
 */
import { randomBytes } from "node:crypto";
import { request } from "undici";
import { buildGatewayMachineSpec } from "../../components/gateway-machine-spec";
import { renderOpenClawConfig, serializeOpenClawConfig } from "../../components/openclaw-config";
import { GATEWAY_TOKEN_ENV } from "../../components/gateway-constants";
import { nodeHeapMb } from "../../components/vm-sizes";
import { processGroupMembers } from "../../emulator/real-machines/process-memory";
import { startEmulator, type EmulatorHandle } from "../../emulator/server";
import type { MachineRecord } from "../../emulator/state";
import { toApiConfig } from "../../providers/machine/machine-api-config";
import { DEFAULT_IMAGE, DEFAULT_ORG } from "../../rules/deployment-defaults";
import type { FlyGuest } from "../../rules/fly-sizes";
import { visitControlUi } from "./control-ui-visit";

/** One size to measure. */
export interface MemoryCase {
  /** The preset name, or a label such as `shared-cpu-1x @ 1024 MB`. */
  label: string;
  guest: FlyGuest;
}

/** What one size measured, in MiB (PSS of the machine's process group). */
export interface MemoryResult {
  label: string;
  guest: FlyGuest;
  heapMb: number;
  /** Seconds from start to a passing `/startupz`; undefined when it never passed. */
  readySeconds?: number;
  bootPeakMb: number;
  idleMb?: number;
  loadPeakMb?: number;
  /** The largest single process at the overall peak (the gateway itself). */
  gatewayPeakMb: number;
  /** Processes seen in the group at once, at most. */
  processes: number;
  outcome: "ok" | "oom-killed" | "exited" | "not ready";
  /** When the outcome is not ok: in which phase, and what the exit said. */
  detail?: string;
}

/** Timing of a run; the defaults fit a loaded 2-core machine. */
export interface MemoryRunOptions {
  /** Longest wait for `/startupz` (default 300 s). */
  bootTimeoutMs?: number;
  /** Idle window after ready (default 30 s). */
  idleMs?: number;
  /** API sessions opened beside the Control UI (default 5). */
  sessions?: number;
  onProgress?: (line: string) => void;
}

const SAMPLE_MS = 250;
const MIB = 1024 * 1024;
const APP = "bench-memory";
const REGION = "iad";

/** Measures one size; every process it started is gone when it returns. */
export async function measureMemory(
  size: MemoryCase,
  options: MemoryRunOptions = {},
): Promise<MemoryResult> {
  const say = options.onProgress ?? (() => undefined);
  const emulator = await startEmulator({ transitionMs: 100, realMachines: { onLog: say } });
  const sampler = new GroupSampler();
  try {
    const { machine, token } = await deploy(emulator, size.guest);
    const result: MemoryResult = {
      label: size.label,
      guest: size.guest,
      heapMb: nodeHeapMb(size.guest.memoryMb),
      bootPeakMb: 0,
      gatewayPeakMb: 0,
      processes: 0,
      outcome: "ok",
    };
    const record = () => emulator.emulator.state.machines[machine];
    const pid = () => emulator.emulator.real!.pidOf(machine);
    sampler.start(pid);
    const started = Date.now();
    const ready = await until(
      () => record().checks?.some((c) => c.status === "passing") ?? false,
      () => ended(record()),
      options.bootTimeoutMs ?? 300_000,
    );
    result.bootPeakMb = sampler.takePeak();
    if (ready !== "yes") return finish(result, record(), "boot", ready);
    result.readySeconds = Math.round((Date.now() - started) / 100) / 10;
    say(
      `${size.label}: ready in ${result.readySeconds} s; idle for ${options.idleMs ?? 30_000} ms`,
    );
    const idle = await until(
      () => false,
      () => ended(record()),
      options.idleMs ?? 30_000,
    );
    result.idleMb = sampler.last();
    sampler.takePeak();
    if (idle === "ended") return finish(result, record(), "idle", idle);
    say(`${size.label}: opening the Control UI and ${options.sessions ?? 5} API sessions`);
    const url = record().local_url!;
    const load = await Promise.allSettled([
      visitControlUi(url, token),
      ...Array.from({ length: options.sessions ?? 5 }, () => sessionStatus(url, token)),
    ]);
    // Workers the load spawned settle within seconds; their peak is what a VM must hold.
    await until(
      () => false,
      () => ended(record()),
      5_000,
    );
    result.loadPeakMb = sampler.takePeak();
    const failed = load.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    if (ended(record())) return finish(result, record(), "load", "ended");
    if (failed) return { ...result, outcome: "exited", detail: `load failed: ${failed.reason}` };
    return withPeaks(result, sampler);
  } finally {
    sampler.stop();
    await emulator.close();
  }
}

async function deploy(emulator: EmulatorHandle, guest: FlyGuest) {
  const api = apiOf(emulator);
  await api("POST", "/v1/apps", { app_name: APP, org_slug: DEFAULT_ORG });
  const token = randomBytes(32).toString("hex");
  await api("POST", `/v1/apps/${APP}/secrets`, { values: { [GATEWAY_TOKEN_ENV]: token } });
  const volume = await api("POST", `/v1/apps/${APP}/volumes`, {
    name: "openclaw_data",
    region: REGION,
    size_gb: 1,
  });
  const config = renderOpenClawConfig({}, { appName: APP, mode: "public" });
  const spec = buildGatewayMachineSpec({
    app: APP,
    region: REGION,
    image: DEFAULT_IMAGE,
    guest,
    volumeId: volume.id as string,
    openclawConfigText: serializeOpenClawConfig(config),
    mode: "public",
    healthCheck: { gracePeriod: "1s", interval: "1s", timeout: "5s" },
  });
  const created = await api("POST", `/v1/apps/${APP}/machines`, {
    region: REGION,
    config: toApiConfig(spec, {}),
  });
  return { machine: created.id as string, token };
}

function apiOf(emulator: EmulatorHandle) {
  return async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await request(`${emulator.url}${path}`, {
      method: method as "POST",
      headers: { authorization: `Bearer ${emulator.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}

async function sessionStatus(url: string, token: string): Promise<void> {
  const res = await request(`${url}/tools/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ tool: "session_status", args: {} }),
    signal: AbortSignal.timeout(120_000),
  });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`session_status answered ${res.statusCode}`);
}

/** Whether the machine's process ended (it exited, or it is being restarted). */
function ended(machine: MachineRecord): boolean {
  return machine.events.some((e) => e.type === "exit");
}

/** Polls `done` until it holds ("yes"), `stop` holds ("ended"), or time runs out ("timeout"). */
async function until(
  done: () => boolean,
  stop: () => boolean,
  timeoutMs: number,
): Promise<"yes" | "ended" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return "yes";
    if (stop()) return "ended";
    if (Date.now() >= deadline) return "timeout";
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  }
}

function finish(
  result: MemoryResult,
  machine: MachineRecord,
  phase: string,
  why: "ended" | "timeout",
): MemoryResult {
  if (why === "timeout") return { ...result, outcome: "not ready", detail: `${phase}: timed out` };
  const exit = machine.events.find((e) => e.type === "exit")?.request?.exit_event as
    { exit_code?: number; oom_killed?: boolean } | undefined;
  return {
    ...result,
    outcome: exit?.oom_killed ? "oom-killed" : "exited",
    detail: `${phase}: exit code ${exit?.exit_code ?? "unknown"}`,
  };
}

function withPeaks(result: MemoryResult, sampler: GroupSampler): MemoryResult {
  return { ...result, gatewayPeakMb: sampler.largestProcess, processes: sampler.mostProcesses };
}

/** Samples a process group's PSS every 250 ms and keeps the peak since it was last taken. */
class GroupSampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;
  private latest = 0;
  largestProcess = 0;
  mostProcesses = 0;

  start(pid: () => number | undefined): void {
    this.timer = setInterval(() => {
      const group = pid();
      if (group === undefined) return;
      const members = processGroupMembers(group);
      const sizes = members.map((p) => (p.pssBytes ?? p.rssBytes) / MIB);
      this.latest = Math.round(sizes.reduce((a, b) => a + b, 0));
      this.peak = Math.max(this.peak, this.latest);
      this.largestProcess = Math.max(this.largestProcess, Math.round(Math.max(0, ...sizes)));
      this.mostProcesses = Math.max(this.mostProcesses, members.length);
    }, SAMPLE_MS);
  }

  last(): number {
    return this.latest;
  }

  takePeak(): number {
    const peak = this.peak;
    this.peak = this.latest;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
