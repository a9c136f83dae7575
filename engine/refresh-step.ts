import type { ResourceState, StepOp } from "./engine-types";
import { changedKeys, markSecretOutputs } from "./property-values";
import { isProviderResource, StepError, type StepContext } from "./step-context";

/**
 * Refreshes one resource the way `pulumi refresh` does: Read through its provider, then record
 * drift as an update (the output keys that changed), a resource the provider no longer finds
 * (Read returns an empty id) as a delete, and anything else as same. Components and the stack
 * have nothing to read.
 *
 * @returns the failure, attributed to the resource, or undefined.
 */
export async function refreshResource(
  ctx: StepContext,
  resource: ResourceState,
): Promise<StepError | undefined> {
  const startedAt = Date.now();
  const record = (op: StepOp, drifted: string[], error?: string) =>
    ctx.recordStep({
      op,
      urn: resource.urn,
      type: resource.type,
      name: resource.urn.slice(resource.urn.lastIndexOf("::") + 2),
      changedKeys: drifted,
      replaceKeys: [],
      deleteBeforeReplace: false,
      startedAt,
      finishedAt: Date.now(),
      ...(error !== undefined ? { error } : {}),
    });
  if (!resource.custom || isProviderResource(resource.type)) {
    record("same", []);
    return undefined;
  }
  try {
    const provider = await ctx.providerFor(resource.type);
    if (provider === undefined) {
      throw new Error(`the offline engine has no provider for resource type ${resource.type}`);
    }
    const read = await provider.read(resource);
    if (read.id === "") {
      ctx.state.remove(resource);
      record("delete", []);
      return undefined;
    }
    const outputs = markSecretOutputs(read.outputs, resource.additionalSecretOutputs);
    const drifted = changedKeys(resource.outputs, outputs);
    const inputs = read.inputs ?? resource.inputs;
    ctx.state.replaceInPlace(resource, { ...resource, id: read.id, inputs, outputs });
    record(drifted.length > 0 ? "update" : "same", drifted);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    record("same", [], message);
    return new StepError(resource.urn, message);
  }
}
