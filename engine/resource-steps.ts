import type { ResourceState } from "./engine-types";
import type { KeyChanges } from "./property-diff";
import { annotateSecrets } from "./property-values";
import { ProviderError } from "./provider-api";
import { requireProvider } from "./step-context";
import { sameStepMustWrite } from "./same-step-writes";
import { PartialStepFailure, withSecretOutputs, type Step } from "./step-execution";

/**
 * The steps that bring a registered resource to its goal (step.go): same, create, update, the
 * replace marker, and create-replacement. Each records its outcome in the state itself, in the
 * same write that ends its pending operation.
 */

/** `SameStep`: nothing to do; the new inputs are kept with the old id and outputs. */
export function sameStep(old: ResourceState, next: ResourceState, diff?: KeyChanges): Step {
  return {
    op: "same",
    urn: next.urn,
    type: next.type,
    old,
    ...(diff ? { diff } : {}),
    apply: async (ctx) => {
      const state = withSecretOutputs(ctx, { ...next, id: old.id, outputs: old.outputs });
      ctx.state.complete(state, old, undefined, sameStepMustWrite(old, state));
      return state;
    },
  };
}

/**
 * `CreateStep`, and `CreateReplacementStep` when `replacing` is given: Create (previews keep the
 * checked inputs as outputs, as the plugin layer does for a provider without preview support). A
 * partial create (the provider made it, but it did not initialize) is recorded with its init
 * errors. A replacement takes the old resource's place: a create-before-delete keeps the old one
 * marked for deletion (even after a partial create), a delete-before-replace drops it.
 */
export function createStep(
  next: ResourceState,
  replacing?: {
    readonly old: ResourceState;
    readonly keepOldForDelete: boolean;
    readonly replaceKeys: readonly string[];
    readonly deleteBeforeReplace: boolean;
    readonly diff?: KeyChanges;
  },
): Step {
  return {
    op: replacing ? "create-replacement" : "create",
    urn: next.urn,
    type: next.type,
    ...(replacing
      ? {
          old: replacing.old,
          replaceKeys: replacing.replaceKeys,
          deleteBeforeReplace: replacing.deleteBeforeReplace,
          ...(replacing.diff ? { diff: replacing.diff } : {}),
        }
      : {}),
    ...(next.custom ? { pending: { type: "creating", resource: next } } : {}),
    apply: async (ctx, operation) => {
      const commit = (state: ResourceState) => {
        if (replacing) {
          const current = replacing.keepOldForDelete
            ? replacing.old
            : ctx.state.all().find((r) => r.urn === next.urn && r.pendingReplacement);
          ctx.state.completeReplacement(state, current, replacing.keepOldForDelete, operation);
        } else {
          ctx.state.complete(state, undefined, operation);
        }
        return state;
      };
      if (!next.custom || ctx.preview) {
        const outputs = next.custom ? next.inputs : {};
        return commit(withSecretOutputs(ctx, { ...next, outputs }));
      }
      const provider = await requireProvider(ctx, next.type);
      let created;
      try {
        created = await provider.create(next.urn, next.inputs);
      } catch (error) {
        const partial = error instanceof ProviderError ? error.initFailure : undefined;
        if (partial === undefined) throw error;
        const outputs = annotateSecrets(partial.outputs, next.inputs);
        const state = { ...next, id: partial.id, outputs, initErrors: partial.reasons };
        throw new PartialStepFailure(
          initErrorText(partial.reasons),
          commit(withSecretOutputs(ctx, state)),
        );
      }
      if (created.id === "") throw new Error("provider did not return an ID from Create");
      return commit(withSecretOutputs(ctx, { ...next, id: created.id, outputs: created.outputs }));
    },
  };
}

/**
 * `UpdateStep`: Update with the old outputs and the new inputs (previews keep the checked inputs as
 * outputs). It also runs with unchanged inputs when the resource has init errors, to finish its
 * initialization. A partial update keeps the OLD inputs with the new outputs and the init errors
 * (engine/update.go `OnResourceStepPost`), so the next run tries again.
 */
export function updateStep(old: ResourceState, next: ResourceState, diff?: KeyChanges): Step {
  return {
    op: "update",
    urn: next.urn,
    type: next.type,
    old,
    ...(diff ? { diff } : {}),
    ...(next.custom ? { pending: { type: "updating", resource: next } } : {}),
    apply: async (ctx, operation) => {
      const commit = (state: ResourceState) => {
        ctx.state.complete(state, old, operation);
        return state;
      };
      const base = { ...next, id: old.id };
      if (!next.custom) return commit(withSecretOutputs(ctx, { ...base, outputs: {} }));
      if (ctx.preview) return commit(withSecretOutputs(ctx, { ...base, outputs: next.inputs }));
      const provider = await requireProvider(ctx, next.type);
      const existing = { urn: old.urn, id: old.id, inputs: old.inputs, outputs: old.outputs };
      try {
        const outputs = await provider.update(existing, next.inputs);
        return commit(withSecretOutputs(ctx, { ...base, outputs }));
      } catch (error) {
        const partial = error instanceof ProviderError ? error.initFailure : undefined;
        if (partial === undefined) throw error;
        const outputs = annotateSecrets(partial.outputs, next.inputs);
        const state = { ...base, outputs, initErrors: partial.reasons };
        const kept = commit({ ...withSecretOutputs(ctx, state), inputs: old.inputs });
        throw new PartialStepFailure(initErrorText(partial.reasons), kept);
      }
    },
  };
}

/** `ReplaceStep`: the logical replace the summary counts; the work is in the steps around it. */
export function replaceStep(
  old: ResourceState,
  next: ResourceState,
  replaceKeys: readonly string[],
  deleteBeforeReplace: boolean,
  diff?: KeyChanges,
): Step {
  return {
    op: "replace",
    urn: next.urn,
    type: next.type,
    old,
    replaceKeys,
    deleteBeforeReplace,
    ...(diff ? { diff } : {}),
    apply: async () => undefined,
  };
}

/**
 * `InitError.Error()` (provider_plugin.go): the reasons as hashicorp/go-multierror lists them, or
 * `resource init failed` when there are none. This, not the provider's message, is what the CLI
 * reports for a partial create or update.
 */
export function initErrorText(reasons: readonly string[]): string {
  if (reasons.length === 0) return "resource init failed";
  const count = reasons.length === 1 ? "1 error occurred" : `${reasons.length} errors occurred`;
  return `${count}:\n${reasons.map((reason) => `\t* ${reason}`).join("\n")}\n\n`;
}
