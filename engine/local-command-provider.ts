import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { signalProcessGroup, trackProcessGroup } from "./child-processes";
import type { LogEntry } from "./engine-types";
import {
  changedKeys,
  containsSecrets,
  isObject,
  makeSecret,
  stripSecrets,
  type PropertyMap,
  type PropertyValue,
} from "./property-values";
import {
  ProviderError,
  type CheckResult,
  type CreateResult,
  type DiffResult,
  type ExistingResource,
  type ReadResult,
  type ReadTarget,
  type ResourceProvider,
} from "./provider-api";

/** The resource type this runner stands in for. */
export const LOCAL_COMMAND_TYPE = "command:local:Command";

/**
 * A stand-in for pulumi-command's `local.Command` (its plugin binary cannot be downloaded here),
 * following provider/pkg/provider/local: the command runs through `/bin/sh -c` (or `interpreter`)
 * in the project directory with the engine's environment plus `environment`; stdout and stderr
 * become outputs with one trailing newline trimmed; `update` falls back to `create`; a change to
 * `triggers` replaces; every output is secret when any input is.
 */
export class LocalCommandProvider implements ResourceProvider {
  private readonly running = new Set<number>();

  constructor(
    private readonly workingDirectory: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (entry: LogEntry) => void,
  ) {}

  async check(_urn: string, _olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    return { inputs: news, failures: [] };
  }

  async diff(old: ExistingResource, news: PropertyMap): Promise<DiffResult> {
    const changed = changedKeys(old.inputs, news);
    return {
      changes: changed.length > 0 ? "some" : "none",
      replaceKeys: changed.filter((key) => key === "triggers"),
      deleteBeforeReplace: false,
    };
  }

  async create(urn: string, inputs: PropertyMap): Promise<CreateResult> {
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    const outputs = await this.runFor(urn, "create", inputs, {});
    return { id: `${name}${randomBytes(4).toString("hex")}`, outputs };
  }

  async update(old: ExistingResource, news: PropertyMap): Promise<PropertyMap> {
    return this.runFor(old.urn, news.update === undefined ? "create" : "update", news, old.outputs);
  }

  /** A command has nothing to read back; an import (no state) returns no inputs, so it fails. */
  async read(target: ReadTarget): Promise<ReadResult> {
    return { id: target.id, outputs: target.outputs ?? {} };
  }

  async delete(old: ExistingResource): Promise<void> {
    await this.runFor(old.urn, "delete", old.outputs, old.outputs);
  }

  /** Kills every command still running (their whole process groups). */
  killAll(): void {
    for (const pid of this.running) signalProcessGroup(pid, "SIGKILL");
    this.running.clear();
  }

  private async runFor(
    urn: string,
    field: "create" | "update" | "delete",
    inputs: PropertyMap,
    previous: PropertyMap,
  ): Promise<PropertyMap> {
    const plain = stripSecrets(inputs) as Record<string, PropertyValue>;
    const command = plain[field];
    let stdout = typeof previous.stdout === "string" ? previous.stdout : "";
    let stderr = typeof previous.stderr === "string" ? previous.stderr : "";
    if (typeof command === "string") {
      const extraEnv: Record<string, string> = {};
      if (isObject(plain.environment)) {
        for (const [key, value] of Object.entries(plain.environment)) extraEnv[key] = String(value);
      }
      // Like pulumi-command: the previous run's output is visible to update and delete commands.
      const prior = stripSecrets(previous.stdout ?? null);
      if (typeof prior === "string" && prior !== "") extraEnv.PULUMI_COMMAND_STDOUT = prior;
      const interpreter = Array.isArray(plain.interpreter)
        ? plain.interpreter.map(String)
        : ["/bin/sh", "-c"];
      const result = await this.run(urn, [...interpreter, command], {
        cwd: typeof plain.dir === "string" ? plain.dir : this.workingDirectory,
        env: { ...this.env, ...extraEnv },
        stdin: typeof plain.stdin === "string" ? plain.stdin : undefined,
        // Output derived from secret inputs is secret: it is not echoed as diagnostics.
        echo: !containsSecrets(inputs),
      });
      stdout = result.stdout.replace(/\n$/, "");
      stderr = result.stderr.replace(/\n$/, "");
    }
    const secret = containsSecrets(inputs);
    const wrap = (value: string) => (secret ? makeSecret(value) : value);
    return { ...inputs, stdout: wrap(stdout), stderr: wrap(stderr) };
  }

  private run(
    urn: string,
    argv: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; stdin: string | undefined; echo: boolean },
  ): Promise<{ stdout: string; stderr: string }> {
    const [program, ...args] = argv;
    const child = spawn(program ?? "/bin/sh", args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid !== undefined) this.running.add(child.pid);
    const untrack = trackProcessGroup(child.pid);
    // A command that never reads stdin closes it early; that EPIPE is not a failure.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    const stdout: string[] = [];
    const stderr: string[] = [];
    const combined: string[] = [];
    const collect = (sink: string[]) => (line: string) => {
      sink.push(line);
      combined.push(line);
      if (options.echo) this.log({ severity: "info", message: line, urn, source: "command" });
    };
    createInterface({ input: child.stdout }).on("line", collect(stdout));
    createInterface({ input: child.stderr }).on("line", collect(stderr));
    return new Promise((resolve, reject) => {
      child.once("error", (error) => reject(new ProviderError(error.message)));
      child.once("close", (code, signal) => {
        untrack();
        if (child.pid !== undefined) this.running.delete(child.pid);
        if (code === 0) {
          resolve({ stdout: joinLines(stdout), stderr: joinLines(stderr) });
          return;
        }
        const status = signal ? `signal: ${signal}` : `exit status ${code}`;
        const command = JSON.stringify(argv[argv.length - 1]);
        reject(new ProviderError(`${status}: running ${command}:\n${joinLines(combined)}`));
      });
    });
  }
}

function joinLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}
