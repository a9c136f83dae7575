/**
 * `npm run test:load`: runs `npm test` several times in a row (three by default) while busy loops
 * keep every core occupied, and fails on the first run that fails. A test that passes only on a
 * quiet machine depends on timing luck; this is how the suite proves it does not.
 *
 * The busy loops are started and stopped here, by process id, however the run ends (a failure,
 * Ctrl-C, SIGTERM). Each loop also ends by itself once this script is gone or its time limit has
 * passed, so not even a SIGKILL of this script leaves one spinning.
 *
 *   npx tsx scripts/test-under-load.ts [--runs N] [--busy N] [-- <extra npm test arguments>]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

/**
 * A busy loop outlives no run of the suite by much: one `npm test` with the real gateways takes
 * 10-20 minutes under this load, so an hour per run is a bound, never the end of a healthy run.
 */
const BUSY_LOOP_LIMIT_PER_RUN_MS = 60 * 60 * 1000;

/** What the busy loop checks, about once every few milliseconds: is its parent still there? */
function busyLoopSource(parentPid: number, limitMs: number): string {
  return [
    `const end = Date.now() + ${limitMs};`,
    "for (let i = 1; ; i++) {",
    `  if (i % 1e6 === 0 && (process.ppid !== ${parentPid} || Date.now() > end)) process.exit(0);`,
    "}",
  ].join("\n");
}

/** Starts `count` busy loops on the project's Node; each one keeps a core at 100%. */
function startBusyLoops(count: number, runs: number): ChildProcess[] {
  const source = busyLoopSource(process.pid, runs * BUSY_LOOP_LIMIT_PER_RUN_MS);
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ["-e", source], { stdio: "ignore" }),
  );
}

/** Stops what is still running, by pid: the busy loops, and the process group of a test run. */
function stopAll(loops: readonly ChildProcess[], run: ChildProcess | undefined): void {
  if (run?.pid !== undefined && run.exitCode === null && run.signalCode === null) {
    try {
      process.kill(-run.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  for (const loop of loops) {
    if (loop.pid !== undefined && loop.exitCode === null && loop.signalCode === null) {
      loop.kill("SIGKILL");
    }
  }
}

/** Runs `npm test` in its own process group (so it can be stopped whole); resolves its status. */
function runSuite(extraArgs: readonly string[], onStart: (run: ChildProcess) => void) {
  return new Promise<number>((resolve, reject) => {
    const args = ["test", ...(extraArgs.length > 0 ? ["--", ...extraArgs] : [])];
    const run = spawn("npm", args, { stdio: "inherit", detached: true });
    onStart(run);
    run.once("error", reject);
    run.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      runs: { type: "string", default: "3" },
      busy: { type: "string", default: String(availableParallelism()) },
    },
  });
  const runs = Number(values.runs);
  const busy = Number(values.busy);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
  if (!Number.isInteger(busy) || busy < 0) throw new Error("--busy must be a whole number");

  const loops = startBusyLoops(busy, runs);
  let current: ChildProcess | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    stopAll(loops, current);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  const say = (line: string) => process.stdout.write(`[test:load] ${line}\n`);
  say(`${busy} busy loop(s) started (pids ${loops.map((l) => l.pid).join(", ")})`);
  const durations: string[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      say(`run ${run} of ${runs}: npm test`);
      const startedMs = Date.now();
      const status = await runSuite(positionals, (child) => (current = child));
      const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
      durations.push(`${seconds} s`);
      if (status !== 0) {
        say(`run ${run} of ${runs} failed (exit ${status}) after ${seconds} s`);
        return status;
      }
      say(`run ${run} of ${runs} passed in ${seconds} s`);
    }
    say(`all ${runs} runs passed under ${busy} busy loop(s): ${durations.join(", ")}`);
    return 0;
  } finally {
    stopAll(loops, current);
    say("busy loops stopped");
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:load: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
