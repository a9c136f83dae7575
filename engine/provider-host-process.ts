import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { signalProcessGroup, trackProcessGroup } from "./child-processes";
import { makeSecret, toStruct, type PropertyMap } from "./property-values";
import type { StackConfig } from "./stack-files";

/** How to launch the dynamic provider host. */
export interface ProviderHostLaunch {
  /** The program's directory (ctx.Pwd): the host's working directory, as the engine sets it. */
  readonly projectDir: string;
  readonly project: string;
  readonly config: StackConfig;
  readonly runtimeOptions: Readonly<Record<string, string>>;
  /** The environment the host inherits (this process's plus the engine's `env` option). */
  readonly env: NodeJS.ProcessEnv;
  /** The engine's gRPC address: the host's one required argument (it does not dial it). */
  readonly engineAddress: string;
  /** Output after the port line, one call per line. */
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
  readonly startTimeoutMs: number;
}

/**
 * The `pulumi-nodejs` dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started the
 * way the engine starts a resource plugin (plugin.go, provider_plugin.go): cwd = project
 * directory, its own process group, the gRPC port read from the first stdout line, and every
 * later stdout/stderr line forwarded as a diagnostic.
 */
export class ProviderHostProcess {
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** `127.0.0.1:<port>` to dial. */
    readonly address: string,
    /** Where the host leaves trailers too large for Node's HTTP/2 (see host-status-relay.cjs). */
    readonly relayDirectory: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  }

  /** Spawns the host and waits for its port. */
  static async start(launch: ProviderHostLaunch): Promise<ProviderHostProcess> {
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", {
      paths: [launch.projectDir],
    });
    const relayDirectory = mkdtempSync(join(tmpdir(), "offline-engine-relay-"));
    const relay = join(__dirname, "host-status-relay.cjs");
    const child = spawn(process.execPath, ["--require", relay, hostScript, launch.engineAddress], {
      cwd: launch.projectDir,
      env: {
        ...launch.env,
        ...hostEnvironment(launch),
        OFFLINE_ENGINE_STATUS_RELAY: relayDirectory,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group, as the engine does: stopping the host stops everything it started.
      detached: true,
    });
    const untrack = trackProcessGroup(child.pid);
    child.once("exit", () => {
      untrack();
      rmSync(relayDirectory, { recursive: true, force: true });
    });
    const port = await readPort(child, launch);
    const host = new ProviderHostProcess(child, `127.0.0.1:${port}`, relayDirectory);
    child.once("exit", (code, signal) => {
      host.exitDescription = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    });
    return host;
  }

  /** The process id (also its process group id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the host is gone ("was killed by SIGKILL"), or undefined while it runs. */
  get exitReason(): string | undefined {
    return this.exitDescription;
  }

  /** The exit reason, waiting up to `ms` for an exit that may already be under way. */
  async exitReasonAfter(ms: number): Promise<string | undefined> {
    if (this.exitDescription === undefined) {
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
    }
    return this.exitDescription;
  }

  /** SIGKILLs the whole process group at once (the crash simulation, and the last resort). */
  kill(): void {
    signalGroup(this.child, "SIGKILL");
  }

  /** SIGINTs the group (as the CLI stops a plugin), SIGKILL after `graceMs`; waits for the exit. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exitDescription !== undefined) return;
    signalGroup(this.child, "SIGINT");
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

// What the engine adds for the pulumi-nodejs plugin (provider_plugin.go NewProvider, host.go
// Provider): the project name for `Config` inside the host, PULUMI_CONFIG holding only config in
// the plugin's own `pulumi-nodejs` namespace, and the project's runtime options. The stack name is
// NOT passed: `pulumi.getStack()` inside a dynamic provider returns "stack" under the real CLI too.
function hostEnvironment(launch: ProviderHostLaunch): Record<string, string> {
  const pluginConfig: Record<string, string> = {};
  for (const [key, value] of Object.entries(launch.config.values)) {
    if (key.startsWith("pulumi-nodejs:")) pluginConfig[key.slice("pulumi-nodejs:".length)] = value;
  }
  const env: Record<string, string> = {
    PULUMI_NODEJS_PROJECT: launch.project,
    PULUMI_PROJECT: launch.project,
    PULUMI_CONFIG: JSON.stringify(pluginConfig),
  };
  for (const [name, value] of Object.entries(launch.runtimeOptions)) {
    env[`PULUMI_RUNTIME_${name.toUpperCase()}`] = value;
  }
  return env;
}

function readPort(child: ChildProcess, launch: ProviderHostLaunch): Promise<number> {
  return new Promise((resolve, reject) => {
    const stderr: string[] = [];
    let portSeen = false;
    const fail = (reason: string) => {
      signalGroup(child, "SIGKILL");
      reject(new Error(`pulumi-nodejs provider host ${reason}; stderr: ${stderr.join("\n")}`));
    };
    const timer = setTimeout(() => fail("printed no port in time"), launch.startTimeoutMs);
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (!portSeen) stderr.push(line);
      launch.onLine("stderr", line);
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (portSeen) return launch.onLine("stdout", line);
      portSeen = true;
      clearTimeout(timer);
      const port = Number(line.trim());
      if (Number.isInteger(port) && port > 0) resolve(port);
      else fail(`wrote an invalid port line ${JSON.stringify(line)}`);
    });
    child.once("exit", (code, signal) => {
      if (!portSeen) {
        clearTimeout(timer);
        fail(`exited (${signal ?? code}) before printing its port`);
      }
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalProcessGroup(child.pid, signal);
}

/**
 * The Configure request the engine sends the dynamic provider host. Dynamic providers receive
 * the whole stack config, namespaces kept, secrets as secret values (target.go
 * GetPackageConfig); the host unwraps them before calling `configure()`. The deprecated
 * `variables` map is keyed `<pkg>:config:<key>` (provider_plugin.go Configure).
 */
export function configureRequest(project: string, stack: string, config: StackConfig) {
  const args: PropertyMap = {};
  const request = new provproto.ConfigureRequest();
  for (const [key, value] of Object.entries(config.values)) {
    args[key] = config.secretKeys.includes(key) ? makeSecret(value) : value;
    request.getVariablesMap().set(`pulumi-nodejs:config:${key}`, value);
  }
  request.setArgs(toStruct(args));
  request.setAcceptsecrets(true);
  request.setAcceptresources(true);
  request.setSendsOldInputs(true);
  request.setSendsOldInputsToDelete(true);
  request.setType("pulumi:providers:pulumi-nodejs");
  request.setName("default");
  request.setUrn(`urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`);
  return request;
}
