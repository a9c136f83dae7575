import { LocalCommandProvider, LOCAL_COMMAND_TYPE } from "./local-command-provider";
import { deleteInReverseDependencyOrder } from "./delete-scheduler";
import type { DeploymentState } from "./deployment-state";
import { DynamicProviderClient } from "./dynamic-provider-client";
import type { EngineOptions, LogEntry, ResourceState, StepRecord } from "./engine-types";
import type { ResourceProvider } from "./provider-api";
import { ProgramProcess } from "./program-runner";
import { MonitorShutdown, ResourceMonitorServer } from "./resource-monitor";
import { refreshResource } from "./refresh-step";
import { applyRegistration } from "./resource-steps";
import type { Registration, ResourceGoal, StepContext, StepError } from "./step-context";
import type { ProjectInfo, StackConfig } from "./stack-files";

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

/** Everything one operation needs, prepared by the engine. */
export interface OperationSetup {
  readonly options: EngineOptions;
  readonly project: ProjectInfo;
  readonly config: StackConfig;
  readonly state: DeploymentState;
  readonly preview: boolean;
}

/**
 * One preview, up, refresh or destroy: owns the child processes (program, provider host, local
 * commands) and the gRPC server, collects steps, logs and errors, and stops everything in
 * {@link Operation.close}, whatever happened.
 */
export class Operation implements StepContext {
  readonly steps: StepRecord[] = [];
  readonly logs: LogEntry[] = [];
  readonly errors: string[] = [];
  readonly preview: boolean;
  readonly state: DeploymentState;
  private readonly env: NodeJS.ProcessEnv;
  private readonly commands: LocalCommandProvider;
  private dynamic: Promise<DynamicProviderClient> | undefined;
  private monitor: ResourceMonitorServer | undefined;
  private program: ProgramProcess | undefined;
  private readonly registered = new Set<string>();
  private stepFailed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly setup: OperationSetup) {
    this.preview = setup.preview;
    this.state = setup.state;
    this.env = { ...process.env, ...setup.options.env };
    this.commands = new LocalCommandProvider(setup.project.rootDirectory, this.env, (entry) =>
      this.log(entry),
    );
  }

  /** Runs the program against the monitor; afterwards deletes what it no longer declares. */
  async runProgram(): Promise<void> {
    const { options, project, config } = this.setup;
    this.monitor = await ResourceMonitorServer.start({
      project: project.name,
      stack: options.stack,
      preview: this.preview,
      parallel: options.parallel ?? 16,
      register: (goal) => this.register(goal),
      registerOutputs: (urn, outputs) => this.state.setOutputs(urn, outputs),
      log: (entry) => this.log(entry),
    });
    // Start the provider host alongside the program rather than on the first dynamic resource:
    // both take about a second to load, and nothing observable depends on the order.
    this.providerFor(DYNAMIC_TYPE_PREFIX).catch(() => undefined);
    this.program = ProgramProcess.start({
      project,
      stack: options.stack,
      monitorAddress: this.monitor.address,
      preview: this.preview,
      parallel: options.parallel ?? 16,
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
    if (exit.code !== 0 || this.stepFailed) {
      if (!this.stepFailed) this.errors.push(this.programFailure(exit.code, exit.signal));
      return;
    }
    const obsolete = this.state
      .all()
      .filter((resource) => resource.pendingDelete || !this.registered.has(resource.urn));
    await this.deleteAll(obsolete);
  }

  /** Deletes the given resources in reverse dependency order. */
  async deleteAll(resources: readonly ResourceState[]): Promise<void> {
    const failures = await deleteInReverseDependencyOrder(this, resources);
    this.errors.push(...failures.map((failure) => `${failure.urn}: ${failure.message}`));
  }

  /** Reads every custom resource back from its provider and records drift. */
  async refreshAll(): Promise<void> {
    const current = this.state.all().filter((resource) => !resource.pendingDelete);
    const failures = await Promise.all(current.map((resource) => refreshResource(this, resource)));
    for (const failure of failures) {
      if (failure !== undefined) this.errors.push(`${failure.urn}: ${failure.message}`);
    }
  }

  /** The provider for a resource type: the dynamic host (started on first use) or the command runner. */
  providerFor(type: string): Promise<ResourceProvider | undefined> {
    if (type === LOCAL_COMMAND_TYPE) return Promise.resolve(this.commands);
    if (!type.startsWith(DYNAMIC_TYPE_PREFIX)) return Promise.resolve(undefined);
    if (this.closing) return Promise.reject(new Error("the operation was stopped"));
    if (this.dynamic !== undefined) return this.dynamic;
    this.dynamic = DynamicProviderClient.start({
      projectDir: this.setup.project.rootDirectory,
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
      (client) =>
        this.log({
          severity: "debug",
          message: `provider host started (pid ${client.pid})`,
          source: "engine",
        }),
      () => undefined,
    );
    return this.dynamic;
  }

  /** SIGKILLs the provider host, if it runs (crash simulations). */
  killProviderHost(): void {
    void this.dynamic?.then(
      (client) => client.kill(),
      () => undefined,
    );
  }

  /** Keeps a finished step and announces it. */
  recordStep(step: StepRecord): void {
    this.steps.push(step);
    this.setup.options.onEvent?.({ kind: "step", step });
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

  private async stopEverything(): Promise<void> {
    this.program?.kill();
    this.commands.killAll();
    this.monitor?.stop();
    const stopped: Promise<unknown>[] = [];
    if (this.program) stopped.push(waitAtMost(this.program.exit, 2_000));
    if (this.dynamic)
      stopped.push(
        this.dynamic.then(
          (client) => client.close(),
          () => undefined,
        ),
      );
    await Promise.all(stopped);
  }

  private async register(goal: ResourceGoal): Promise<Registration> {
    if (this.stepFailed) throw new MonitorShutdown();
    if (this.registered.has(goal.urn)) {
      throw new Error(`Duplicate resource URN '${goal.urn}'; try giving it a unique name`);
    }
    this.registered.add(goal.urn);
    try {
      return await applyRegistration(this, goal);
    } catch (error) {
      const failure = error as StepError;
      this.errors.push(`${failure.urn}: ${failure.message}`);
      // Like the engine, a failed step cancels the deployment: no new steps start, and the
      // language host interrupts the program (steps already running still finish).
      this.stepFailed = true;
      this.program?.interrupt();
      throw new MonitorShutdown();
    }
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
