import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import type { EngineEvent, OperationKind, OperationResult } from "./engine-types";
import { OfflineEngine } from "./offline-engine";
import {
  BANNER,
  formatHeading,
  formatLog,
  formatOutputs,
  formatStep,
  formatSummary,
} from "./plan-output";
import { resolvePassphrase, SecretsCrypter } from "./secrets-crypter";
import { readProject, readStackFile } from "./stack-files";

const USAGE = `usage: tsx engine/engine-cli.ts <preview|up|refresh|destroy> --stack <name> [--yes]
         [-c key=value ...] [--secret-config key=value ...] [--cwd <projectDir>] [--json]
         [--state-dir <dir>]   (default <projectDir>/.pulumi-offline)
       tsx engine/engine-cli.ts encrypt --stack <name> [--cwd <projectDir>] <value>`;

const OPERATIONS: readonly string[] = ["preview", "up", "refresh", "destroy"];

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stack: { type: "string", short: "s" },
      yes: { type: "boolean", short: "y" },
      config: { type: "string", short: "c", multiple: true },
      "secret-config": { type: "string", multiple: true },
      cwd: { type: "string" },
      "state-dir": { type: "string" },
      json: { type: "boolean" },
    },
  });
  const [command, ...rest] = positionals;
  const say = values.json
    ? (line: string) => console.error(line)
    : (line: string) => console.log(line);
  say(BANNER);
  if (command === undefined || values.stack === undefined)
    return usage("a command and --stack are required");
  const projectDir = resolve(values.cwd ?? process.cwd());
  if (command === "encrypt") return encrypt(projectDir, values.stack, rest[0]);
  if (!OPERATIONS.includes(command) || rest.length > 0) return usage(`unknown command ${command}`);
  const operation = command as OperationKind;

  const engine = new OfflineEngine({
    projectDir,
    stack: values.stack,
    config: parsePairs(values.config ?? [], "-c"),
    secretConfig: parsePairs(values["secret-config"] ?? [], "--secret-config"),
    ...(values["state-dir"] ? { stateDirectory: resolve(values["state-dir"]) } : {}),
    ...(values.json ? {} : { onEvent: (event: EngineEvent) => printEvent(event) }),
  });
  process.once("SIGINT", () => void engine.cancel().then(() => process.exit(130)));
  if (operation !== "preview" && !values.yes) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      console.error(
        "error: --yes must be passed in to proceed when running in non-interactive mode",
      );
      return 1;
    }
    if (operation === "up") {
      say(formatHeading("preview", readProject(projectDir).name, values.stack));
      report(await engine.preview(), say);
    }
    if (!(await confirm(`Do you want to perform this ${operation}? (yes/no) `))) {
      say("confirmation declined, not proceeding");
      return 1;
    }
  }
  say(formatHeading(operation, readProject(projectDir).name, values.stack));
  const result = await engine[operation]();
  if (values.json) {
    console.log(JSON.stringify(result, (_key, value) => masked(value), 2));
  } else {
    report(result, say);
  }
  return result.ok ? 0 : 1;
}

function printEvent(event: EngineEvent): void {
  if (event.kind === "step") console.log(`  ${formatStep(event.step)}`);
  const line = event.kind === "log" ? formatLog(event.log) : undefined;
  if (line !== undefined) console.log(line);
}

function report(result: OperationResult, say: (line: string) => void): void {
  say("");
  for (const line of formatOutputs(result.outputs)) say(line);
  say(formatSummary(result));
  say(`Duration: ${(result.durationMs / 1000).toFixed(1)}s`);
  if (result.error !== undefined) {
    for (const line of result.error.split("\n")) say(`error: ${line}`);
  }
}

// Secret outputs print as "[secret]" in --json mode too, as with `pulumi stack output --json`.
function masked(value: unknown): unknown {
  const isOutput = typeof value === "object" && value !== null && "secret" in value;
  return isOutput && (value as { secret: unknown }).secret === true
    ? { ...(value as object), value: "[secret]" }
    : value;
}

async function encrypt(projectDir: string, stack: string, value: string | undefined) {
  if (value === undefined) return usage("encrypt needs the value to encrypt");
  const project = readProject(projectDir);
  const salt = readStackFile(projectDir, project.name, stack).encryptionSalt;
  const passphrase = resolvePassphrase(process.env).value;
  const crypter =
    salt === undefined
      ? await SecretsCrypter.create(passphrase)
      : await SecretsCrypter.fromEncryptionSalt(passphrase, salt);
  if (salt === undefined) console.log(`encryptionsalt: ${crypter.encryptionSalt}`);
  console.log(`secure: ${crypter.encrypt(value)}`);
  return 0;
}

function parsePairs(pairs: readonly string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new Error(`${flag} ${pair}: expected key=value`);
    result[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return result;
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(question);
  prompt.close();
  return answer.trim().toLowerCase() === "yes";
}

function usage(problem: string): number {
  console.error(`error: ${problem}\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`error: ${error.message}`);
      process.exit(1);
    },
  );
}
