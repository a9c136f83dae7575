import { randomUUID } from "node:crypto";
import type { ResourceState, StepOp } from "./engine-types";
import {
  annotateSecrets,
  changedKeys,
  markSecretOutputs,
  maskSecrets,
  type PropertyMap,
} from "./property-values";
import { ProviderError, type ResourceProvider } from "./provider-api";
import { resetIgnoredPaths } from "./ignore-changes";
import {
  isProviderResource,
  StepError,
  type Registration,
  type ResourceGoal,
  type StepContext,
} from "./step-context";

interface Plan {
  op: StepOp;
  changedKeys: string[];
  replaceKeys: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Decides and performs the step for one registration, the way step_generator.go does: Check, then
 * create / Diff → same, update or replace (create-before-delete unless the provider or the
 * `deleteBeforeReplace` option says otherwise). Previews call Check and Diff only; their outputs
 * are the checked inputs, so every computed output stays unknown to the program.
 */
export async function applyRegistration(
  ctx: StepContext,
  goal: ResourceGoal,
): Promise<Registration> {
  const old = ctx.state.live(goal.urn);
  const plan: Plan = {
    op: old ? "same" : "create",
    changedKeys: [],
    replaceKeys: [],
    deleteBeforeReplace: false,
  };
  const startedAt = Date.now();
  const record = (error?: string) =>
    ctx.recordStep({
      op: plan.op,
      urn: goal.urn,
      type: goal.type,
      name: goal.name,
      changedKeys: plan.changedKeys,
      replaceKeys: plan.replaceKeys,
      deleteBeforeReplace: plan.deleteBeforeReplace,
      startedAt,
      finishedAt: Date.now(),
      ...(error !== undefined ? { error } : {}),
    });
  try {
    const registration =
      goal.custom && !isProviderResource(goal.type)
        ? await applyWithProvider(ctx, goal, old, plan)
        : applyWithoutProvider(ctx, goal, old, plan);
    record();
    return registration;
  } catch (error) {
    const message = (error as Error).message;
    record(message);
    throw new StepError(goal.urn, message);
  }
}

// Components, the stack and explicit provider resources: no provider calls, diff on inputs.
function applyWithoutProvider(
  ctx: StepContext,
  goal: ResourceGoal,
  old: ResourceState | undefined,
  plan: Plan,
): Registration {
  if (old) {
    plan.changedKeys = changedKeys(old.inputs, goal.inputs);
    plan.op = plan.changedKeys.length > 0 ? "update" : "same";
  }
  const id = old?.id || (goal.custom ? randomUUID() : "");
  const outputs = goal.custom ? goal.inputs : (old?.outputs ?? {});
  ctx.state.complete(resourceState(goal, id, goal.inputs, outputs), old);
  return { id, outputs: goal.custom ? outputs : {} };
}

async function applyWithProvider(
  ctx: StepContext,
  goal: ResourceGoal,
  old: ResourceState | undefined,
  plan: Plan,
): Promise<Registration> {
  const provider = await ctx.providerFor(goal.type);
  if (provider === undefined) {
    throw new Error(`the offline engine has no provider for resource type ${goal.type}`);
  }
  const inputs = old ? resetIgnoredPaths(goal.inputs, old.inputs, goal.ignoreChanges) : goal.inputs;
  const checked = await check(provider, goal, old?.inputs ?? {}, inputs, ctx.preview);
  if (!old) return create(ctx, provider, goal, checked);

  const existing = { urn: goal.urn, id: old.id, inputs: old.inputs, outputs: old.outputs };
  const diff = await provider.diff(existing, checked, ctx.preview);
  plan.changedKeys = changedKeys(old.inputs, checked);
  // DIFF_UNKNOWN: the engine compares old and new inputs itself, `__provider` included.
  const changes =
    diff.changes === "unknown" ? (plan.changedKeys.length > 0 ? "some" : "none") : diff.changes;
  const triggered = plan.changedKeys.filter(
    (key) => goal.replaceOnChanges.includes(key) || goal.replaceOnChanges.includes("*"),
  );
  plan.replaceKeys = [...new Set([...diff.replaceKeys, ...triggered])];

  if (changes === "none" && (old.initErrors ?? []).length === 0) {
    plan.op = "same";
    plan.changedKeys = [];
    plan.replaceKeys = [];
    const outputs = markSecretOutputs(old.outputs, goal.additionalSecretOutputs);
    ctx.state.complete(resourceState(goal, old.id, checked, outputs), old);
    return { id: old.id, outputs };
  }
  if (plan.replaceKeys.length === 0) {
    plan.op = "update";
    const updated = ctx.preview ? checked : await provider.update(existing, checked);
    const outputs = markSecretOutputs(updated, goal.additionalSecretOutputs);
    ctx.state.complete(resourceState(goal, old.id, checked, outputs), old);
    return { id: old.id, outputs };
  }

  plan.op = "replace";
  if (goal.protect && old.protect) {
    throw new Error(
      `unable to replace resource "${goal.urn}"\nas it is currently marked for protection. ` +
        "To unprotect the resource, remove the `protect` flag from the resource in your Pulumi " +
        "program and run `pulumi up`",
    );
  }
  plan.deleteBeforeReplace = goal.deleteBeforeReplace ?? diff.deleteBeforeReplace;
  // The replacement is a new resource: Check runs again without the old inputs.
  const fresh = await check(provider, goal, {}, inputs, ctx.preview);
  if (ctx.preview) {
    ctx.state.complete(resourceState(goal, "", fresh, fresh), old);
    return { id: "", outputs: fresh };
  }
  if (plan.deleteBeforeReplace) {
    if (!old.retainOnDelete) await provider.delete(existing);
    ctx.state.remove(old);
    return create(ctx, provider, goal, fresh);
  }
  return create(ctx, provider, goal, fresh, old);
}

async function create(
  ctx: StepContext,
  provider: ResourceProvider,
  goal: ResourceGoal,
  inputs: PropertyMap,
  replacing?: ResourceState,
): Promise<Registration> {
  if (ctx.preview) {
    ctx.state.complete(resourceState(goal, "", inputs, inputs));
    return { id: "", outputs: inputs };
  }
  let created;
  try {
    created = await provider.create(goal.urn, inputs);
  } catch (error) {
    const failure = error instanceof ProviderError ? error.initFailure : undefined;
    if (failure !== undefined) {
      // A partial create exists at the provider: keep it, so the next run updates it.
      const outputs = markSecretOutputs(
        annotateSecrets(failure.outputs, inputs),
        goal.additionalSecretOutputs,
      );
      if (replacing) ctx.state.markPendingDelete(replacing);
      ctx.state.complete({
        ...resourceState(goal, failure.id, inputs, outputs),
        initErrors: failure.reasons,
      });
    }
    throw error;
  }
  if (created.id === "") throw new Error("provider did not return an ID from Create");
  const outputs = markSecretOutputs(created.outputs, goal.additionalSecretOutputs);
  // Old and new exist side by side until the deletes at the end of the run.
  if (replacing) ctx.state.markPendingDelete(replacing);
  ctx.state.complete(resourceState(goal, created.id, inputs, outputs));
  return { id: created.id, outputs };
}

async function check(
  provider: ResourceProvider,
  goal: ResourceGoal,
  olds: PropertyMap,
  news: PropertyMap,
  preview: boolean,
): Promise<PropertyMap> {
  const result = await provider.check(goal.urn, olds, news, preview);
  if (result.failures.length === 0) return result.inputs;
  // The wording of the engine's check diagnostics (diag/errors.go).
  const lines = result.failures.map((failure) =>
    failure.property === ""
      ? `${goal.type} resource '${goal.name}' has a problem: ${failure.reason}`
      : `${goal.type} resource '${goal.name}': property ${failure.property} value ` +
        `${JSON.stringify(maskSecrets(news[failure.property] ?? null))} has a problem: ${failure.reason}`,
  );
  throw new Error(lines.join("\n"));
}

function resourceState(
  goal: ResourceGoal,
  id: string,
  inputs: PropertyMap,
  outputs: PropertyMap,
): ResourceState {
  return {
    urn: goal.urn,
    type: goal.type,
    custom: goal.custom,
    id,
    parent: goal.parent,
    inputs,
    outputs,
    dependencies: goal.dependencies,
    propertyDependencies: goal.propertyDependencies,
    protect: goal.protect,
    retainOnDelete: goal.retainOnDelete,
    additionalSecretOutputs: goal.additionalSecretOutputs,
    ...(goal.deleteBeforeReplace !== undefined
      ? { deleteBeforeReplace: goal.deleteBeforeReplace }
      : {}),
  };
}
