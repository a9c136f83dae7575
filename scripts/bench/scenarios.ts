/**
 * The measured scenarios for one number of regions: a fresh up of the prod stack, a no-op up, a
 * refresh, and a VM-size rollout, each set beside its critical-path bound and its minimum of API
 * calls. Also the engine's fixed start-up, measured with a program that registers nothing.
 */
import type { RequestLogEntry } from "../../emulator/request-log";
import { FLY_RATE_LIMITS } from "../../emulator/rate-limit";
import type { StepSummary } from "../../engine/engine-types";
import { counts, excessCalls, minimumCalls } from "./api-minimum";
import type { CallCounts } from "./api-minimum";
import { BENCH_REGIONS, BenchStack, createEmptyProject } from "./bench-stack";
import { criticalPath } from "./critical-path";
import type { ApiTimings, BoundInput, BoundScenario } from "./critical-path";
import type { EmulatorProcess } from "./emulator-process";
import { runManualBaseline } from "./manual-baseline";
import type { ManualBaselineResult } from "./manual-baseline";
import { watchMemory } from "./memory-peaks";
import type { MemoryPeaks } from "./memory-peaks";
import { operationPhases, registrationSpanMs } from "./phases";
import type { Phases } from "./phases";
import { measureStateFile } from "./state-size";
import type { StateSize } from "./state-size";
import { timeBreakdown } from "./time-breakdown";
import type { TimeBreakdown } from "./time-breakdown";

/** What the bench holds fixed across scenarios. */
export interface BenchSettings {
  readonly projectDir: string;
  readonly timings: ApiTimings;
  readonly rateLimit: boolean;
  /** The providers' health poll interval (their default tuning). */
  readonly pollIntervalMs: number;
}

/** One measured operation beside its bound and its minimum of calls. */
export interface ScenarioResult {
  readonly scenario: BoundScenario;
  readonly regions: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly summary: StepSummary;
  readonly wallMs: number;
  /** Where the wall time went. */
  readonly phases: Phases;
  /** CPU time the engine itself spent (the bench's process). */
  readonly engineCpuMs: number;
  /** CPU time the program and the provider host spent (their processes, once ended). */
  readonly childCpuMs: number;
  /** Machine waits, pacing holds and rate-limit headroom during the resource steps. */
  readonly breakdown: TimeBreakdown;
  /** Peak resident memory of the engine, the program and the provider host. */
  readonly memory: MemoryPeaks;
  /** The critical path after the start-up (see `critical-path.ts`). */
  readonly pathMs: number;
  /**
   * Start-up plus critical path: the least any client could take through this engine (set by
   * {@link withStartup} once the start-up is known). Undefined for a refresh, which runs no
   * program, so the empty program's start-up does not apply to it.
   */
  readonly boundMs: number | undefined;
  readonly calls: CallCounts;
  readonly minimum: CallCounts;
  /** Routes called more often than the minimum needs, with the extra count. */
  readonly excess: Readonly<Record<string, number>>;
  readonly mutatingCalls: number;
  /** Requests answered 429. */
  readonly rateLimited: number;
  /** The routes of the requests answered 429, with their count. */
  readonly rateLimitedByRoute: Readonly<Record<string, number>>;
  /** The steps that decide the bound. */
  readonly chain: readonly string[];
}

/** Previews of the stack the fresh up left, unchanged: what every pull request's preview pays. */
export interface PreviewResult {
  readonly runs: number;
  /** Median wall time of a preview. */
  readonly wallMs: number;
  /** Median time the program took to register everything (`registrationSpanMs`). */
  readonly programMs: number;
  /** Median CPU time of the engine, and of the program and provider host together. */
  readonly engineCpuMs: number;
  readonly childCpuMs: number;
}

/** Every scenario for one number of regions, and the state the fresh up left. */
export interface RegionSetResult {
  readonly regions: number;
  readonly scenarios: readonly ScenarioResult[];
  readonly state: StateSize | undefined;
  readonly preview: PreviewResult | undefined;
  /** The same fresh up done by hand, as the deployment guide does it (up to 6 regions). */
  readonly manual: ManualBaselineResult | undefined;
}

