/**
 * `npm run demo`: deploys the `local` stack onto a Machines API emulator started in this process,
 * whose machines run the real OpenClaw gateway (installing its runtime on first use), prints the
 * stack outputs, what now exists on the emulated Fly, each gateway's Control UI URL and how to
 * get the token, then stops everything. `--keep` leaves it running until Ctrl-C; `--simulated`
 * deploys onto simulated machines instead (quick, no gateway).
 *
 * With a `pulumi` CLI on PATH it runs the real CLI (a file backend under .pulumi-offline/ and a
 * fixed demo passphrase; the emulator then listens on 127.0.0.1:4280, the URL Pulumi.local.yaml
 * names). Without one it runs the project's offline engine (test equipment, see engine/) and
 * says so. Either way the run starts with a refresh and then converges.
 *
 * The emulator's world is kept in <state dir>/demo-real-emulator.json (demo-emulator.json when
 * simulated), its machines' files and volumes beside it, and the stack's state in
 * <state dir>/demo-real (demo), so a second run finds everything in place, boots the gateways
 * again and changes nothing. Delete the state directory (default .pulumi-offline/) to start
 * from an empty world.
 *
 *   npx tsx scripts/demo.ts [--state-dir <dir>] [--keep] [--simulated]
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorHandle } from "../emulator/server";
import { stopOnSignals } from "../emulator/shutdown-signals";
import type { EngineEvent, OperationResult } from "../engine/engine-types";
import { OfflineEngine } from "../engine/offline-engine";
import { formatLog, formatOutputs, formatStep, formatSummary } from "../engine/plan-output";
import { describeGateways, prepareGatewayRuntime, type TokenCommands } from "./demo-gateways";
import { deployWithPulumi, findOnPath } from "./demo-pulumi";
import { describeWorld } from "./demo-world";

const PROJECT_DIR = resolve(__dirname, "..");
const STACK = "local";
/** Where Pulumi.local.yaml expects the emulator; the real CLI reads the URL from there. */
const LOCAL_STACK_PORT = 4280;
/** The token the demo's emulator accepts; it guards nothing but the emulator itself. */
const DEMO_TOKEN = "openclaw-fly-demo-token";
/** Encrypts the demo stack's secrets (the generated gateway token) in its state. */
export const DEMO_PASSPHRASE = "openclaw-fly-demo-passphrase";
/** Slower than in tests, so that a reader can follow the states, but far quicker than Fly. */
const DEMO_TIMINGS = { bootMs: 200, checksMs: 400, transitionMs: 100, rateLimit: true };
/** Real machines move with their processes; a crashed gateway is restarted after 300 ms. */
const REAL_TIMINGS = { transitionMs: 300, rateLimit: true };
/** Longest an operation on real gateways may take: two regions' boots on a busy computer. */
const REAL_OPERATION_LIMIT_MS = 30 * 60_000;

type Say = (line: string) => void;

/** What the demo is asked to do. */
interface DemoRun {
  stateDir: string;
  /** Real gateways (the default) or simulated machines. */
  real: boolean;
  /** Where the engine keeps the stack's state (`<state dir>/demo-real` or `/demo`). */
  engineDir: string;
  pulumi: string | undefined;
}

/**
 * Runs the demo; resolves to the process exit code, or to `"kept"` when `--keep` left the
 * emulator and its gateways running (the process then lives until a signal stops it).
 */
