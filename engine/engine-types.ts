import type { KeyChanges } from "./property-diff";
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
  /** The `ignoreChanges` option (property paths), kept for refresh and dependent replacements. */
  readonly ignoreChanges?: readonly string[];
  /** The `replaceOnChanges` option (property paths), kept for dependent replacements. */
  readonly replaceOnChanges?: readonly string[];
  /** The `deletedWith` option: the URN whose deletion deletes this resource too. */
  readonly deletedWith?: string;
  /** The id the resource was imported with (the `import` option). */
  readonly importId?: string;
  /** The old instance of a create-before-delete replacement, waiting for its delete (`delete`). */
  readonly pendingDelete?: boolean;
  /**
   * Deleted by a delete-before-replace, its replacement not created yet (`pendingReplacement`): the
   * next step for it is a create, never a provider delete.
   */
  readonly pendingReplacement?: boolean;
  /** Reasons from a partial create or update (it exists but did not initialize). */
  readonly initErrors?: readonly string[];
}

/** What the CLI calls a provider operation that was begun and not finished (snapshot.go). */
export type PendingOperationType = "creating" | "updating" | "deleting" | "reading" | "importing";

/** A provider call begun but never seen to end: the engine was killed while it ran. */
export interface PendingOperation {
  readonly type: PendingOperationType;
  readonly resource: ResourceState;
}

/**
 * What a step does, in the engine's vocabulary (step.go StepOp). `create`, `update`, `delete`,
 * `replace`, `same` and `import` are the logical steps the summary counts; a replacement is
 * carried out by `create-replacement` and `delete-replaced` steps, and a resource whose
 * delete-before-replace replacement never happened leaves by `remove-pending-replace`.
 */
export type StepOp =
  | "create"
  | "update"
  | "replace"
  | "delete"
  | "same"
  | "import"
  | "create-replacement"
  | "delete-replaced"
  | "remove-pending-replace";

/** One planned or executed step. */
export interface StepRecord {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /**
   * The keys of the CLI's `[diff: …]` column, sorted: top-level input keys added, deleted or
   * updated (keys starting `__` left out unless the engine compared inputs itself).
   */
  readonly changedKeys: readonly string[];
  /** The same keys by kind, when the row shows a diff. */
  readonly diff?: KeyChanges;
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

/** Whether a step is one the CLI counts in its summary. */
export function isLogicalStep(op: StepOp): boolean {
  return !["create-replacement", "delete-replaced", "remove-pending-replace"].includes(op);
}

/** The summary's counts: every logical step that did not fail (the stack included). */
export function summarizeSteps(steps: readonly StepRecord[]): StepSummary {
  const summary: StepSummary = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const step of steps) {
    if (step.error !== undefined || !isLogicalStep(step.op)) continue;
    const key = step.op as keyof StepSummary;
    summary[key] = (summary[key] ?? 0) + 1;
  }
  return summary;
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
  | {
      readonly kind: "step";
      readonly step: StepRecord;
      /** The states the step went from and to, for `--diff` (absent where there is none). */
      readonly old?: ResourceState;
      readonly new?: ResourceState;
    }
  | { readonly kind: "log"; readonly log: LogEntry };

/** Counts per step kind, as in the CLI's "Resources:" summary. */
export interface StepSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
  /** Present only when something was imported. */
  import?: number;
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
  /** True when the operation was cancelled (`update canceled`): steps in flight finished. */
  readonly canceled?: boolean;
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
  /**
   * `--parallel`: how many provider operations run at once, and what the program is told. Default
   * as the CLI's: PULUMI_PARALLEL when it is a positive number, else four per CPU.
   */
  readonly parallel?: number;
  /**
   * Test hook: SIGKILL the provider host's process group right after the `count`-th RPC of
   * `method` has been sent (not answered), simulating a crash while a provider call is in flight.
   */
  readonly crashAfter?: { readonly method: ProviderMethod; readonly count: number };
  /** Live events (steps as they finish, logs as they arrive). */
  readonly onEvent?: (event: EngineEvent) => void;
}

/** Options of {@link OfflineEngine.refresh}. */
export interface RefreshOptions {
  /**
   * `pulumi refresh --clear-pending-creates`: drop the pending CREATE operations a killed run left
   * (the CLI asks about each one when run interactively; this engine never prompts).
   */
  readonly clearPendingCreates?: boolean;
}
