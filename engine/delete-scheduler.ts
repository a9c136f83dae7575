import { dependenciesOf, transitiveDependenciesOf } from "./dependency-graph";
import { DeleteProtectedError, deleteStep, removePendingReplaceStep } from "./delete-step";
import type { ResourceState } from "./engine-types";
import type { StepContext } from "./step-context";
import { StepsCancelled, type StepExecutor } from "./step-executor";
import { executeStep, type Step } from "./step-execution";

/** What the post-steps need to know about the run that came before them. */
export interface DeletePlan {
  /** Whether the program registered (or the run otherwise handled) this URN. */
  readonly operatedOn: (urn: string) => boolean;
  /** URNs deleted in this deployment (`sg.deletes`); delete steps add theirs. */
  readonly deletes: Set<string>;
}

/** What the deletes ended with. */
export interface DeleteOutcome {
  /** Failures other than protect errors: the executor was cancelled, later deletes never ran. */
  readonly failed: readonly Error[];
  /** Protect errors: the run fails, but the other deletes went on. */
  readonly refused: readonly Error[];
}

/**
 * The post-steps of step_generator.go `GenerateDeletes` and `ScheduleDeletes`, run as
 * deployment_executor.go `performPostSteps` runs them. Condemned: every resource pending deletion
 * (the old half of a create-before-delete replace), and every resource the run did not operate
 * on (a delete, or a `remove-pending-replace` for one a delete-before-replace already deleted).
 *
 * They are grouped into antichains: round after round, the condemned resources none of whose
 * dependencies (parent included) are still condemned; the rounds run in reverse, so dependents go
 * first. Each round runs in parallel (bounded by the executor) and completes before the next.
 * A delete that fails cancels the executor, so no later delete starts; a protect error does not,
 * but the resources it depends on are skipped.
 */
export async function runDeletes(
  ctx: StepContext,
  executor: StepExecutor,
  plan: DeletePlan,
): Promise<DeleteOutcome> {
  const resources = ctx.state.all();
  const steps = generateDeletes(resources, plan);
  const failed: Error[] = [];
  const refused: Error[] = [];
  const erroredDependencies = new Set<ResourceState>();
  for (const antichain of scheduleDeletes(resources, steps)) {
    if (executor.cancelled) break;
    const runnable = antichain.filter((step) => !erroredDependencies.has(step.old!));
    await Promise.all(
      runnable.map((step) =>
        executor
          .run(async (beforeStep) => {
            beforeStep();
            await executeStep(ctx, step);
          })
          .catch((error: Error) => {
            if (error instanceof StepsCancelled) return;
            if (error.cause instanceof DeleteProtectedError) {
              refused.push(error);
              for (const dependency of transitiveDependenciesOf(resources, step.old!)) {
                erroredDependencies.add(dependency);
              }
              return;
            }
            failed.push(error);
            executor.cancel();
          }),
      ),
    );
  }
  return { failed, refused };
}

/** `GenerateDeletes`: the delete steps for what the run leaves behind, in state order. */
export function generateDeletes(resources: readonly ResourceState[], plan: DeletePlan): Step[] {
  const steps: Step[] = [];
  for (const resource of resources) {
    if (resource.pendingDelete) {
      plan.deletes.add(resource.urn);
      steps.push(deleteStep(resource, { replacing: true, deletes: plan.deletes }));
    } else if (!plan.operatedOn(resource.urn)) {
      plan.deletes.add(resource.urn);
      steps.push(
        resource.pendingReplacement
          ? removePendingReplaceStep(resource)
          : deleteStep(resource, { replacing: false, deletes: plan.deletes }),
      );
    }
  }
  return steps;
}

/** `ScheduleDeletes`: the antichains, dependents' rounds first. */
export function scheduleDeletes(
  resources: readonly ResourceState[],
  steps: readonly Step[],
): Step[][] {
  const condemned = new Map(steps.map((step) => [step.old!, step]));
  const rounds: Step[][] = [];
  while (condemned.size > 0) {
    const round = [...condemned.keys()].filter((resource) =>
      [...dependenciesOf(resources, resource)].every((dependency) => !condemned.has(dependency)),
    );
    // Unreachable with a topologically ordered state; never loop forever on a malformed one.
    const next = round.length > 0 ? round : [...condemned.keys()];
    rounds.push(next.map((resource) => condemned.get(resource)!));
    for (const resource of next) condemned.delete(resource);
  }
  return rounds.reverse();
}
