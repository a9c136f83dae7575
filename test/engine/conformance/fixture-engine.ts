import { Deployment } from "../../../engine/deployment";
import { DeploymentState, type Snapshot } from "../../../engine/deployment-state";
import {
  summarizeSteps,
  type LogEntry,
  type ResourceState,
  type StepRecord,
  type StepSummary,
} from "../../../engine/engine-types";
import type { PropertyMap } from "../../../engine/property-values";
import type { ResourceProvider } from "../../../engine/provider-api";
import { MonitorShutdown, resourceUrn, type ResourceGoal } from "../../../engine/step-context";

export const PROJECT = "proj";
export const STACK = "test";
export const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
/** The custom resource type fixture programs use unless they name another. */
export const WIDGET = "fixture:index:Widget";

/** A registered resource, as the program sees it. */
export interface Declared {
  readonly urn: string;
  readonly id: string;
  readonly outputs: PropertyMap;
}

/** The resource options a fixture program can give (the SDK's names). */
export interface FixtureOptions {
  readonly type?: string;
  readonly parent?: Declared;
  readonly dependsOn?: readonly Declared[];
  /** Input key to the resources its value came from (the SDK's property dependencies). */
  readonly propertyDependencies?: Readonly<Record<string, readonly Declared[]>>;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly deletedWith?: Declared;
  readonly deleteBeforeReplace?: boolean;
  readonly ignoreChanges?: readonly string[];
  readonly replaceOnChanges?: readonly string[];
  readonly additionalSecretOutputs?: readonly string[];
  readonly import?: string;
}

/** What a fixture program can do: register resources (as RegisterResource does) and outputs. */
export interface ProgramApi {
  resource(name: string, inputs: PropertyMap, options?: FixtureOptions): Promise<Declared>;
  component(type: string, name: string, options?: FixtureOptions): Promise<Declared>;
  /** RegisterResourceOutputs, for the stack when `urn` is omitted. */
  outputs(outputs: PropertyMap, urn?: string): void;
}

/** A fixture program: the part of `index.ts` a test needs, without the language runtime. */
export type FixtureProgram = (api: ProgramApi) => Promise<void>;

/** One operation's outcome. */
export interface FixtureRun {
  readonly ok: boolean;
  readonly steps: readonly StepRecord[];
  readonly errors: readonly string[];
  readonly logs: readonly LogEntry[];
  readonly summary: StepSummary;
  readonly canceled: boolean;
}

/** Per-operation settings. */
export interface RunSettings {
  readonly parallel?: number;
  /** Called once the deployment exists (to cancel it, for instance). */
  readonly started?: (deployment: Deployment, state: DeploymentState) => void;
  readonly clearPendingCreates?: boolean;
}

/**
 * One stack run through the engine's in-process core (engine/deployment.ts) with fixture
 * providers and fixture programs: what `pulumi up` does between the language host and the
 * providers, without either process. The state persists from one operation to the next, as the
 * state file would; `writes` counts the snapshot writes.
 */
export class FixtureStack {
  snapshot: Snapshot = { resources: [], pendingOperations: [] };
  writes: Snapshot[] = [];

  constructor(private readonly providers: Readonly<Record<string, ResourceProvider>>) {}

  /** The state's resources by name (the last part of the URN). */
  resource(name: string): ResourceState | undefined {
    return this.snapshot.resources.find((r) => r.urn.endsWith(`::${name}`) && !r.pendingDelete);
  }

  preview(program: FixtureProgram, settings: RunSettings = {}) {
    return this.run("preview", program, settings);
  }

  up(program: FixtureProgram, settings: RunSettings = {}) {
    return this.run("up", program, settings);
  }

  refresh(settings: RunSettings = {}) {
    return this.run("refresh", undefined, settings);
  }

  destroy(settings: RunSettings = {}) {
    return this.run("destroy", undefined, settings);
  }