/** Previews measured per region set. */
const PREVIEW_RUNS = 3;
/** Region counts the manual baseline runs at: a straight script takes minutes beyond them. */
const MANUAL_BASELINE_MAX_REGIONS = 6;
/** A straight script polls checks once a second. */
const MANUAL_CHECK_POLL_MS = 1_000;

/** The prod stack's shape, set explicitly so the bound's assumptions hold. */
const PROD_SHAPE = { mode: "private", flycast: "false", rollout: "canary", retainVolumes: "true" };
/** Private mode without Flycast allocates no IP address. */
const PROD_IP_ADDRESSES = 0;
/** The rollout: every machine moves from the prod stack's shared-cpu-2x to shared-cpu-4x. */
const ROLLOUT_VM_SIZE = "shared-cpu-4x";
/** Generous: 18 regions converge in well under a minute. */
const OPERATION_TIMEOUT_MS = 300_000;

/**
 * Runs the four scenarios in order against a reset emulator with the first `regionCount` of
 * `BENCH_REGIONS`; `onProgress` hears about each as it finishes.
 */
export async function runRegionSet(
  emulator: EmulatorProcess,
  settings: BenchSettings,
  regionCount: number,
  onProgress: (result: ScenarioResult) => void,
): Promise<RegionSetResult> {
  await emulator.reset();
  const regions = BENCH_REGIONS.slice(0, regionCount);
  const stack = new BenchStack({
    projectDir: settings.projectDir,
    stack: "prod",
    emulatorUrl: emulator.url,
    token: emulator.token,
    config: { ...PROD_SHAPE, regions: JSON.stringify(regions) },
    secretConfig: { providerKeys: JSON.stringify({ ANTHROPIC_API_KEY: "sk-ant-bench-0f3c9a" }) },
    timeoutMs: OPERATION_TIMEOUT_MS,
  });
  const scenarios: ScenarioResult[] = [];
  const measure = async (scenario: BoundScenario, kind: "up" | "refresh") => {
    await emulator.clearRequests();
    const memory = watchMemory();
    let peaks: MemoryPeaks;
    let timed: Awaited<ReturnType<BenchStack["run"]>>;
    try {
      timed = await stack.run(kind);
    } finally {
      peaks = memory.stop();
    }
    const { result, wallMs, startedAt, endedAt, engineCpuMs, childCpuMs } = timed;
    const requests = await emulator.requests();
    const measured = describe(scenario, regions, settings, requests, {
      ok: result.ok,
      summary: result.summary,
      wallMs,
      phases: operationPhases(result.steps, startedAt, endedAt),
      engineCpuMs,
      childCpuMs,
      breakdown: timeBreakdown(requests, result.logs),
      memory: peaks,
      ...(result.error !== undefined ? { error: result.error } : {}),
    });
    scenarios.push(measured);
    onProgress(measured);
    return measured;
  };
  try {
    const fresh = await measure("fresh-up", "up");
    const state = fresh.ok ? measureStateFile(stack.stateFile) : undefined;
    const preview = fresh.ok ? await measurePreviews(stack) : undefined;
    if (fresh.ok) {
      await measure("noop-up", "up");
      await measure("refresh", "refresh");
      stack.config.vmSize = ROLLOUT_VM_SIZE;
      await measure("rollout", "up");
    }
    let manual: ManualBaselineResult | undefined;
    if (regionCount <= MANUAL_BASELINE_MAX_REGIONS) {
      await emulator.reset();
      manual = await runManualBaseline({
        url: emulator.url,
        token: emulator.token,
        app: "openclaw-by-hand",
        regions,
        checkPollMs: MANUAL_CHECK_POLL_MS,
        timeoutMs: OPERATION_TIMEOUT_MS,
      });
    }
    return { regions: regionCount, scenarios, state, preview, manual };
  } finally {
    stack.close();
  }
}

