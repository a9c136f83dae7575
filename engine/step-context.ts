import type { DeploymentState } from "./deployment-state";
import type { LogEntry, ResourceState, StepRecord } from "./engine-types";
import type { PropertyMap } from "./property-values";
import type { ResourceProvider } from "./provider-api";

/** What the program asked for in one RegisterResource call. */
export interface ResourceGoal {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly inputs: PropertyMap;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** The option; undefined when the program left it unset (then the parent's applies). */
  readonly protect?: boolean;
  /** The option; undefined when the program left it unset (then the parent's applies). */
  readonly retainOnDelete?: boolean;
  /** The resource option; undefined when the program did not set it. */
  readonly deleteBeforeReplace?: boolean;
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly replaceOnChanges: readonly string[];
  /** The `deletedWith` option: a URN, or "" when unset (then the parent's applies). */
  readonly deletedWith?: string;
  /** The `import` option: the id of an existing resource to adopt, or "" / undefined. */
  readonly importId?: string;
}

/** What steps need from the running deployment. */
export interface StepContext {
  readonly preview: boolean;
  readonly state: DeploymentState;
  providerFor(type: string): Promise<ResourceProvider | undefined>;
  /** Keeps a finished step; `old` and `new` are the states it went from and to. */
  recordStep(step: StepRecord, old?: ResourceState, next?: ResourceState): void;
  log(entry: LogEntry): void;
}

/**
 * Thrown for a registration once the deployment is stopping (a step failed, or it was cancelled).
 * The resource monitor answers it with UNAVAILABLE, which the SDK takes as "the monitor is shutting
 * down" and stops quietly, instead of reporting every dependent resource as failed.
 */
export class MonitorShutdown extends Error {
  constructor() {
    super("resource monitor shut down while waiting on step's done channel");
    this.name = "MonitorShutdown";
  }
}

/** A step that failed; `urn` attributes the message. */
export class StepError extends Error {
  constructor(
    readonly urn: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "StepError";
  }
}

/** What the program gets back: the id ("" in previews of new resources) and the outputs. */
export interface Registration {
  readonly id: string;
  readonly outputs: PropertyMap;
}

/** `pulumi:providers:<pkg>` resources are explicit provider instances, managed by the engine itself. */
export function isProviderResource(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/** `urn:pulumi:<stack>::<project>::<parent type$>type::<name>` (resource/urn.go NewURN). */
export function resourceUrn(
  stack: string,
  project: string,
  parentUrn: string,
  type: string,
  name: string,
): string {
  let qualifiedType = type;
  if (parentUrn !== "") {
    const parentType = parentUrn.split("::")[2] ?? "";
    if (parentType !== "pulumi:pulumi:Stack") qualifiedType = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** The resource's name: the last part of its URN. */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The provider of a custom resource, or an error saying the engine has none for its type. */
export async function requireProvider(ctx: StepContext, type: string): Promise<ResourceProvider> {
  const provider = await ctx.providerFor(type);
  if (provider === undefined) {
    throw new Error(`the offline engine has no provider for resource type ${type}`);
  }
  return provider;
}

/** The state a goal describes, before any provider call: no id, outputs as given. */
export function goalState(
  goal: ResourceGoal,
  inputs: PropertyMap,
  id = "",
  outputs: PropertyMap = {},
): ResourceState {
  return {
    urn: goal.urn,
    type: goal.type,
    custom: goal.custom,
    id,
    parent: goal.parent,
    inputs,
    outputs,
    dependencies: goal.dependencies,
    propertyDependencies: goal.propertyDependencies,
    protect: goal.protect ?? false,
    retainOnDelete: goal.retainOnDelete ?? false,
    additionalSecretOutputs: goal.additionalSecretOutputs,
    ...(goal.deleteBeforeReplace !== undefined
      ? { deleteBeforeReplace: goal.deleteBeforeReplace }
      : {}),
    ...(goal.ignoreChanges.length > 0 ? { ignoreChanges: goal.ignoreChanges } : {}),
    ...(goal.replaceOnChanges.length > 0 ? { replaceOnChanges: goal.replaceOnChanges } : {}),
    ...(goal.deletedWith ? { deletedWith: goal.deletedWith } : {}),
    ...(goal.importId ? { importId: goal.importId } : {}),
  };
}

/**
 * source_eval.go `inheritFromParent`: a child that leaves `protect`, `retainOnDelete` or
 * `deletedWith` unset takes its parent's (the parent's goal after its own inheritance, so they
 * flow down through components). Nothing else is inherited.
 */
export function inheritFromParent(
  goal: ResourceGoal,
  parent: ResourceGoal | undefined,
): ResourceGoal {
  if (parent === undefined) return goal;
  return {
    ...goal,
    ...(goal.protect === undefined && parent.protect !== undefined
      ? { protect: parent.protect }
      : {}),
    ...(goal.retainOnDelete === undefined && parent.retainOnDelete !== undefined
      ? { retainOnDelete: parent.retainOnDelete }
      : {}),
    ...(!goal.deletedWith && parent.deletedWith ? { deletedWith: parent.deletedWith } : {}),
  };
}
