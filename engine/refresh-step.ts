import type { ResourceState, StepOp, StepRecord } from "./engine-types";
import { diffResource, invertDiff, rowDiff, type DiffOutcome } from "./resource-diff";
import { markOutputSecrets, SECRET_ID_WARNING } from "./property-values";
import {
  isProviderResource,
  nameOf,
  requireProvider,
  StepError,
  type StepContext,
} from "./step-context";

/** What a refresh step found: the resource's new state, or undefined when it no longer exists. */
export interface RefreshOutcome {
  readonly resource: ResourceState;
  readonly refreshed: ResourceState | undefined;
}

/**
 * step.go `RefreshStep.Apply`. Components, the stack, providers and resources pending replacement
 * are left as they are. Anything else is read through its provider with its stored outputs and
 * inputs: an empty id means it is gone; otherwise its outputs (and inputs, when Read returns
 * them) are replaced, its init errors CLEARED (a dynamic provider cannot report a partial read),
 * and the drift is classified by asking the provider's own Diff what an `up` would do right
 * after the refresh (refreshed inputs and outputs as the old side, the stored inputs as the new),
 * inverted. Diff answering "no changes" makes the step a `same`, whatever the outputs did.
 *
 * The state is not touched here: `pulumi refresh` rebuilds it once every step is done.
 *
 * @throws StepError when Read or Diff fails (the refresh goes on with the other resources).
 */
export async function refreshResource(
  ctx: StepContext,
  resource: ResourceState,
): Promise<RefreshOutcome> {
  const startedAt = Date.now();
  const record = (op: StepOp, refreshed?: ResourceState, diff?: DiffOutcome, error?: string) => {
    const keys =
      refreshed === undefined
        ? undefined
        : rowDiff(op === "same", resource.inputs, refreshed.inputs, diff, false);
    const changed = keys ? [...keys.added, ...keys.deleted, ...keys.updated].sort() : [];
    const step: StepRecord = {
      op,
      urn: resource.urn,
      type: resource.type,
      name: nameOf(resource.urn),
      changedKeys: changed,
      ...(keys && changed.length > 0 ? { diff: keys } : {}),
      replaceKeys: [],
      deleteBeforeReplace: false,
      startedAt,
      finishedAt: Date.now(),
      ...(error !== undefined ? { error } : {}),
    };
    ctx.recordStep(step, resource, refreshed);
  };
  if (!resource.custom || isProviderResource(resource.type) || resource.pendingReplacement) {
    record("same", resource);
    return { resource, refreshed: resource };
  }
  try {
    const provider = await requireProvider(ctx, resource.type);
    const read = await provider.read(resource);
    if (read.id === "") {
      record("delete");
      return { resource, refreshed: undefined };
    }
    const inputs = read.inputs ?? resource.inputs;
    if (resource.additionalSecretOutputs.includes("id")) {
      ctx.log({
        severity: "warning",
        message: SECRET_ID_WARNING,
        urn: resource.urn,
        source: "engine",
      });
    }
    const outputs = markOutputSecrets(read.outputs, inputs, resource.additionalSecretOutputs);
    const { initErrors: _cleared, ...kept } = resource;
    const refreshed: ResourceState = { ...kept, id: read.id, inputs, outputs };
    const subject = { urn: resource.urn, id: read.id, inputs, outputs };
    const diff = invertDiff(
      await diffResource(
        ctx,
        provider,
        subject,
        resource.inputs,
        false,
        resource.ignoreChanges ?? [],
      ),
    );
    record(diff.changes === "none" ? "same" : "update", refreshed, diff);
    return { resource, refreshed };
  } catch (error) {
    const message = (error as Error).message;
    record("same", undefined, undefined, message);
    throw new StepError(resource.urn, message, { cause: error });
  }
}

/**
 * deployment_executor.go `rebuildBaseState`: the refreshed resources in their old order, the
 * deleted ones gone, and every reference to a deleted resource dropped: `dependencies`, property
 * dependencies and `deletedWith` are pruned, and a child of a deleted parent loses its parent
 * (`undangleParentResources` looks the parent's parent up among the surviving resources only, so
 * it finds none).
 */
export function rebuildBaseState(outcomes: readonly RefreshOutcome[]): ResourceState[] {
  const kept: ResourceState[] = [];
  const referenceable = new Set<string>();
  for (const { refreshed } of outcomes) {
    if (refreshed === undefined) continue;
    let next = refreshed;
    if (next.dependencies.length > 0) {
      next = { ...next, dependencies: next.dependencies.filter((urn) => referenceable.has(urn)) };
    }
    if (Object.keys(next.propertyDependencies).length > 0) {
      const pruned: Record<string, string[]> = {};
      for (const [key, urns] of Object.entries(next.propertyDependencies)) {
        const left = urns.filter((urn) => referenceable.has(urn));
        if (left.length > 0) pruned[key] = left;
      }
      next = { ...next, propertyDependencies: pruned };
    }
    if (next.deletedWith && !referenceable.has(next.deletedWith)) {
      const { deletedWith: _gone, ...rest } = next;
      next = rest;
    }
    if (next.parent !== "" && !referenceable.has(next.parent)) {
      next = { ...next, parent: "" };
    }
    kept.push(next);
    referenceable.add(next.urn);
  }
  return kept;
}
