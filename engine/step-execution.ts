import type {
  PendingOperation,
  PendingOperationType,
  ResourceState,
  StepOp,
  StepRecord,
} from "./engine-types";
import type { KeyChanges } from "./property-diff";
import { markOutputSecrets, SECRET_ID_WARNING } from "./property-values";
import { nameOf, StepError, type StepContext } from "./step-context";

/** One step of a chain (step.go `Step`): what it is about, and how to carry it out. */
export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  /** The state the step starts from (absent for creates). */
  readonly old?: ResourceState;
  readonly replaceKeys?: readonly string[];
  readonly deleteBeforeReplace?: boolean;
  /** The `[diff: …]` keys of the step's row, when it shows one. */
  readonly diff?: KeyChanges;
  /** The provider operation the snapshot records before `apply`, when the step makes one. */
  readonly pending?: { readonly type: PendingOperationType; readonly resource: ResourceState };
  /**
   * Makes the provider call, if any, and records the outcome in the state, ending `operation`
   * in the same write. Resolves to the new state (absent for deletes and markers).
   */
  apply(
    ctx: StepContext,
    operation: PendingOperation | undefined,
  ): Promise<ResourceState | undefined>;
}

/**
 * A step that failed after the provider did something the state must keep (a partial create or
 * update): `state` is already recorded.
 */
export class PartialStepFailure extends Error {
  constructor(
    message: string,
    readonly state: ResourceState,
  ) {
    super(message);
    this.name = "PartialStepFailure";
  }
}

/**
 * Runs one step as the step executor does (step_executor.go `executeStep`): the pending operation
 * is written before the provider call and cleared after it (not in previews, which write nothing),
 * and the finished step is recorded whether it succeeded or not.
 *
 * @throws StepError attributed to the step's resource when it fails.
 */
export async function executeStep(
  ctx: StepContext,
  step: Step,
): Promise<ResourceState | undefined> {
  const startedAt = Date.now();
  const operation =
    ctx.preview || step.pending === undefined
      ? undefined
      : ctx.state.beginOperation(step.pending.type, step.pending.resource);
  let next: ResourceState | undefined;
  let failure: Error | undefined;
  try {
    next = await step.apply(ctx, operation);
  } catch (error) {
    failure = error as Error;
    if (failure instanceof PartialStepFailure) next = failure.state;
  } finally {
    ctx.state.endOperation(operation);
  }
  const record: StepRecord = {
    op: step.op,
    urn: step.urn,
    type: step.type,
    name: nameOf(step.urn),
    changedKeys: step.diff ? allKeys(step.diff) : [],
    ...(step.diff && allKeys(step.diff).length > 0 ? { diff: step.diff } : {}),
    replaceKeys: step.replaceKeys ?? [],
    deleteBeforeReplace: step.deleteBeforeReplace ?? false,
    startedAt,
    finishedAt: Date.now(),
    ...(failure !== undefined ? { error: failure.message } : {}),
  };
  ctx.recordStep(record, step.old, next);
  if (failure !== undefined) throw new StepError(step.urn, failure.message, { cause: failure });
  return next;
}

/**
 * The state a step records, with the step executor's secret marking applied (it runs for every
 * step with a new state but the replace marker, in previews and after partial failures too).
 */
export function withSecretOutputs(ctx: StepContext, state: ResourceState): ResourceState {
  if (state.additionalSecretOutputs.includes("id")) {
    ctx.log({ severity: "warning", message: SECRET_ID_WARNING, urn: state.urn, source: "engine" });
  }
  const outputs = markOutputSecrets(state.outputs, state.inputs, state.additionalSecretOutputs);
  return { ...state, outputs };
}

function allKeys(diff: KeyChanges): string[] {
  return [...diff.added, ...diff.deleted, ...diff.updated].sort();
}
