/**
 * Where an operation's wall time went, from its step records: before the program registered its
 * stack (processes, runtime and SDK load), from the stack to the first resource (loading the
 * program's own modules and serializing its dynamic providers), the resource steps themselves
 * (the part the critical path bounds), and after the last step (program exit, shutdown). Pure.
 */
import type { StepRecord } from "../../engine/engine-types";

/** Milliseconds per phase; they add up to the operation's wall time. */
export interface Phases {
  /** Operation start to the stack's registration (to the first step when there is no stack). */
  readonly startupMs: number;
  /** Stack registration to the next registration. */
  readonly programLoadMs: number;
  /** First resource step's start to the last step's end. */
  readonly resourcesMs: number;
  /** Last step's end to the operation's end. */
  readonly shutdownMs: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Splits `[startedAt, endedAt]` (Unix ms) at the steps' own timestamps. */
export function operationPhases(
  steps: readonly StepRecord[],
  startedAt: number,
  endedAt: number,
): Phases {
  if (steps.length === 0) {
    return { startupMs: endedAt - startedAt, programLoadMs: 0, resourcesMs: 0, shutdownMs: 0 };
  }
  const stack = steps.find((step) => step.type === STACK_TYPE);
  const resources = steps.filter((step) => step !== stack);
  const firstStart = Math.min(...steps.map((step) => step.startedAt));
  const lastEnd = Math.max(...steps.map((step) => step.finishedAt));
  const stackAt = stack?.startedAt ?? firstStart;
  const resourcesAt =
    resources.length > 0 ? Math.min(...resources.map((step) => step.startedAt)) : lastEnd;
  return {
    startupMs: stackAt - startedAt,
    programLoadMs: Math.max(0, resourcesAt - stackAt),
    resourcesMs: Math.max(0, lastEnd - Math.max(resourcesAt, stackAt)),
    shutdownMs: endedAt - lastEnd,
  };
}

/**
 * How long the program took to register everything: from the stack's registration to the last
 * resource's (each step starts when its resource is registered). In a preview of an unchanged
 * stack that is the program's own load: its modules, its checks and, where providers are copied
 * into the state, their serialization. Zero without a stack or resources.
 */
export function registrationSpanMs(steps: readonly StepRecord[]): number {
  const stack = steps.find((step) => step.type === STACK_TYPE);
  const resources = steps.filter((step) => step !== stack);
  if (stack === undefined || resources.length === 0) return 0;
  return Math.max(0, Math.max(...resources.map((step) => step.startedAt)) - stack.startedAt);
}
