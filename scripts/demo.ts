/**
 * `npm run demo`: deploys the `local` stack onto a Machines API emulator started in this process,
 * prints the stack outputs and what now exists on the emulated Fly, then stops the emulator.
 *
 * With a `pulumi` CLI on PATH it runs the real CLI (a file backend under .pulumi-offline/ and a
 * fixed demo passphrase; the emulator then listens on 127.0.0.1:4280, the URL Pulumi.local.yaml
 * names). Without one it runs the project's offline engine (test equipment, see engine/) and
 * says so. Either way the run starts with a refresh and then converges.
 *
 * The emulator's world is kept in <state dir>/demo-emulator.json and the stack's state beside it,
 * so a second run finds everything in place and changes nothing. Delete the state directory
 * (default .pulumi-offline/) to start from an empty world.
 *
 *   npx tsx scripts/demo.ts [--state-dir <dir>]
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorHandle } from "../emulator/server";
import type { EngineEvent, OperationResult, OutputValue } from "../engine/engine-types";
import { OfflineEngine } from "../engine/offline-engine";
import { formatLog, formatOutputs, formatStep, formatSummary } from "../engine/plan-output";

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

type Say = (line: string) => void;

/** Runs the demo; resolves to the process exit code. */
export async function runDemo(argv: readonly string[], say: Say = console.log): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { "state-dir": { type: "string" } } });
  const stateDir = resolve(values["state-dir"] ?? join(PROJECT_DIR, ".pulumi-offline"));
  mkdirSync(stateDir, { recursive: true });
  const pulumi = findOnPath("pulumi");
  const worldFile = join(stateDir, "demo-emulator.json");
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      ...DEMO_TIMINGS,
      port: pulumi ? LOCAL_STACK_PORT : 0,
      token: DEMO_TOKEN,
      statePath: worldFile,
    });
  } catch (error) {
    say(`error: the emulator could not start: ${(error as Error).message}`);
    if (pulumi) say(`(the local stack expects it on port ${LOCAL_STACK_PORT}: is one running?)`);
    return 1;
  }
  // Ctrl-C still stops the emulator, which writes its world to disk as it closes.
  process.once("SIGINT", () => void emulator.close().finally(() => process.exit(130)));
  const appsBefore = Object.keys(emulator.emulator.state.apps).length;
  say(`openclaw-fly demo: the \`${STACK}\` stack on a local Fly Machines API emulator`);
  say(`emulator: ${emulator.url} (its world is kept in ${worldFile}; ${appsBefore} app(s) in it)`);
  try {
    const outputs = pulumi
      ? await deployWithPulumi(pulumi, stateDir, say)
      : await deployWithOfflineEngine(emulator, stateDir, say);
    if (outputs === undefined) return 1;
    say("");
    for (const line of formatOutputs(outputs)) say(line);
    say("");
    for (const line of describeWorld(emulator)) say(line);
    return 0;
  } finally {
    await emulator.close();
    say("emulator stopped");
  }
}

async function deployWithOfflineEngine(emulator: EmulatorHandle, stateDir: string, say: Say) {
  say("engine: the offline engine (engine/), because no `pulumi` CLI is on PATH");
  const engine = () =>
    new OfflineEngine({
      projectDir: PROJECT_DIR,
      stack: STACK,
      stateDirectory: join(stateDir, "demo"),
      // A one-run override: the stack file keeps its own URL.
      config: { flyApiUrl: emulator.url },
      env: { FLY_API_TOKEN: DEMO_TOKEN, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE },
      onEvent: (event) => printEvent(event, say),
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

async function deployWithPulumi(pulumi: string, stateDir: string, say: Say) {
  say(`engine: the pulumi CLI (${pulumi}), with a file backend under ${stateDir}`);
  const backend = join(stateDir, "pulumi-backend");
  mkdirSync(backend, { recursive: true });
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The URL comes from Pulumi.local.yaml (port 4280); only the token travels in the environment.
    FLY_API_TOKEN: DEMO_TOKEN,
  };
  const run = async (args: string[], capture = false) => {
    say("");
    say(`$ pulumi ${args.join(" ")}`);
    return runCommand(pulumi, args, env, capture);
  };
  const steps = [
    ["stack", "select", "--create", STACK],
    ["up", "--yes", "--refresh", "--stack", STACK],
  ];
  for (const args of steps) {
    const { code } = await run(args);
    if (code !== 0) {
      say(`error: pulumi ${args[0]} exited with code ${code}`);
      return undefined;
    }
  }
  const shown = await run(["stack", "output", "--json", "--stack", STACK], true);
  if (shown.code !== 0) return undefined;
  // `pulumi stack output` prints secrets as "[secret]" unless --show-secrets is given.
  const parsed = JSON.parse(shown.stdout) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(parsed).map(([key, value]): [string, OutputValue] => [
      key,
      { value, secret: value === "[secret]" },
    ]),
  );
}

function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  capture: boolean,
): Promise<{ code: number; stdout: string }> {
  return new Promise((done, fail) => {
    // Asynchronous on purpose: the emulator answering the CLI runs in this very process.
    const child = spawn(command, args, {
      cwd: PROJECT_DIR,
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.once("error", fail);
    child.once("close", (code) => done({ code: code ?? 1, stdout }));
  });
}

function printEvent(event: EngineEvent, say: Say): void {
  if (event.kind === "step") say(formatStep(event.step));
  const line = event.kind === "log" ? formatLog(event.log) : undefined;
  if (line !== undefined) say(line);
}

/** The emulated world, app by app: machines, volumes, IPs and secret names (never values). */
export function describeWorld(emulator: EmulatorHandle): string[] {
  const { apps, machines, volumes, ipAddresses, secrets } = emulator.emulator.state;
  const lines = ["On the emulator now:"];
  if (Object.keys(apps).length === 0) lines.push("  nothing");
  for (const app of Object.values(apps)) {
    lines.push(`  app ${app.name} (org ${app.org_slug})`);
    for (const m of Object.values(machines).filter((m) => m.app === app.name)) {
      if (m.state === "destroyed") continue;
      lines.push(
        `    machine ${m.id} ${m.name} region ${m.region} ${m.state} ${String(m.config.image)}`,
      );
    }
    for (const v of Object.values(volumes).filter((v) => v.app === app.name)) {
      if (v.destroyed_at !== undefined) continue;
      const attached = v.attached_machine_id
        ? `attached to ${v.attached_machine_id}`
        : "unattached";
      lines.push(`    volume ${v.id} ${v.name} region ${v.region} ${v.size_gb} GB ${attached}`);
    }
    for (const ip of ipAddresses.filter((ip) => ip.app === app.name)) {
      lines.push(`    ip ${ip.type} ${ip.ip}`);
    }
    const appSecrets = secrets[app.name];
    if (appSecrets !== undefined) {
      const names = Object.keys(appSecrets.secrets).sort().join(", ") || "none";
      lines.push(`    secrets ${names} (version ${appSecrets.version})`);
    }
  }
  return lines;
}

/** The first executable named `name` on PATH, or undefined. */
function findOnPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

if (require.main === module) {
  runDemo(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`error: ${error.message}`);
      process.exit(1);
    },
  );
}
