/**
 * The demo through the real `pulumi` CLI, when one is on PATH: a file backend under the demo's
 * state directory, the demo passphrase, and the emulator on the port Pulumi.local.yaml names.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { OutputValue } from "../engine/engine-types";

type Say = (line: string) => void;

/** What the pulumi path needs of the demo. */
export interface PulumiDemo {
  /** The CLI's path. */
  pulumi: string;
  stateDir: string;
  stack: string;
  projectDir: string;
  passphrase: string;
  token: string;
}

/** `stack select`, then `up --refresh`; resolves to the stack outputs, or undefined on failure. */
export async function deployWithPulumi(demo: PulumiDemo, say: Say) {
  const { pulumi, stack: STACK } = demo;
  say(`engine: the pulumi CLI (${pulumi}), with a file backend under ${demo.stateDir}`);
  const backend = join(demo.stateDir, "pulumi-backend");
  mkdirSync(backend, { recursive: true });
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: demo.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The URL comes from Pulumi.local.yaml (port 4280); only the token travels in the environment.
    FLY_API_TOKEN: demo.token,
  };
  const run = async (args: string[], capture = false) => {
    say("");
    say(`$ pulumi ${args.join(" ")}`);
    return runCommand(pulumi, args, env, capture, demo.projectDir);
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
  cwd: string,
): Promise<{ code: number; stdout: string }> {
  return new Promise((done, fail) => {
    // Asynchronous on purpose: the emulator answering the CLI runs in this very process.
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.once("error", fail);
    child.once("close", (code) => done({ code: code ?? 1, stdout }));
  });
}

/** The first executable named `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
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
