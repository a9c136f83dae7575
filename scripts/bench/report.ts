/**
 * The benchmark's figures as one JSON-ready object, and the same figures as Markdown tables.
 */
import { cpus, loadavg, release, totalmem } from "node:os";
import type { ClientBenchResult } from "../bench-client";
import type { ApiTimings } from "./critical-path";
import type { RegionSetResult, ScenarioResult } from "./scenarios";
import { callsOverMinimum, checkTargets, wallOverBound } from "./targets";
import type { TargetCheck } from "./targets";

/** Where the bench ran. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
}

/** The 1-minute load average when the run began and when it ended (other work on the machine). */
export interface LoadAverage {
  readonly start: number;
  readonly end: number;
}

/** The 1-minute load average now. */
export function loadNow(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** Everything one run measured. */
export interface BenchReport {
  readonly machine: MachineInfo;
  readonly load: LoadAverage;
  readonly timings: ApiTimings;
  readonly rateLimit: boolean;
  readonly pollIntervalMs: number;
  /**
   * Every empty-program run, and the fastest: the fixed start-up every bound includes; and the
   * same runs' CPU time (engine, program and provider host together), and the least of it.
   */
  readonly startup: {
    readonly runsMs: readonly number[];
    readonly minMs: number;
    readonly cpuRunsMs: readonly number[];
    readonly minCpuMs: number;
  };
  readonly regionSets: readonly RegionSetResult[];
  readonly client: ClientBenchResult | undefined;
  readonly targets: readonly TargetCheck[];
  readonly totalSeconds: number;
}

/** This machine, as the report names it. */
export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
  };
}

