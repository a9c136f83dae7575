import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { DiffView } from "./diff-view";
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
import { containsSecrets, stripSecrets } from "./property-values";
import type { PropertyValue } from "./property-values";
import { resolvePassphrase, SecretsCrypter } from "./secrets-crypter";
import { readProject, readStackFile } from "./stack-files";

const USAGE = `usage: tsx engine/engine-cli.ts <preview|up|refresh|destroy> --stack <name> [--yes]
         [-c key=value ...] [--secret-config key=value ...] [--cwd <projectDir>] [--json]
         [--diff] [--parallel <n>] [--clear-pending-creates (refresh)]
         [--state-dir <dir>]   (default <projectDir>/.pulumi-offline)
       tsx engine/engine-cli.ts output --stack <name> [<output>] [--show-secrets] [--state-dir <dir>]
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
      diff: { type: "boolean" },
      parallel: { type: "string", short: "p" },
      "clear-pending-creates": { type: "boolean" },
      "show-secrets": { type: "boolean" },
    },
  });
  const [command, ...rest] = positionals;
  // `--json` and `output` print data on stdout, so everything else goes to stderr.
  const say =
    values.json || positionals[0] === "output"
      ? (line: string) => console.error(line)
      : (line: string) => console.log(line);
  say(BANNER);
  if (command === undefined || values.stack === undefined)
    return usage("a command and --stack are required");
  const projectDir = resolve(values.cwd ?? process.cwd());
  if (command === "encrypt") return encrypt(projectDir, values.stack, rest[0]);
  if (command === "output") {
    return printOutput(
      new OfflineEngine({
        projectDir,
        stack: values.stack,
        ...(values["state-dir"] ? { stateDirectory: resolve(values["state-dir"]) } : {}),
      }),
      rest[0],
      values["show-secrets"] ?? false,
    );
  }
  if (!OPERATIONS.includes(command) || rest.length > 0) return usage(`unknown command ${command}`);
  const operation = command as OperationKind;
  const parallel = values.parallel === undefined ? undefined : Number(values.parallel);
  if (parallel !== undefined && !(Number.isInteger(parallel) && parallel > 0)) {
    return usage("--parallel must be a positive whole number");
  }
  if (values["clear-pending-creates"] && operation !== "refresh") {
    return usage("--clear-pending-creates applies to refresh only");
  }

  let planning = operation === "preview";
  let view = new DiffView(planning);
  const engine = new OfflineEngine({
    projectDir,
    stack: values.stack,
    config: parsePairs(values.config ?? [], "-c"),
    secretConfig: parsePairs(values["secret-config"] ?? [], "--secret-config"),
    ...(values["state-dir"] ? { stateDirectory: resolve(values["state-dir"]) } : {}),
    ...(parallel !== undefined ? { parallel } : {}),
    ...(values.json
      ? {}
      : {
          onEvent: (event: EngineEvent) =>
            printEvent(event, planning, values.diff ? view : undefined),
        }),
    // A person waits at the terminal (Ctrl-C stops it): an hour, as long as the longest health
    // timeout, rather than the tests' two minutes.
    timeoutMs: 3_600_000,
  });
  handleInterrupts(engine, operation);
  if (operation !== "preview" && !values.yes) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      console.error(
        "error: --yes must be passed in to proceed when running in non-interactive mode",
      );
      return 1;
    }
    if (operation === "up") {
      say(formatHeading("preview", readProject(projectDir).name, values.stack));
      planning = true;
      report(await engine.preview(), say);
      planning = false;
      view = new DiffView(false);
    }
    if (!(await confirm(`Do you want to perform this ${operation}? (yes/no) `))) {
      say("confirmation declined, not proceeding");
      return 1;
    }
  }
  say(formatHeading(operation, readProject(projectDir).name, values.stack));
  const result =
    operation === "refresh"
      ? await engine.refresh({ clearPendingCreates: values["clear-pending-creates"] === true })
      : await engine[operation]();
  if (values.json) {
    console.log(JSON.stringify(result, (_key, value) => masked(value), 2));
  } else {
    report(result, say);
  }
  return result.ok ? 0 : 1;
}

function printEvent(event: EngineEvent, planning: boolean, view: DiffView | undefined): void {
  if (event.kind === "step") {
    const lines = view
      ? view.render(event.step, event.old, event.new)
      : [formatStep(event.step, planning)];
    for (const line of lines) console.log(line);
  }
  const line = event.kind === "log" ? formatLog(event.log) : undefined;
  if (line !== undefined) console.log(line);
}

/**
 * Ctrl-C as the CLI answers it (backend/cancellation_scope.go): the first cancels (steps in
 * flight finish and are recorded), the second terminates at once, leaving what was in flight
 * pending in the state. SIGTERM likewise.
 */
function handleInterrupts(engine: OfflineEngine, operation: OperationKind): void {
  let received = 0;
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    received += 1;
    const name = signal === "SIGINT" ? "^C" : "SIGTERM";
    const again = signal === "SIGINT" ? "press ^C again" : "send SIGTERM again";
    if (received === 1) {
      const note =
        operation === "preview"
          ? ""
          : "Note that terminating immediately may lead to orphaned resources and other inconsistencies.\n";
      process.stderr.write(
        `${name} received; cancelling. If you would like to terminate immediately, ${again}.\n${note}`,
      );
      void engine.cancel();
      return;
    }
    process.stderr.write(`${name} received; terminating\n`);
    void engine.terminate().then(() => process.exit(255));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

function report(result: OperationResult, say: (line: string) => void): void {
  say("");
  for (const line of formatOutputs(result.outputs)) say(line);
  for (const line of formatSummary(result)) say(line);
  if (result.error !== undefined) {
    say("");
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

/**
 * `pulumi stack output [name] [--show-secrets]`: the stack's outputs from the saved state,
 * secrets as "[secret]" unless asked for. One output prints bare, as the CLI does.
 */
async function printOutput(engine: OfflineEngine, name: string | undefined, show: boolean) {
  const stack = (await engine.loadState()).find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = stack?.outputs ?? {};
  const shown = (value: PropertyValue) =>
    containsSecrets(value) && !show ? "[secret]" : stripSecrets(value);
  if (name === undefined) {
    const all = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, shown(v)]));
    console.log(JSON.stringify(all, null, 2));
    return 0;
  }
  if (!(name in outputs)) {
    console.error(`error: current stack does not have output property '${name}'`);
    return 1;
  }
  const value = shown(outputs[name]);
  console.log(typeof value === "string" ? value : JSON.stringify(value));
  return 0;
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