  private async run(
    kind: "preview" | "up" | "refresh" | "destroy",
    program: FixtureProgram | undefined,
    settings: RunSettings,
  ): Promise<FixtureRun> {
    const preview = kind === "preview";
    const state = new DeploymentState(this.snapshot, (next) => {
      if (preview) return;
      this.snapshot = next;
      this.writes.push(next);
    });
    if (settings.clearPendingCreates) state.clearPendingCreates();
    const steps: StepRecord[] = [];
    const logs: LogEntry[] = [];
    const deployment = new Deployment({
      preview,
      state,
      parallel: settings.parallel ?? 8,
      providerFor: async (type) => this.providers[type],
      recordStep: (step) => steps.push(step),
      log: (entry) => logs.push(entry),
    });
    settings.started?.(deployment, state);
    const programErrors: string[] = [];
    if (kind === "refresh") await deployment.refresh();
    else if (kind === "destroy") await deployment.destroy();
    else {
      const ok = await runProgram(deployment, program!).then(
        () => true,
        (error: Error) => {
          if (!(error instanceof MonitorShutdown)) programErrors.push(error.message);
          return false;
        },
      );
      await deployment.finish(ok);
    }
    const errors = [...deployment.errors, ...programErrors];
    return {
      ok: errors.length === 0 && !deployment.cancelled,
      steps,
      errors,
      logs,
      summary: summarizeSteps(steps),
      canceled: deployment.cancelled,
    };
  }
}

async function runProgram(deployment: Deployment, program: FixtureProgram): Promise<void> {
  await deployment.register(
    goal(STACK_URN, "pulumi:pulumi:Stack", `${PROJECT}-${STACK}`, false, {}, {}, ""),
  );
  const declare = (
    type: string,
    name: string,
    custom: boolean,
    inputs: PropertyMap,
    options: FixtureOptions,
  ) => {
    const parent = options.parent?.urn ?? STACK_URN;
    const urn = resourceUrn(STACK, PROJECT, parent, type, name);
    return deployment
      .register(goal(urn, type, name, custom, inputs, options, parent))
      .then((registration) => ({ urn, ...registration }));
  };
  await program({
    resource: (name, inputs, options = {}) =>
      declare(options.type ?? WIDGET, name, true, inputs, options),
    component: (type, name, options = {}) => declare(type, name, false, {}, options),
    outputs: (outputs, urn = STACK_URN) => deployment.registerOutputs(urn, outputs),
  });
}

function goal(
  urn: string,
  type: string,
  name: string,
  custom: boolean,
  inputs: PropertyMap,
  options: FixtureOptions,
  parent: string,
): ResourceGoal {
  const propertyDependencies = Object.fromEntries(
    Object.entries(options.propertyDependencies ?? {}).map(([key, list]) => [
      key,
      list.map((d) => d.urn),
    ]),
  );
  const dependencies = [
    ...new Set([
      ...(options.dependsOn ?? []).map((d) => d.urn),
      ...Object.values(propertyDependencies).flat(),
    ]),
  ];
  return {
    urn,
    type,
    name,
    custom,
    parent,
    inputs,
    dependencies,
    propertyDependencies,
    ...(options.protect !== undefined ? { protect: options.protect } : {}),
    ...(options.retainOnDelete !== undefined ? { retainOnDelete: options.retainOnDelete } : {}),
    ...(options.deleteBeforeReplace !== undefined
      ? { deleteBeforeReplace: options.deleteBeforeReplace }
      : {}),
    ignoreChanges: options.ignoreChanges ?? [],
    additionalSecretOutputs: options.additionalSecretOutputs ?? [],
    replaceOnChanges: options.replaceOnChanges ?? [],
    deletedWith: options.deletedWith?.urn ?? "",
    importId: options.import ?? "",
  };
}

/** `op name` of every step, in the order they finished. */
export function stepLog(run: FixtureRun): string[] {
  return run.steps.map((step) => `${step.op} ${step.name}`);
}
