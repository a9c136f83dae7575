import { checkInputs } from "./check-diagnostics";
import { deleteStep } from "./delete-step";
import { calculateDependentReplacements } from "./dependent-replacements";
import type { ResourceState } from "./engine-types";
import { previouslyImportedMessage } from "./import-step";
import type { ResourceProvider } from "./provider-api";
import type { DiffOutcome, rowDiff } from "./resource-diff";
import { createStep, replaceStep } from "./resource-steps";
import { goalState, type ResourceGoal, type StepContext } from "./step-context";
import type { Step } from "./step-execution";
import type { GeneratorState } from "./step-generator";

/**
 * The replace branch of step_generator.go `continueStepsFromDiff`. A protected resource refuses
 * (up fails at once; a preview reports it and goes on), and so does one that still names an
 * import id. The replacement is checked again as a new resource, on the program's own inputs.
 * Then either create-before-delete, `[create-replacement, replace]` with the old resource deleted
 * in the post-steps, or delete-before-replace (the provider asked, or the program's
 * `deleteBeforeReplace` option, which wins either way): the dependents' deletes and the root's,
 * then `[replace, create-replacement]`.
 */
export async function replacementSteps(
  ctx: StepContext,
  sg: GeneratorState,
  goal: ResourceGoal,
  old: ResourceState,
  checked: ResourceState,
  provider: ResourceProvider | undefined,
  diff: DiffOutcome,
  keys: ReturnType<typeof rowDiff>,
): Promise<Step[]> {
  if (checked.protect && old.protect) {
    const message =
      `unable to replace resource "${goal.urn}"\nas it is currently marked for protection. ` +
      "To unprotect the resource, remove the `protect` flag from the resource in your Pulumi " +
      "program and run `pulumi up`";
    if (!ctx.preview) throw new Error(message);
    sg.reportError(goal.urn, message);
  }
  if (goal.importId) {
    const message = previouslyImportedMessage(old, checked, diff.replaceKeys);
    if (!ctx.preview) throw new Error(message);
    ctx.log({ severity: "warning", message, urn: goal.urn, source: "engine" });
  }
  sg.replaces.add(goal.urn);
  // The replacement is a new resource: Check again, without the old inputs and on the program's
  // own values (ignoreChanges no longer applies, SG:2010).
  let next = checked;
  if (provider) next = goalState(goal, await checkInputs(ctx, provider, goal, {}, goal.inputs));
  const deleteBeforeReplace = goal.deleteBeforeReplace ?? diff.deleteBeforeReplace;
  const replaceKeys = diff.replaceKeys;
  if (!deleteBeforeReplace) {
    return [
      createStep(next, {
        old,
        keepOldForDelete: true,
        replaceKeys,
        deleteBeforeReplace,
        diff: keys,
      }),
      replaceStep(old, next, replaceKeys, false, keys),
    ];
  }
  const deletes = await calculateDependentReplacements(ctx, sg, old, (deleted) =>
    deleteStep(old, {
      replacing: true,
      pendingReplacement: true,
      deletes: deleted,
      replaceKeys,
      diff: keys,
    }),
  );
  return [
    ...deletes,
    replaceStep(old, next, replaceKeys, true, keys),
    createStep(next, {
      old,
      keepOldForDelete: false,
      replaceKeys,
      deleteBeforeReplace,
      diff: keys,
    }),
  ];
}