/** Medians of PREVIEW_RUNS previews of the stack as it stands. */
async function measurePreviews(stack: BenchStack): Promise<PreviewResult> {
  const walls: number[] = [];
  const programs: number[] = [];
  const engineCpus: number[] = [];
  const childCpus: number[] = [];
  for (let run = 0; run < PREVIEW_RUNS; run++) {
    const { result, wallMs, engineCpuMs, childCpuMs } = await stack.run("preview");
    if (!result.ok) throw new Error(`the preview failed: ${result.error ?? ""}`);
    walls.push(wallMs);
    programs.push(registrationSpanMs(result.steps));
    engineCpus.push(engineCpuMs);
    childCpus.push(childCpuMs);
  }
  return {
    runs: PREVIEW_RUNS,
    wallMs: Math.round(median(walls)),
    programMs: median(programs),
    engineCpuMs: median(engineCpus),
    childCpuMs: median(childCpus),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One up of the empty program: its wall time, and the CPU time of all its processes. */
export interface StartupRun {
  readonly wallMs: number;
  /** The engine's, the program's and the provider host's CPU time together. */
  readonly cpuMs: number;
}

/**
 * `runs` ups of a program that registers nothing (after one unmeasured run that creates its
 * stack): the engine's fixed start-up, with whatever else the machine was doing.
 */
export async function measureStartup(runs: number): Promise<StartupRun[]> {
  const project = createEmptyProject();
  const stack = new BenchStack({
    projectDir: project.dir,
    stack: "bench",
    emulatorUrl: "http://127.0.0.1:9",
    token: "unused",
    config: {},
    timeoutMs: 60_000,
  });
  try {
    const measured: StartupRun[] = [];
    for (let run = 0; run <= runs; run++) {
      const { result, wallMs, engineCpuMs, childCpuMs } = await stack.run("up");
      if (!result.ok) throw new Error(`the empty program failed: ${result.error ?? ""}`);
      if (run > 0) measured.push({ wallMs: Math.round(wallMs), cpuMs: engineCpuMs + childCpuMs });
    }
    return measured;
  } finally {
    stack.close();
    project.remove();
  }
}

/** The set's results with each bound set to `startupMs` plus the critical path (not refresh). */
export function withStartup(set: RegionSetResult, startupMs: number): RegionSetResult {
  return {
    ...set,
    scenarios: set.scenarios.map((result) => ({
      ...result,
      boundMs: result.scenario === "refresh" ? undefined : startupMs + result.pathMs,
    })),
  };
}

function describe(
  scenario: BoundScenario,
  regions: readonly string[],
  settings: BenchSettings,
  entries: readonly RequestLogEntry[],
  run: {
    ok: boolean;
    error?: string;
    summary: StepSummary;
    wallMs: number;
    phases: Phases;
    engineCpuMs: number;
    childCpuMs: number;
    breakdown: TimeBreakdown;
    memory: MemoryPeaks;
  },
): ScenarioResult {
  const input: BoundInput = {
    timings: settings.timings,
    regions,
    rollout: "canary",
    rateLimits: settings.rateLimit ? FLY_RATE_LIMITS : undefined,
    ipAddresses: PROD_IP_ADDRESSES,
  };
  const path = criticalPath(scenario, input);
  const calls = callCounts(entries);
  const minimum = minimumCalls(scenario, {
    timings: settings.timings,
    regions: regions.length,
    ipAddresses: PROD_IP_ADDRESSES,
    pollIntervalMs: settings.pollIntervalMs,
  });
  return {
    scenario,
    regions: regions.length,
    ...run,
    wallMs: Math.round(run.wallMs),
    pathMs: path.totalMs,
    boundMs: undefined,
    calls,
    minimum,
    excess: excessCalls(calls, minimum),
    mutatingCalls: entries.filter((entry) => entry.method !== "GET").length,
    rateLimited: entries.filter((entry) => entry.status === 429).length,
    rateLimitedByRoute: callCounts(entries.filter((entry) => entry.status === 429)).byRoute,
    chain: path.chain,
  };
}

/** Counts per `METHOD /v1/...template`, the request log's own keys. */
export function callCounts(entries: readonly RequestLogEntry[]): CallCounts {
  const byRoute: Record<string, number> = {};
  for (const entry of entries) {
    const key = `${entry.method} ${entry.route ?? entry.path}`;
    byRoute[key] = (byRoute[key] ?? 0) + 1;
  }
  return counts(byRoute);
}
