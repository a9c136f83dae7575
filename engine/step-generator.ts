import { checkInputs } from "./check-diagnostics";
import type { ResourceState } from "./engine-types";
import { ignoreChangesMessage, processIgnoreChanges } from "./ignore-changes";
import { importSteps } from "./import-step";
import { replacementSteps } from "./replacement-chain";
import type { PropertyMap } from "./property-values";
import type { ResourceProvider } from "./provider-api";
import {
  applyReplaceOnChanges,
  diffResource,
  isReplace,
  rowDiff,
  type DiffOutcome,
} from "./resource-diff";
import { createStep, replaceStep, sameStep, updateStep } from "./resource-steps";
import {
  goalState,
  isProviderResource,
  requireProvider,
  type ResourceGoal,
  type StepContext,
} from "./step-context";
import type { Step } from "./step-execution";

/** What the step generator remembers across registrations (`sg.*` in step_generator.go). */
export interface GeneratorState {
  /** The old snapshot, in order (the dependency graph of dependent replacements). */
  readonly base: readonly ResourceState[];
  /** Its live resources by URN (`deployment.olds`). */
  readonly olds: ReadonlyMap<string, ResourceState>;
  readonly creates: Set<string>;
  readonly sames: Set<string>;
  readonly updates: Set<string>;
  readonly replaces: Set<string>;
  /** URNs deleted in this deployment (dependent replacements, then the post-step deletes). */
  readonly deletes: Set<string>;
  /** Old resources a delete-before-replace already deleted (`sg.pendingDeletes`). */
  readonly pendingDeletes: Set<ResourceState>;
  /** Why each dependent of a delete-before-replace was deleted (its replace keys). */
  readonly dependentReplaceKeys: Map<string, readonly string[]>;
  /** The goals registered so far, by URN (`deployment.goals`). */
  readonly goals: ReadonlyMap<string, ResourceGoal>;
  /** The states registrations of this run have produced so far (`deployment.news`). */
  readonly news: ReadonlyMap<string, ResourceState>;
  /** Reports a problem that fails the run without stopping a preview (protect in preview). */
  reportError(urn: string, message: string): void;
}

/** Steps for one registration; `afterImport` decides the rest once an import has read the resource. */
export interface GeneratedSteps {
  readonly steps: Step[];
  readonly afterImport?: (imported: ResourceState) => Promise<Step[]>;
}

/**
 * step_generator.go `generateResourceSteps` through `continueStepsFromDiff` for one registration:
 * ignoreChanges, Check, then create, or Diff → same, update or replace. Runs on the generator's
 * single queue, so Check and Diff calls never overlap.
 *
 * @throws Error with the engine's diagnostics when Check fails or a replace is impossible.
 */
export async function generateSteps(
  ctx: StepContext,
  sg: GeneratorState,
  goal: ResourceGoal,
): Promise<GeneratedSteps> {
  const old = sg.olds.get(goal.urn);
  const provider =
    goal.custom && !isProviderResource(goal.type)
      ? await requireProvider(ctx, goal.type)
      : undefined;
  const oldImportId = old?.importId || old?.id;
  if (goal.custom && goal.importId && (old === undefined || oldImportId !== goal.importId)) {
    return importSteps(ctx, sg, goal, old, (imported) =>
      continueAfterImport(ctx, sg, goal, imported),
    );
  }
  const recreating = sg.deletes.has(goal.urn);
  let inputs = old === undefined ? goal.inputs : ignoreChanges(ctx, goal, old);
  if (provider) {
    const fresh = recreating || old === undefined;
    inputs = await checkInputs(
      ctx,
      provider,
      goal,
      fresh ? {} : old!.inputs,
      fresh ? goal.inputs : inputs,
    );
  }
  const next = goalState(goal, inputs);
  if (recreating && old !== undefined) {
    // A dependent of a delete-before-replace, deleted earlier in this run: it can only come back
    // as a replacement, whatever its own diff would say.
    sg.deletes.delete(goal.urn);
    sg.replaces.add(goal.urn);
    const keys = sg.dependentReplaceKeys.get(goal.urn) ?? [];
    const diff = rowDiff(false, old.inputs, next.inputs, undefined, false);
    return {
      steps: [
        replaceStep(old, next, [], true, diff),
        createStep(next, {
          old,
          keepOldForDelete: false,
          replaceKeys: keys,
          deleteBeforeReplace: true,
          diff,
        }),
      ],
    };
  }
  if (old === undefined) {
    sg.creates.add(goal.urn);
    return { steps: [createStep(next)] };
  }
  return { steps: await stepsFromDiff(ctx, sg, goal, old, next, provider) };
}