export async function runDemo(
  argv: readonly string[],
  say: Say = console.log,
): Promise<number | "kept"> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "state-dir": { type: "string" },
      keep: { type: "boolean" },
      simulated: { type: "boolean" },
    },
  });
  const stateDir = resolve(values["state-dir"] ?? join(PROJECT_DIR, ".pulumi-offline"));
  mkdirSync(stateDir, { recursive: true });
  const real = !values.simulated;
  const run: DemoRun = {
    stateDir,
    real,
    engineDir: join(stateDir, real ? "demo-real" : "demo"),
    pulumi: findOnPath("pulumi"),
  };
  const worldFile = join(stateDir, real ? "demo-real-emulator.json" : "demo-emulator.json");
  const kind = real ? "machines that run the real OpenClaw gateway" : "simulated machines";
  say(`openclaw-fly demo: the \`${STACK}\` stack on a local Fly Machines API emulator, ${kind}`);
  if (real) await prepareGatewayRuntime(say);
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      ...(real ? REAL_TIMINGS : DEMO_TIMINGS),
      port: run.pulumi ? LOCAL_STACK_PORT : 0,
      token: DEMO_TOKEN,
      statePath: worldFile,
      realMachines: real ? { onLog: (line) => say(`emulator: ${line}`) } : false,
    });
  } catch (error) {
    say(`error: the emulator could not start: ${(error as Error).message}`);
    if (run.pulumi)
      say(`(the local stack expects it on port ${LOCAL_STACK_PORT}: is one running?)`);
    return 1;
  }
  // Ctrl-C still stops the emulator (and its gateways), which writes its world to disk as it closes.
  process.once("SIGINT", () => void emulator.close().finally(() => process.exit(130)));
  const appsBefore = Object.keys(emulator.emulator.state.apps).length;
  say(`emulator: ${emulator.url} (its world is kept in ${worldFile}; ${appsBefore} app(s) in it)`);
  let kept = false;
  try {
    const outputs = run.pulumi
      ? await deployWithPulumi(
          {
            pulumi: run.pulumi,
            stateDir: run.stateDir,
            stack: STACK,
            projectDir: PROJECT_DIR,
            passphrase: DEMO_PASSPHRASE,
            token: DEMO_TOKEN,
          },
          say,
        )
      : await deployWithOfflineEngine(emulator, run, say);
    if (outputs === undefined) return 1;
    say("");
    for (const line of formatOutputs(outputs)) say(line);
    say("");
    for (const line of describeWorld(emulator)) say(line);
    if (real) {
      say("");
      for (const line of await describeGateways(emulator, tokenCommands(run))) say(line);
    }
    if (values.keep) {
      kept = true;
      process.removeAllListeners("SIGINT");
      stopOnSignals(emulator);
      say("");
      say(
        `The emulator (${emulator.url}, token ${DEMO_TOKEN}) and its machines keep running. ` +
          `Stop them with Ctrl-C, or: kill -INT ${process.pid}`,
      );
      return "kept";
    }
    return 0;
  } finally {
    if (!kept) {
      await emulator.close();
      say("emulator stopped");
    }
  }
}

/** The commands that print the stack's gateway token (the demo's passphrase decrypts it). */
function tokenCommands(run: DemoRun): TokenCommands {
  const passphrase = `PULUMI_CONFIG_PASSPHRASE=${DEMO_PASSPHRASE}`;
  const pulumi =
    `PULUMI_BACKEND_URL=file://${join(run.stateDir, "pulumi-backend")} ${passphrase} ` +
    `pulumi stack output gatewayToken --show-secrets --stack ${STACK}`;
  if (run.pulumi) return { primary: pulumi };
  return {
    primary: `${passphrase} npm run offline -- output gatewayToken --show-secrets --stack ${STACK} --state-dir ${run.engineDir}`,
  };
}

async function deployWithOfflineEngine(emulator: EmulatorHandle, run: DemoRun, say: Say) {
  say("engine: the offline engine (engine/), because no `pulumi` CLI is on PATH");
  const engine = () =>
    new OfflineEngine({
      projectDir: PROJECT_DIR,
      stack: STACK,
      stateDirectory: run.engineDir,
      // A one-run override: the stack file keeps its own URL.
      config: { flyApiUrl: emulator.url },
      env: { FLY_API_TOKEN: DEMO_TOKEN, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE },
      onEvent: (event) => printEvent(event, say),
      // Real gateways boot one region after the other, each in up to the stack's health timeout.
      ...(run.real ? { timeoutMs: REAL_OPERATION_LIMIT_MS } : {}),
    });
  for (const operation of ["refresh", "up"] as const) {
    say("");
    say(`$ offline engine: ${operation} --stack ${STACK}`);
    const result: OperationResult = await engine()[operation]();
    for (const line of formatSummary(result)) say(line);
    if (!result.ok) {
      for (const line of (result.error ?? "").split("\n")) say(`error: ${line}`);
      return undefined;
    }
    if (operation === "up") return result.outputs;
  }
  return undefined;
}

function printEvent(event: EngineEvent, say: Say): void {
  if (event.kind === "step") say(formatStep(event.step));
  const line = event.kind === "log" ? formatLog(event.log) : undefined;
  if (line !== undefined) say(line);
}

if (require.main === module) {
  runDemo(process.argv.slice(2)).then(
    (code) => {
      if (code !== "kept") process.exit(code);
    },
    (error: Error) => {
      console.error(`error: ${error.message}`);
      process.exit(1);
    },
  );
}
