import { Deployment } from "./deployment";
import type { DeploymentState } from "./deployment-state";
import { DynamicProviderClient } from "./dynamic-provider-client";
import type { EngineOptions, LogEntry, ResourceState, StepRecord } from "./engine-types";
import { LocalCommandProvider, LOCAL_COMMAND_TYPE } from "./local-command-provider";
import { ProgramProcess } from "./program-runner";
import type { ResourceProvider } from "./provider-api";
import { ResourceMonitorServer } from "./resource-monitor";
import type { ProjectInfo, StackConfig } from "./stack-files";

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

/** Everything one operation needs, prepared by the engine. */
export interface OperationSetup {
  readonly options: EngineOptions;
  readonly project: ProjectInfo;
  readonly config: StackConfig;
  readonly state: DeploymentState;
  readonly preview: boolean;
  readonly parallel: number;
}

/**
 * One preview, up, refresh or destroy: owns the child processes (program, provider host, local
 * commands) and the gRPC server around a {@link Deployment}, collects steps and logs, and stops
 * everything in {@link Operation.close}, whatever happened.
 */
export class Operation {
  readonly steps: StepRecord[] = [];
  readonly logs: LogEntry[] = [];
  readonly deployment: Deployment;
  private readonly problems: string[] = [];
  private readonly env: NodeJS.ProcessEnv;
  private readonly commands: LocalCommandProvider;
  private dynamic: Promise<DynamicProviderClient> | undefined;
  /** The dynamic host once it runs, so a kill can land at once (see killProviderHost). */
  private dynamicStarted: DynamicProviderClient | undefined;
  private monitor: ResourceMonitorServer | undefined;
  private program: ProgramProcess | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly setup: OperationSetup) {
    this.env = { ...process.env, ...setup.options.env };
    this.commands = new LocalCommandProvider(setup.project.rootDirectory, this.env, (entry) =>
      this.log(entry),
    );
    this.deployment = new Deployment({
      preview: setup.preview,
      state: setup.state,
      parallel: setup.parallel,
      providerFor: (type) => this.providerFor(type),
      recordStep: (step, old, next) => this.recordStep(step, old, next),
      log: (entry) => this.log(entry),
      // Like the engine, a failed step cancels the deployment: the language host interrupts the
      // program (steps already running still finish).
      onFailure: () => this.program?.interrupt(),
    });
  }

  /** The state the operation works on. */
  get state(): DeploymentState {
    return this.setup.state;
  }

  /** Every failure: the deployment's, then the program's own. */
  get errors(): string[] {
    return [...this.deployment.errors, ...this.problems];
  }

  /** Runs the program against the monitor; afterwards deletes what it no longer declares. */
  async runProgram(): Promise<void> {
    const { options, project, config } = this.setup;
    this.monitor = await ResourceMonitorServer.start({
      project: project.name,
      stack: options.stack,
      preview: this.setup.preview,
      parallel: this.setup.parallel,
      config,
      register: (goal) => this.deployment.register(goal),
      registerOutputs: (urn, outputs) => this.deployment.registerOutputs(urn, outputs),
      log: (entry) => this.log(entry),
    });
    // Start the provider host alongside the program rather than on the first dynamic resource:
    // both take about a second to load, and nothing observable depends on the order.
    this.providerFor(DYNAMIC_TYPE_PREFIX).catch(() => undefined);
    this.program = ProgramProcess.start({
      project,
      stack: options.stack,
      monitorAddress: this.monitor.address,
      preview: this.setup.preview,
      parallel: this.setup.parallel,
      config,
      env: this.env,
      onLine: (_stream, line) => this.log({ severity: "info", message: line, source: "program" }),
    });
    this.log({
      severity: "debug",
      message: `program started (pid ${this.program.pid})`,
      source: "engine",
    });
    const exit = await this.program.exit;
    const succeeded = exit.code === 0;
    if (!succeeded && !this.deployment.failed && !this.deployment.cancelled) {
      this.problems.push(this.programFailure(exit.code, exit.signal));
    }
    await this.deployment.finish(succeeded);
  }

  /** `pulumi destroy`: deletes every resource in reverse dependency order. */
  destroy(): Promise<void> {
    return this.deployment.destroy();
  }

  /** `pulumi refresh`: reads every resource back and rebuilds the state from what it finds. */
  refresh(): Promise<void> {
    return this.deployment.refresh();
  }

  /**
   * The first Ctrl-C: the Cancel RPC goes to the provider host, the program is interrupted, and
   * nothing new starts; steps in flight finish and are recorded.
   */
  async cancel(): Promise<void> {
    this.deployment.cancel();
    this.program?.interrupt(5_000);
    const client = await this.dynamic?.catch(() => undefined);
    if (client !== undefined) {
      await client.cancel();
      this.log({
        severity: "debug",
        message: "sent Cancel to the provider host",
        source: "engine",
      });
    }
  }

  /** The provider for a resource type: the dynamic host (started on first use) or the command runner. */
  providerFor(type: string): Promise<ResourceProvider | undefined> {
    if (type === LOCAL_COMMAND_TYPE) return Promise.resolve(this.commands);
    if (!type.startsWith(DYNAMIC_TYPE_PREFIX)) return Promise.resolve(undefined);
    if (this.closing) return Promise.reject(new Error("the operation was stopped"));
    if (this.dynamic !== undefined) return this.dynamic;
    this.dynamic = DynamicProviderClient.start({
      // The engine starts the plugin in ctx.Pwd (plugin.go newPlugin), the program's directory.
      projectDir: this.setup.project.programDirectory,
      project: this.setup.project.name,
      stack: this.setup.options.stack,
      config: this.setup.config,
      runtimeOptions: this.setup.project.runtimeOptions,
      env: this.env,
      engineAddress: this.monitor?.address ?? "127.0.0.1:0",
      // The real engine forwards host output as diagnostics without a resource (plugin.go).
      onLine: (_stream, message) => this.log({ severity: "info", message, source: "provider" }),
      startTimeoutMs: 30_000,
      ...(this.setup.options.crashAfter ? { crashAfter: this.setup.options.crashAfter } : {}),
    });
    this.dynamic.then(
      (client) => {
        this.dynamicStarted = client;
        this.log({
          severity: "debug",
          message: `provider host started (pid ${client.pid})`,
          source: "engine",
        });
      },
      () => undefined,
    );
    return this.dynamic;
  }

  /**
   * SIGKILLs the provider host, if it runs (crash simulations). A running host is killed before
   * this returns: a test that kills it as the emulator answers a request must kill it before the
   * answer leaves, or a busy machine lets the host finish the call and the engine record it.
   */
  killProviderHost(): void {
    if (this.dynamicStarted !== undefined) return this.dynamicStarted.kill();
    void this.dynamic?.then(
      (client) => client.kill(),
      () => undefined,
    );
  }

  /** Keeps a diagnostic and announces it. */
  log(entry: LogEntry): void {
    this.logs.push(entry);
    this.setup.options.onEvent?.({ kind: "log", log: entry });
  }

  /**
   * Stops every child process and the server; resolves once they are gone. Every call shares the
   * first call's work, so a timeout and the operation's own cleanup wait for the same stop.
   */
  close(): Promise<void> {
    this.closing ??= this.stopEverything();
    return this.closing;
  }

  private recordStep(step: StepRecord, old?: ResourceState, next?: ResourceState): void {
    this.steps.push(step);
    this.setup.options.onEvent?.({
      kind: "step",
      step,
      ...(old ? { old } : {}),
      ...(next ? { new: next } : {}),
    });
  }

  private async stopEverything(): Promise<void> {
    this.program?.kill();
    this.commands.killAll();
    this.monitor?.stop();
    const stopped: Promise<unknown>[] = [];
    if (this.program) stopped.push(waitAtMost(this.program.exit, 2_000));
    if (this.dynamic) {
      stopped.push(
        this.dynamic.then(
          (client) => client.close(),
          () => undefined,
        ),
      );
    }
    await Promise.all(stopped);
  }

  private programFailure(code: number | null, signal: NodeJS.Signals | null): string {
    const reported = this.logs
      .filter((entry) => entry.source === "program" && entry.severity === "error")
      .map((entry) => entry.message);
    if (reported.length > 0) return reported.join("\n");
    const tail = this.logs
      .filter((entry) => entry.source === "program" && entry.severity !== "debug")
      .slice(-20)
      .map((entry) => entry.message);
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return [`the program ${how}`, ...tail].join("\n");
  }
}

async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
