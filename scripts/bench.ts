/**
 * Convergence speed and scale of the real program: the prod stack (private, canary rollout,
 * retained volumes) deployed by the offline engine to the emulator with realistic timings and
 * Fly's rate limits, at several numbers of regions. Each fresh up, no-op up, refresh and VM-size
 * rollout is set beside its critical-path bound and its minimum of API calls; then the state's
 * size and the client's loopback throughput. Prints Markdown tables, or the same figures as JSON.
 *
 *   npm run bench -- [--regions 1,3,6,18] [--latency 40] [--boot-ms 1500] [--checks-ms 3000]
 *                    [--transition-ms 100] [--startup-runs 3] [--project <dir>] [--check-poll-ms MS]
 *                    [--json]
 *
 * `--check-poll-ms` is how often the deployed project's providers read checks (default: this
 * tree's), which the minimum of API calls counts at; set it when `--project` is another version.
 *
 * The engine's fixed start-up is the fastest of `--startup-runs` ups of an empty program, run
 * before and again after the scenarios. Progress goes to stderr. A missed target is reported,
 * not fatal; a failed operation exits 1.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DEFAULT_TUNING } from "../providers/provider-kit/provider-settings";
import { benchClient } from "./bench-client";
import { BENCH_REGIONS, REPO_ROOT } from "./bench/bench-stack";
import type { ApiTimings } from "./bench/critical-path";
import { startEmulatorProcess } from "./bench/emulator-process";
import { buildReport, formatReport, loadNow, machineInfo } from "./bench/report";
import { measureStartup, runRegionSet, withStartup } from "./bench/scenarios";
import type { RegionSetResult, ScenarioResult } from "./bench/scenarios";

const USAGE =
  "usage: npm run bench -- [--regions 1,3,6,18] [--latency MS] [--boot-ms MS] [--checks-ms MS] " +
  "[--transition-ms MS] [--startup-runs N] [--project DIR] [--check-poll-ms MS] [--json]";

function whole(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be a whole number of at least ${min}, got "${raw}"\n${USAGE}`);
  }
  return value;
}

function regionCounts(raw: string | undefined): number[] {
  const list = (raw ?? "1,3,6,18").split(",").map((part) => part.trim());
  return list.map((part) => {
    const count = Number(part);
    if (!Number.isInteger(count) || count < 1 || count > BENCH_REGIONS.length) {
      throw new Error(
        `--regions must list numbers of regions from 1 to ${BENCH_REGIONS.length}, got "${part}"`,
      );
    }
    return count;
  });
}

function progressLine(result: ScenarioResult): string {
  const outcome = result.ok ? `${(result.wallMs / 1000).toFixed(1)} s` : "FAILED";
  return (
    `  ${result.regions} region${result.regions === 1 ? "" : "s"} ${result.scenario}: ` +
    `${outcome}, critical path ` +
    `${(result.pathMs / 1000).toFixed(1)} s, ${result.calls.total} calls, ` +
    `${result.rateLimited} 429s`
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      regions: { type: "string" },
      latency: { type: "string" },
      "boot-ms": { type: "string" },
      "checks-ms": { type: "string" },
      "transition-ms": { type: "string" },
      "startup-runs": { type: "string" },
      project: { type: "string" },
      "check-poll-ms": { type: "string" },
      json: { type: "boolean" },
    },
  });
  const timings: ApiTimings = {
    latencyMs: whole("latency", values.latency, 40, 0),
    bootMs: whole("boot-ms", values["boot-ms"], 1500, 0),
    checksMs: whole("checks-ms", values["checks-ms"], 3000, 0),
    transitionMs: whole("transition-ms", values["transition-ms"], 100, 0),
  };
  const counts = regionCounts(values.regions);
  const startupRuns = whole("startup-runs", values["startup-runs"], 3, 1);
  const projectDir = values.project ?? REPO_ROOT;
  const checkPollMs = whole(
    "check-poll-ms",
    values["check-poll-ms"],
    DEFAULT_TUNING.checkPollMs,
    1,
  );
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const began = performance.now();
  const loadAtStart = loadNow();

  // Load on the machine only ever adds time, so the fastest empty run is the fixed cost; runs at
  // both ends keep one noisy moment from setting every bound.
  say("measuring the engine's fixed start-up with an empty program");
  const firstStartups = await measureStartup(startupRuns);
  say(`  ${firstStartups.map((run) => run.wallMs).join(", ")} ms`);
  const emulator = await startEmulatorProcess({ ...timings, rateLimit: true });
  const measured: RegionSetResult[] = [];
  try {
    const settings = {
      projectDir,
      timings,
      rateLimit: true,
      pollIntervalMs: checkPollMs,
    };
    for (const count of counts) {
      say(`prod stack in ${count} region${count === 1 ? "" : "s"}`);
      measured.push(
        await runRegionSet(emulator, settings, count, (result) => say(progressLine(result))),
      );
    }
  } finally {
    await emulator.stop();
  }
  say("measuring the engine's fixed start-up again");
  const laterStartups = await measureStartup(startupRuns);
  say(`  ${laterStartups.map((run) => run.wallMs).join(", ")} ms`);
  const runsMs = [...firstStartups, ...laterStartups].map((run) => run.wallMs);
  const cpuRunsMs = [...firstStartups, ...laterStartups].map((run) => run.cpuMs);
  const startup = {
    runsMs,
    minMs: Math.min(...runsMs),
    cpuRunsMs,
    minCpuMs: Math.min(...cpuRunsMs),
  };
  const regionSets = measured.map((set) => withStartup(set, startup.minMs));
  say("measuring the client against raw undici on loopback");
  const client = await benchClient({ requests: 3_000, concurrency: 16, rounds: 5 });

  const report = buildReport({
    machine: machineInfo(),
    load: { start: loadAtStart, end: loadNow() },
    timings,
    rateLimit: true,
    pollIntervalMs: checkPollMs,
    startup,
    regionSets,
    client,
    totalSeconds: (performance.now() - began) / 1000,
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  const failed = regionSets.some((set) => set.scenarios.some((result) => !result.ok));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
