import type { ResourceState } from "./engine-types";
import { isProviderResource, StepError, type StepContext } from "./step-context";

/**
 * Deletes resources in reverse dependency order, independent ones in parallel: a resource is
 * deleted once every resource in the set that depends on it (through `dependencies`, a property
 * dependency or `parent`) is gone. A protected resource fails with the engine's message
 * (step.go `deleteProtectedError`) and, as in the engine, other deletes carry on; only the
 * resources it depends on stay, since deleting them would break it.
 *
 * The old instances of create-before-delete replacements are deleted here too, without a step of
 * their own: the replace step already counted them.
 *
 * @returns the failures, each attributed to its resource.
 */
export async function deleteInReverseDependencyOrder(
  ctx: StepContext,
  targets: readonly ResourceState[],
): Promise<StepError[]> {
  const failures: StepError[] = [];
  const outcomes = new Map<ResourceState, Promise<boolean>>();

  const dependentsOf = (resource: ResourceState) =>
    targets.filter((other) => other !== resource && dependsOn(other, resource.urn));

  const run = (resource: ResourceState): Promise<boolean> => {
    let outcome = outcomes.get(resource);
    if (outcome === undefined) {
      outcome = Promise.all(dependentsOf(resource).map(run)).then(async (dependentsGone) => {
        if (dependentsGone.includes(false)) return false;
        try {
          await deleteOne(ctx, resource);
          return true;
        } catch (error) {
          failures.push(error as StepError);
          return false;
        }
      });
      outcomes.set(resource, outcome);
    }
    return outcome;
  };

  await Promise.all(targets.map(run));
  return failures;
}

async function deleteOne(ctx: StepContext, resource: ResourceState): Promise<void> {
  const startedAt = Date.now();
  const name = resource.urn.slice(resource.urn.lastIndexOf("::") + 2);
  const record = (error?: string) => {
    if (resource.pendingDelete && error === undefined) return;
    ctx.recordStep({
      op: "delete",
      urn: resource.urn,
      type: resource.type,
      name,
      changedKeys: [],
      replaceKeys: [],
      deleteBeforeReplace: false,
      startedAt,
      finishedAt: Date.now(),
      ...(error !== undefined ? { error } : {}),
    });
  };
  try {
    if (resource.protect && !resource.pendingDelete) {
      throw new Error(
        `resource "${resource.urn}" cannot be deleted\nbecause it is protected. To unprotect the ` +
          "resource, either remove the `protect` flag from the resource in your Pulumi program " +
          "and run `pulumi up`, or use the command:\n" +
          `\`pulumi state unprotect '${resource.urn}'\``,
      );
    }
    const needsProvider =
      !ctx.preview &&
      resource.custom &&
      !resource.retainOnDelete &&
      !isProviderResource(resource.type);
    if (needsProvider) {
      const provider = await ctx.providerFor(resource.type);
      if (provider === undefined) {
        throw new Error(`the offline engine has no provider for resource type ${resource.type}`);
      }
      await provider.delete(resource);
    }
    ctx.state.remove(resource);
    record();
  } catch (error) {
    const message = (error as Error).message;
    record(message);
    throw new StepError(resource.urn, message);
  }
}

function dependsOn(resource: ResourceState, urn: string): boolean {
  return (
    resource.parent === urn ||
    resource.dependencies.includes(urn) ||
    Object.values(resource.propertyDependencies).some((urns) => urns.includes(urn))
  );
}
