import { dependingOn } from "./dependency-graph";
import { deleteStep } from "./delete-step";
import type { ResourceState } from "./engine-types";
import { UNKNOWN, type PropertyMap } from "./property-values";
import { applyReplaceOnChanges, diffResource, isReplace } from "./resource-diff";
import { isProviderResource, requireProvider, type StepContext } from "./step-context";
import type { Step } from "./step-execution";
import type { GeneratorState } from "./step-generator";

interface DependentReplace {
  readonly resource: ResourceState;
  readonly keys: readonly string[];
}

/**
 * The delete half of a delete-before-replace (step_generator.go `calculateDependentReplacements`,
 * `findDependentCascadeReplacements` and the DBR block of `continueStepsFromDiff`). Before the root
 * can be deleted, every resource that depends on it (in the OLD snapshot, not registered yet in
 * this run) and would be replaced by the change must go first:
 *
 * - a resource `deletedWith` something being replaced is replaced;
 * - otherwise, only when one of its inputs has a property dependency on something being replaced:
 *   those inputs become unknown and its provider's Diff decides (with unknowns, even in `up`),
 *   together with its own `replaceOnChanges`. A plain `dependsOn` never cascades;
 * - every old resource `deletedWith` the root is replaced too.
 *
 * The dependents are deleted in reverse dependency order, then the root; each is kept in the state
 * as pending replacement, and a dependent that registers later is recreated whatever its own diff
 * says. A protected dependent stops the whole chain before anything is deleted.
 *
 * @returns the delete steps, the root's last.
 * @throws Error with the engine's message when a dependent is protected.
 */
export async function calculateDependentReplacements(
  ctx: StepContext,
  sg: GeneratorState,
  root: ResourceState,
  rootDelete: (deletes: Set<string>) => Step,
): Promise<Step[]> {
  const toReplace: DependentReplace[] = [];
  if (!ctx.preview || sg.base.includes(root)) {
    const replaceSet = new Set([root.urn]);
    const impossible = new Set([
      ...sg.creates,
      ...sg.sames,
      ...sg.updates,
      ...sg.deletes,
      ...sg.replaces,
    ]);
    for (const candidate of dependingOn(sg.base, root, impossible)) {
      const keys = await replacementKeys(ctx, candidate, replaceSet);
      if (keys === undefined) continue;
      toReplace.push({ resource: candidate, keys });
      replaceSet.add(candidate.urn);
    }
  }
  for (const resource of [...sg.news.values(), ...sg.base]) {
    if (resource.deletedWith === root.urn && !resource.pendingDelete) {
      toReplace.push({ resource, keys: [] });
    }
  }

  const steps: Step[] = [];
  for (const { resource, keys } of [...toReplace].reverse()) {
    if (sg.pendingDeletes.has(resource)) continue;
    sg.dependentReplaceKeys.set(resource.urn, keys);
    if (resource.pendingDelete) {
      steps.push(deleteStep(resource, { replacing: false, deletes: sg.deletes }));
    } else {
      if (resource.protect) throw new Error(protectedDependentMessage(resource.urn, root.urn));
      steps.push(
        deleteStep(resource, {
          replacing: true,
          pendingReplacement: true,
          deletes: sg.deletes,
          replaceKeys: keys,
        }),
      );
    }
    sg.deletes.add(resource.urn);
    sg.pendingDeletes.add(resource);
  }
  if (!root.pendingReplacement) {
    sg.deletes.add(root.urn);
    steps.push(rootDelete(sg.deletes));
  }
  return steps;
}

/** `requiresReplacement`: the replace keys when the dependent must be replaced, else undefined. */
async function replacementKeys(
  ctx: StepContext,
  resource: ResourceState,
  replaceSet: ReadonlySet<string>,
): Promise<readonly string[] | undefined> {
  if (!resource.custom) return undefined;
  if (resource.deletedWith && replaceSet.has(resource.deletedWith)) return [];
  let dependsOnReplaced = false;
  const inputsForDiff: PropertyMap = {};
  for (const [key, value] of Object.entries(resource.inputs)) {
    const replaced = (resource.propertyDependencies[key] ?? []).some((urn) => replaceSet.has(urn));
    dependsOnReplaced ||= replaced;
    inputsForDiff[key] = replaced ? UNKNOWN : value;
  }
  if (!dependsOnReplaced || isProviderResource(resource.type)) return undefined;
  const provider = await requireProvider(ctx, resource.type);
  const diff = applyReplaceOnChanges(
    await diffResource(ctx, provider, resource, inputsForDiff, true, resource.ignoreChanges ?? []),
    resource.replaceOnChanges ?? [],
    false,
  );
  return isReplace(diff) ? diff.replaceKeys : undefined;
}

function protectedDependentMessage(dependent: string, root: string): string {
  return (
    `unable to replace resource "${dependent}" as part of replacing "${root}" as it is ` +
    "currently marked for protection. To unprotect the resource, remove the `protect` flag from " +
    "the resource in your Pulumi program and run `pulumi up`, or use the command:\n" +
    `\`pulumi state unprotect '${dependent}'\``
  );
}
