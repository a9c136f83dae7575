import type { PropertyMap } from "./property-values";

/** One resource as the engine records it in the state file (secrets decrypted in memory). */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  /** False for component resources and the root stack: they have no provider. */
  readonly custom: boolean;
  readonly id: string;
  readonly parent: string;
  readonly inputs: PropertyMap;
  readonly outputs: PropertyMap;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly additionalSecretOutputs: readonly string[];
  /** The `deleteBeforeReplace` resource option, when the program set it. */
  readonly deleteBeforeReplace?: boolean;
  /** The old instance of a create-before-delete replacement, waiting for its delete. */
  readonly pendingDelete?: boolean;
  /** Reasons from a partial create (the provider created it but it failed to initialize). */
  readonly initErrors?: readonly string[];
}

/** What a step did to a resource, in the CLI's vocabulary. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same";

/** One planned or executed step. */
export interface StepRecord {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Top-level input keys that changed (update, replace), or output keys that drifted (refresh). */
  readonly changedKeys: readonly string[];
  /** Keys the provider said force a replacement. */
  readonly replaceKeys: readonly string[];
  /** For replaces: true when the old resource was (or will be) deleted before the new one exists. */
  readonly deleteBeforeReplace: boolean;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number;
  /** Set when the step failed: the provider's or engine's message. */
  readonly error?: string;
}

/** A diagnostic message shown to the user. */
export interface LogEntry {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  /** The resource the message is about, when known. */
  readonly urn?: string;
  /** Who produced it: the program, the dynamic provider host, a local command, or the engine. */
  readonly source: "program" | "provider" | "command" | "engine";
}

/** Streaming notifications for live display (the CLI prints these as they happen). */
export type EngineEvent =
  | { readonly kind: "step"; readonly step: StepRecord }
  | { readonly kind: "log"; readonly log: LogEntry };

/** Counts per step kind, as in the CLI's "Resources:" summary. */
export interface StepSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
}

/** A stack output, shaped like the Automation API's `OutputValue`. */
export interface OutputValue {
  readonly value: unknown;
  readonly secret: boolean;
}

/** The four operations the engine performs. */
export type OperationKind = "preview" | "up" | "refresh" | "destroy";

/** What an operation returns; `ok: false` comes with `error`. */
export interface OperationResult {
  readonly operation: OperationKind;
  readonly ok: boolean;
  readonly summary: StepSummary;
  readonly steps: readonly StepRecord[];
  /** The root stack's outputs (unknowns, in a preview, are the UNKNOWN sentinel string). */
  readonly outputs: Readonly<Record<string, OutputValue>>;
  readonly logs: readonly LogEntry[];
  readonly error?: string;
  readonly durationMs: number;
}

/** The provider RPCs a crash can be scheduled after. */
export type ProviderMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

/** Options for {@link OfflineEngine}. */
export interface EngineOptions {
  /** The directory holding Pulumi.yaml. */
  readonly projectDir: string;
  readonly stack: string;
  /** `-c key=value` overrides (plain); keys without a namespace get the project's. */
  readonly config?: Readonly<Record<string, string>>;
  /** `--secret-config key=value` overrides, treated as secrets. */
  readonly secretConfig?: Readonly<Record<string, string>>;
  /** Where stacks keep their state. Default `<projectDir>/.pulumi-offline`. */
  readonly stateDirectory?: string;
  /** Added to this process's environment for the program, the provider host and commands. */
  readonly env?: Readonly<Record<string, string>>;
  /** Upper bound for one operation, child processes included. Default 120 000 ms. */
  readonly timeoutMs?: number;
  /** `--parallel` for the program. Default 16. */
  readonly parallel?: number;
  /**
   * Test hook: SIGKILL the provider host's process group right after the `count`-th RPC of
   * `method` has been sent (not answered), simulating a crash while a provider call is in flight.
   */
  readonly crashAfter?: { readonly method: ProviderMethod; readonly count: number };
  /** Live events (steps as they finish, logs as they arrive). */
  readonly onEvent?: (event: EngineEvent) => void;
}
