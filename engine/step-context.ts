import type { DeploymentState } from "./deployment-state";
import type { StepRecord } from "./engine-types";
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
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** The resource option; undefined when the program did not set it. */
  readonly deleteBeforeReplace?: boolean;
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly replaceOnChanges: readonly string[];
}

/** What steps need from the running operation. */
export interface StepContext {
  readonly preview: boolean;
  readonly state: DeploymentState;
  providerFor(type: string): Promise<ResourceProvider | undefined>;
  recordStep(step: StepRecord): void;
}

/** A step that failed; `urn` attributes the message. */
export class StepError extends Error {
  constructor(
    readonly urn: string,
    message: string,
  ) {
    super(message);
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