/** Assembles the report and checks the targets. */
export function buildReport(parts: Omit<BenchReport, "targets">): BenchReport {
  return { ...parts, targets: checkTargets(parts.regionSets, parts.startup.minMs) };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** The report as Markdown: settings, scenarios, calls by route, state sizes, client, targets. */
export function formatReport(report: BenchReport): string {
  const { machine, timings } = report;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}, ` +
      `Node ${machine.node}; 1-minute load average ${report.load.start} at the start, ` +
      `${report.load.end} at the end`,
    `Emulator: ${timings.latencyMs} ms per request, ${timings.transitionMs} ms to begin booting, ` +
      `${timings.bootMs} ms boot, ${timings.checksMs} ms to healthy, rate limits ` +
      `${report.rateLimit ? "on" : "off"}; providers poll every ${report.pollIntervalMs} ms`,
    `Engine start-up (empty program, fastest of ${report.startup.runsMs.length} runs): ` +
      `${seconds(report.startup.minMs)} s (${report.startup.runsMs.join(", ")} ms); CPU time ` +
      `of its processes ${seconds(report.startup.minCpuMs)} s at least ` +
      `(${report.startup.cpuRunsMs.join(", ")} ms)`,
    "",
    ...scenarioTable(report.regionSets.flatMap((set) => set.scenarios)),
    "",
    ...phaseTable(report.regionSets.flatMap((set) => set.scenarios)),
    "",
    ...waitTable(report.regionSets.flatMap((set) => set.scenarios)),
    "",
    ...manualTable(report.regionSets),
    ...memoryTable(report.regionSets.flatMap((set) => set.scenarios)),
    "",
    ...routeTables(report.regionSets),
    ...stateTable(report.regionSets),
    ...previewTable(report.regionSets, report.startup.minCpuMs),
    ...clientTable(report.client),
    ...targetLines(report.targets),
    "",
    `Total: ${report.totalSeconds.toFixed(0)} s`,
  ];
  return `${lines.join("\n")}\n`;
}

function scenarioTable(results: readonly ScenarioResult[]): string[] {
  const rows = results.map((r) => {
    if (!r.ok) return `| ${r.scenario} | ${r.regions} | failed: ${firstLine(r.error)} |`;
    const timed = r.scenario === "fresh-up" || r.scenario === "rollout";
    const ratio = timed ? wallOverBound(r) : undefined;
    const calls = callsOverMinimum(r);
    return (
      `| ${r.scenario} | ${r.regions} | ${seconds(r.wallMs)} | ${seconds(r.pathMs)} | ` +
      `${r.boundMs === undefined ? "" : seconds(r.boundMs)} | ` +
      `${ratio === undefined ? "" : ratio.toFixed(2)} | ${r.calls.total} | ` +
      `${r.minimum.total} | ${calls === undefined ? "" : calls.toFixed(2)} | ${r.rateLimited} | ` +
      `${r.mutatingCalls} |`
    );
  });
  return [
    "| scenario | regions | wall s | path s | bound s | wall/bound | API calls | minimum | calls/min | 429s | mutating |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ];
}

/** Where each operation's wall time went, with the resource steps beside the critical path. */
function phaseTable(results: readonly ScenarioResult[]): string[] {
  return [
    "Where the wall time went (s): engine and SDK start-up, the program's own load, the resource",
    "steps (bounded by the critical path), and shutdown:",
    "",
    "| scenario | regions | start-up | program load | resource steps | path | steps/path | shutdown | engine CPU | program+host CPU |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results
      .filter((r) => r.ok)
      .map(({ scenario, regions, phases: p, pathMs, engineCpuMs, childCpuMs }) => {
        // A refresh starts the provider host inside its steps (no program runs first).
        const ratio =
          pathMs > 0 && scenario !== "refresh" ? (p.resourcesMs / pathMs).toFixed(2) : "";
        return (
          `| ${scenario} | ${regions} | ${seconds(p.startupMs)} | ${seconds(p.programLoadMs)} | ` +
          `${seconds(p.resourcesMs)} | ${seconds(pathMs)} | ${ratio} | ${seconds(p.shutdownMs)} | ` +
          `${seconds(engineCpuMs)} | ${seconds(childCpuMs)} |`
        );
      }),
  ];
}

/** What the resource steps waited for: Fly's boots and checks, pacing, rate-limit headroom. */
function waitTable(results: readonly ScenarioResult[]): string[] {
  return [
    "What the resource steps waited for: machines booting and passing checks (wall time with at",
    "least one machine waited for), requests held back by the client's pacing (count, sum of holds,",
    "longest), and the fewest tokens Fly's rate-limit buckets held when a request arrived:",
    "",
    "| scenario | regions | resource steps s | machine waits s | pacing holds | held s | longest s | least tokens | on |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...results
      .filter((r) => r.ok)
      .map(({ scenario, regions, phases, breakdown: b }) => {
        const least = b.leastRateTokens === undefined ? "" : b.leastRateTokens.toFixed(2);
        return (
          `| ${scenario} | ${regions} | ${seconds(phases.resourcesMs)} | ` +
          `${seconds(b.machineWaitsMs)} | ${b.pacingHolds} | ${seconds(b.pacingHeldMs)} | ` +
          `${seconds(b.longestHoldMs)} | ${least} | ${b.leastRateTokensRoute ?? ""} |`
        );
      }),
  ];
}

/** Our fresh up beside the same deployment by hand, where the baseline ran. */
function manualTable(sets: readonly RegionSetResult[]): string[] {
  const rows = sets.flatMap((set) => {
    const fresh = set.scenarios.find((r) => r.scenario === "fresh-up" && r.ok);
    if (set.manual === undefined || fresh === undefined) return [];
    return [
      `| ${set.regions} | ${seconds(fresh.wallMs)} | ${seconds(fresh.phases.resourcesMs)} | ` +
        `${seconds(set.manual.wallMs)} | ${(fresh.wallMs / set.manual.wallMs).toFixed(2)} | ` +
        `${fresh.calls.total} | ${set.manual.calls} |`,
    ];
  });
  if (rows.length === 0) return [];
  return [
    "The fresh up beside the deployment guide's steps by hand (sequential API calls, each machine",
    "waited for until healthy, checks read once a second; no engine):",
    "",
    "| regions | fresh up s | of which resource steps s | by hand s | fresh up/by hand | calls | by hand calls |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ];
}

/** Peak resident memory per process and operation. */
function memoryTable(results: readonly ScenarioResult[]): string[] {
  return [
    "Peak resident memory (MiB): the engine (the bench's process, cumulative), the program, the",
    "provider host:",
    "",
    "| scenario | regions | engine | program | provider host |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...results.map(
      ({ scenario, regions, memory: m }) =>
        `| ${scenario} | ${regions} | ${m.engineMb} | ${m.programMb} | ${m.providerHostMb} |`,
    ),
  ];
}

/** Per scenario: calls by route, one column per number of regions, excess over the minimum. */
function routeTables(sets: readonly RegionSetResult[]): string[] {
  const scenarios = [...new Set(sets.flatMap((s) => s.scenarios.map((r) => r.scenario)))];
  return scenarios.flatMap((scenario) => {
    const columns = sets.flatMap((set) => set.scenarios.filter((r) => r.scenario === scenario));
    const routes = [...new Set(columns.flatMap((r) => Object.keys(r.calls.byRoute)))].sort();
    if (routes.length === 0) return [`API calls of ${scenario}: none`, ""];
    const cell = (r: ScenarioResult, route: string) => {
      const count = r.calls.byRoute[route] ?? 0;
      const extra = r.excess[route];
      return extra === undefined ? String(count) : `${count} (+${extra})`;
    };
    return [
      `API calls of ${scenario} by route (+ calls beyond the minimum):`,
      "",
      `| route | ${columns.map((r) => regionsLabel(r.regions)).join(" | ")} |`,
      `| --- | ${columns.map(() => "---:").join(" | ")} |`,
      ...routes.map((route) => `| ${route} | ${columns.map((r) => cell(r, route)).join(" | ")} |`),
      "",
    ];
  });
}

function stateTable(sets: readonly RegionSetResult[]): string[] {
  const measured = sets.filter((set) => set.state !== undefined);
  const last = measured.at(-1)?.state;
  if (last === undefined) return ["State size: not measured (no fresh up succeeded)"];
  return [
    "`__provider` per resource (one copy; the state holds it in inputs and outputs):",
    "",
    "| resource type | `__provider` bytes | state entry KiB |",
    "| --- | ---: | ---: |",
    ...last.byType.map((t) => `| ${t.type} | ${t.providerBytes} | ${kib(t.resourceBytes)} |`),
    "",
    "| regions | resources | state KiB | of which `__provider` KiB |",
    "| ---: | ---: | ---: | ---: |",
    ...measured.map(
      ({ regions, state }) =>
        `| ${regions} | ${state!.resources} | ${kib(state!.totalBytes)} | ${kib(state!.providerBytes)} |`,
    ),
    "",
  ];
}

function previewTable(sets: readonly RegionSetResult[], startupCpuMs: number): string[] {
  const measured = sets.filter((set) => set.preview !== undefined);
  if (measured.length === 0) return [];
  return [
    "Preview of the unchanged stack (median; program: from the stack's registration to the last",
    "resource's; CPU: of the engine, the program and the provider host together, and over the empty",
    "program's least):",
    "",
    "| regions | preview s | program s | CPU s | CPU/start-up CPU |",
    "| ---: | ---: | ---: | ---: | ---: |",
    ...measured.map(({ regions, preview }) => {
      const cpuMs = preview!.engineCpuMs + preview!.childCpuMs;
      return (
        `| ${regions} | ${seconds(preview!.wallMs)} | ${seconds(preview!.programMs)} | ` +
        `${seconds(cpuMs)} | ${(cpuMs / startupCpuMs).toFixed(2)} |`
      );
    }),
    "",
  ];
}

function clientTable(client: ClientBenchResult | undefined): string[] {
  if (client === undefined) return [];
  return [
    `Client on loopback (GET machine, ${client.concurrency} in flight, median of ${client.rounds} rounds):`,
    "",
    "| path | req/s | p50 ms | p99 ms | CPU µs/req |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...client.results.map(
      (r) =>
        `| ${r.name} | ${r.requestsPerSecond} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ` +
        `${r.cpuMicrosPerRequest.toFixed(1)} |`,
    ),
    "",
    `Client against raw undici: ${(-client.overhead * 100).toFixed(1)}% requests/s, ` +
      `${client.cpuCostMicros >= 0 ? "+" : ""}${client.cpuCostMicros} µs CPU per request ` +
      "(CPU includes the in-process emulator on both paths).",
    "",
  ];
}

function targetLines(targets: readonly TargetCheck[]): string[] {
  const missed = targets.filter((t) => !t.met);
  return [
    `Targets: ${targets.length - missed.length} of ${targets.length} met.`,
    ...missed.map(
      (t) => `- MISSED ${t.target} for ${t.scenario} at ${regionsLabel(t.regions)}: ${t.value}`,
    ),
  ];
}

function regionsLabel(count: number): string {
  return `${count} region${count === 1 ? "" : "s"}`;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0].replace(/\|/g, "/").slice(0, 200);
}
