import { runDeletes } from "./delete-scheduler";
import type { DeploymentState } from "./deployment-state";
import type { LogEntry, ResourceState, StepRecord } from "./engine-types";
import type { PropertyMap } from "./property-values";
import type { ResourceProvider } from "./provider-api";
import { rebuildBaseState, refreshResource } from "./refresh-step";
import {
  inheritFromParent,
  MonitorShutdown,
  type Registration,
  type ResourceGoal,
  type StepContext,
} from "./step-context";
import { executeStep, type Step } from "./step-execution";
import { SerialQueue, StepExecutor, StepsCancelled } from "./step-executor";
import { generateSteps, type GeneratorState } from "./step-generator";

/** What a deployment needs from whoever runs it. */
export interface DeploymentSetup {
  readonly preview: boolean;
  readonly state: DeploymentState;
  /** `--parallel`: how many chains of steps run at once. */
  readonly parallel: number;
  providerFor(type: string): Promise<ResourceProvider | undefined>;
  recordStep(step: StepRecord, old?: ResourceState, next?: ResourceState): void;
  log(entry: LogEntry): void;
  /** Called once when a step fails: the deployment stops taking registrations. */
  onFailure?(): void;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * One deployment as pkg/resource/deploy runs it, independent of any process: registrations come
 * in (from the resource monitor, or a test), their steps are decided one at a time on the
 * generator's queue (Check and Diff never overlap) and carried out on at most `parallel` workers;
 * after the program, the post-steps delete what it no longer declares. A failed step cancels the
 * rest: steps already running finish and are recorded, nothing new starts, no deletes run.
 */
export class Deployment implements StepContext {
  readonly errors: string[] = [];
  readonly preview: boolean;
  readonly state: DeploymentState;
  private readonly sg: GeneratorState & {
    goals: Map<string, ResourceGoal>;
    news: Map<string, ResourceState>;
  };
  private readonly generator = new SerialQueue();
  private readonly executor: StepExecutor;
  private sawError = false;
  private stoppedByError = false;
  private cancelledRun = false;
  private stackOutputs: { urn: string; outputs: PropertyMap } | undefined;

  constructor(private readonly setup: DeploymentSetup) {
    this.preview = setup.preview;
    this.state = setup.state;
    this.executor = new StepExecutor(setup.parallel);
    const base = setup.state.all();
    this.sg = {
      base,
      olds: new Map(base.filter((r) => !r.pendingDelete).map((r) => [r.urn, r])),
      creates: new Set(),
      sames: new Set(),
      updates: new Set(),
      replaces: new Set(),
      deletes: new Set(),
      pendingDeletes: new Set(),
      dependentReplaceKeys: new Map(),
      goals: new Map(),
      news: new Map(),
      reportError: (urn, message) => this.fail(urn, message, false),
    };
  }

  /** Whether a step or the step generator failed (the run ends as failed). */
  get failed(): boolean {
    return this.sawError;
  }

  /** Whether the deployment was cancelled. */
  get cancelled(): boolean {
    return this.cancelledRun;
  }

  providerFor(type: string): Promise<ResourceProvider | undefined> {
    return this.setup.providerFor(type);
  }

  recordStep(step: StepRecord, old?: ResourceState, next?: ResourceState): void {
    this.setup.recordStep(step, old, next);
  }

  log(entry: LogEntry): void {
    this.setup.log(entry);
  }

  /**
   * One RegisterResource: resolves with what the program gets back once the resource's steps are
   * done. Once the deployment is stopping it rejects with {@link MonitorShutdown}.
   */
  async register(registered: ResourceGoal): Promise<Registration> {
    if (this.stopping) throw new MonitorShutdown();
    if (this.sg.goals.has(registered.urn)) {
      throw new Error(`Duplicate resource URN '${registered.urn}'; try giving it a unique name`);
    }
    const goal = inheritFromParent(registered, this.sg.goals.get(registered.parent));
    this.sg.goals.set(goal.urn, goal);
    try {
      const generated = await this.generator.run(() => {
        if (this.stopping) throw new MonitorShutdown();
        return generateSteps(this, this.sg, goal);
      });
      let state = await this.runChain(generated.steps);
      if (generated.afterImport !== undefined && state !== undefined) {
        const imported = state;
        const rest = await this.generator.run(() => generated.afterImport!(imported));
        state = (await this.runChain(rest)) ?? imported;
      }
      if (state === undefined) throw new Error(`no state was recorded for ${goal.urn}`);
      this.sg.news.set(goal.urn, state);
      return { id: state.id, outputs: state.custom ? state.outputs : {} };
    } catch (error) {
      if (error instanceof MonitorShutdown || error instanceof StepsCancelled) {
        throw new MonitorShutdown();
      }
      this.fail((error as { urn?: string }).urn ?? goal.urn, (error as Error).message, true);
      throw new MonitorShutdown();
    }
  }