/** `continueStepsFromImport` after an import: Check and Diff against what the import read. */
async function continueAfterImport(
  ctx: StepContext,
  sg: GeneratorState,
  goal: ResourceGoal,
  imported: ResourceState,
): Promise<Step[]> {
  const provider = await requireProvider(ctx, goal.type);
  const inputs = await checkInputs(
    ctx,
    provider,
    goal,
    imported.inputs,
    ignoreChanges(ctx, goal, imported),
  );
  const steps = await stepsFromDiff(ctx, sg, goal, imported, goalState(goal, inputs), provider);
  // Nothing to change: the registration resolves with the imported state, no step of its own.
  return steps.length === 1 && steps[0]!.op === "same" ? [] : steps;
}

/** `processIgnoreChanges` of the goal against the old inputs, reporting paths it cannot reset. */
function ignoreChanges(ctx: StepContext, goal: ResourceGoal, old: ResourceState): PropertyMap {
  const ignored = processIgnoreChanges(goal.inputs, old.inputs, goal.ignoreChanges);
  if (ignored.invalidPaths.length > 0) {
    ctx.log({
      severity: "info",
      message: ignoreChangesMessage(ignored.invalidPaths),
      urn: goal.urn,
      source: "engine",
    });
  }
  return ignored.inputs;
}

async function stepsFromDiff(
  ctx: StepContext,
  sg: GeneratorState,
  goal: ResourceGoal,
  old: ResourceState,
  next: ResourceState,
  provider: ResourceProvider | undefined,
): Promise<Step[]> {
  let diff: DiffOutcome;
  if (goal.deletedWith && sg.replaces.has(goal.deletedWith)) {
    diff = {
      changes: "some",
      replaceKeys: ["deletedWith"],
      changedKeys: [],
      deleteBeforeReplace: false,
    };
  } else if (provider === undefined) {
    const same = rowDiff(false, old.inputs, next.inputs, undefined, false);
    const changed = same.added.length + same.deleted.length + same.updated.length > 0;
    diff = {
      changes: changed ? "some" : "none",
      replaceKeys: [],
      changedKeys: [],
      deleteBeforeReplace: false,
    };
  } else {
    diff = await diffResource(ctx, provider, old, next.inputs, ctx.preview, goal.ignoreChanges);
  }
  const hasInitErrors = (old.initErrors ?? []).length > 0;
  diff = applyReplaceOnChanges(diff, goal.replaceOnChanges, hasInitErrors);
  const protectChanged = old.protect !== next.protect;
  const rowKeys = (same: boolean) => rowDiff(same, old.inputs, next.inputs, diff, protectChanged);

  if (diff.changes === "some" || old.pendingReplacement) {
    if (isReplace(diff) || old.pendingReplacement) {
      return replacementSteps(ctx, sg, goal, old, next, provider, diff, rowKeys(false));
    }
    sg.updates.add(goal.urn);
    return [updateStep(old, next, rowKeys(false))];
  }
  if (hasInitErrors) {
    // An "empty" update: the provider gets another chance to finish initializing the resource.
    sg.updates.add(goal.urn);
    return [updateStep(old, next, rowKeys(false))];
  }
  sg.sames.add(goal.urn);
  return [sameStep(old, next, rowKeys(true))];
}
