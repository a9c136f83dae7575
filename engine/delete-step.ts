import type { ResourceState } from "./engine-types";
import type { KeyChanges } from "./property-diff";
import { isProviderResource, requireProvider } from "./step-context";
import type { Step } from "./step-execution";

/**
 * step.go `deleteProtectedError`: the one delete failure that does not cancel the deployment
 * (the step executor carries on past it and only skips what the resource depends on).
 */
export class DeleteProtectedError extends Error {
  constructor(urn: string) {
    super(
      `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, ` +
        "either remove the `protect` flag from the resource in your Pulumi program and run " +
        `\`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``,
    );
    this.name = "DeleteProtectedError";
  }
}

/** How a delete step came about. */
export interface DeleteStepOptions {
  /** Part of a replacement (`delete-replaced`): protect was checked when the replace was planned. */
  readonly replacing: boolean;
  /** A delete-before-replace: the resource stays in the state, pending replacement, until its create. */
  readonly pendingReplacement?: boolean;
  /** URNs being deleted in this deployment: a `deletedWith` one of them makes Delete unnecessary. */
  readonly deletes: ReadonlySet<string>;
  readonly replaceKeys?: readonly string[];
  readonly diff?: KeyChanges;
}

/**
 * `DeleteStep.Apply`: a protected resource refuses (unless the delete is part of a replacement);
 * in a preview nothing is called; a retained resource, or one whose `deletedWith` resource is being
 * deleted too, only leaves the state; anything else custom is deleted by its provider first.
 */
export function deleteStep(old: ResourceState, options: DeleteStepOptions): Step {
  return {
    op: options.replacing ? "delete-replaced" : "delete",
    urn: old.urn,
    type: old.type,
    old,
    ...(options.replaceKeys ? { replaceKeys: options.replaceKeys } : {}),
    ...(options.diff ? { diff: options.diff } : {}),
    pending: { type: "deleting", resource: old },
    apply: async (ctx, operation) => {
      if (!options.replacing && old.protect) throw new DeleteProtectedError(old.urn);
      const skipProvider =
        ctx.preview ||
        old.retainOnDelete ||
        (old.deletedWith !== undefined && options.deletes.has(old.deletedWith)) ||
        !old.custom ||
        isProviderResource(old.type);
      if (!skipProvider) {
        const provider = await requireProvider(ctx, old.type);
        await provider.delete({
          urn: old.urn,
          id: old.id,
          inputs: old.inputs,
          outputs: old.outputs,
        });
      }
      if (options.pendingReplacement) ctx.state.markPendingReplacement(old, operation);
      else ctx.state.remove(old, operation);
      return undefined;
    },
  };
}

/**
 * `RemovePendingReplaceStep`: a resource a delete-before-replace already deleted, which the
 * program no longer declares, leaves the state without a provider call.
 */
export function removePendingReplaceStep(old: ResourceState): Step {
  return {
    op: "remove-pending-replace",
    urn: old.urn,
    type: old.type,
    old,
    apply: async (ctx) => {
      ctx.state.remove(old);
      return undefined;
    },
  };
}