  /**
   * RegisterResourceOutputs. A component's outputs are stored at once; the stack's wait for the
   * end of the run, where a failed run overlays them on the old ones instead of replacing them
   * (step_executor.go `executeRegisterResourceOutputs`).
   */
  registerOutputs(urn: string, outputs: PropertyMap): void {
    const current = this.state.live(urn);
    if (current?.type === STACK_TYPE) this.stackOutputs = { urn, outputs };
    else this.state.setOutputs(urn, outputs);
  }

  /**
   * Waits for every step in flight (`WaitForCompletion`), then, after a program that succeeded and
   * a deployment nothing stopped, runs the post-steps (deletes).
   */
  async finish(programSucceeded: boolean): Promise<void> {
    await this.generator.run(async () => undefined);
    await this.executor.drain();
    if (programSucceeded && !this.stopping) {
      const operatedOn = (urn: string) =>
        this.sg.sames.has(urn) ||
        this.sg.updates.has(urn) ||
        this.sg.replaces.has(urn) ||
        this.sg.creates.has(urn);
      this.recordDeletes(
        await runDeletes(this, this.executor, { operatedOn, deletes: this.sg.deletes }),
      );
    }
    this.storeStackOutputs();
    this.state.flush();
  }

  /** `pulumi destroy`: every resource is condemned, and deleted as the post-steps delete. */
  async destroy(): Promise<void> {
    this.recordDeletes(
      await runDeletes(this, this.executor, { operatedOn: () => false, deletes: this.sg.deletes }),
    );
    this.state.flush();
  }

  /**
   * `pulumi refresh` (deployment_executor.go `refresh`): a refresh step for every resource, pending
   * deletes included, on the workers; one failing stops none of the others. The state is then
   * rebuilt from the results at once.
   */
  async refresh(): Promise<void> {
    const outcomes = await Promise.all(
      this.state.all().map((resource) =>
        this.executor
          .run(async (beforeStep) => {
            beforeStep();
            return refreshResource(this, resource);
          })
          .catch((error: Error) => {
            if (!(error instanceof StepsCancelled)) this.fail(resource.urn, error.message, false);
            return { resource, refreshed: resource };
          }),
      ),
    );
    // Cancelled or failed steps keep their resource as it was (deployment_executor.go refresh).
    this.state.rebuild(rebuildBaseState(outcomes));
    this.state.flush();
  }

  /** Ctrl-C: nothing new starts; steps in flight finish and are recorded; no deletes follow. */
  cancel(): void {
    this.cancelledRun = true;
    this.executor.cancel();
  }

  /** Cancelled by the user or by a failure: no new registration, step or delete starts. */
  private get stopping(): boolean {
    return this.stoppedByError || this.cancelledRun;
  }

  private async runChain(steps: readonly Step[]): Promise<ResourceState | undefined> {
    if (steps.length === 0) return undefined;
    return this.executor.run(async (beforeStep) => {
      let last: ResourceState | undefined;
      for (const step of steps) {
        beforeStep();
        const next = await executeStep(this, step);
        if (next !== undefined) last = next;
      }
      return last;
    });
  }

  private recordDeletes(outcome: { failed: readonly Error[]; refused: readonly Error[] }) {
    for (const error of [...outcome.refused, ...outcome.failed]) {
      this.fail(
        (error as { urn?: string }).urn ?? "",
        error.message,
        outcome.failed.includes(error),
      );
    }
  }

  /**
   * Records a failure. `cancel` stops the deployment, as any step failure does; a protect error,
   * a refresh failure or a preview's replace of a protected resource only fail the run.
   */
  private fail(urn: string, message: string, cancel: boolean): void {
    this.errors.push(urn === "" ? message : `${urn}: ${message}`);
    this.sawError = true;
    if (!cancel || this.stoppedByError) return;
    this.stoppedByError = true;
    this.executor.cancel();
    this.setup.onFailure?.();
  }

  private storeStackOutputs(): void {
    if (this.stackOutputs === undefined) return;
    const { urn, outputs } = this.stackOutputs;
    const old = this.state.live(urn)?.outputs ?? {};
    this.state.setOutputs(urn, this.sawError ? { ...old, ...outputs } : outputs);
  }
}
