import { goValueRedacted } from "./check-diagnostics";
import type { ResourceState } from "./engine-types";
import { replaceStep } from "./resource-steps";
import { goalState, requireProvider, type ResourceGoal, type StepContext } from "./step-context";
import { withSecretOutputs, type Step } from "./step-execution";
import type { GeneratedSteps, GeneratorState } from "./step-generator";

/**
 * The `import` resource option (step_generator.go `isImport`, step.go `ImportStep.Apply`): the
 * engine reads the resource by the given id with no state at all, in previews too. Read must find
 * it and return its inputs; then Check and Diff decide as for any other resource (no step when
 * nothing differs, an update when something does). An old resource with another id is replaced
 * (`import-replacement`, kept pending deletion).
 *
 * For a dynamic resource this always fails: the dynamic-provider host looks the provider code up
 * in the (absent) state and answers `code must be a string, not undefined` (3.276; 3.248:
 * `Cannot read properties of undefined (reading 'toJavaScript')`). That is the error shown, and
 * nothing is created.
 */
export function importSteps(
  _ctx: StepContext,
  sg: GeneratorState,
  goal: ResourceGoal,
  old: ResourceState | undefined,
  afterImport: (imported: ResourceState) => Promise<Step[]>,
): GeneratedSteps {
  const next = goalState(goal, goal.inputs);
  const step = importStep(next, goal.importId!, old);
  if (old === undefined) sg.creates.add(goal.urn);
  else sg.replaces.add(goal.urn);
  return {
    steps: old === undefined ? [step] : [step, replaceStep(old, next, [], false)],
    afterImport,
  };
}

function importStep(next: ResourceState, importId: string, old: ResourceState | undefined): Step {
  return {
    op: "import",
    urn: next.urn,
    type: next.type,
    ...(old ? { old } : {}),
    pending: { type: "importing", resource: next },
    apply: async (ctx, operation) => {
      const provider = await requireProvider(ctx, next.type);
      const read = await provider.read({ urn: next.urn, id: importId });
      if (read.id === "") throw new Error(`resource '${importId}' does not exist`);
      if (read.inputs === undefined) {
        const pkg = next.type.split(":")[0];
        throw new Error(
          `provider does not support importing resources; please try updating the '${pkg}' plugin`,
        );
      }
      const imported = withSecretOutputs(ctx, {
        ...next,
        id: read.id,
        inputs: read.inputs,
        outputs: read.outputs,
      });
      if (old !== undefined) ctx.state.completeReplacement(imported, old, true, operation);
      else ctx.state.complete(imported, undefined, operation);
      return imported;
    },
  };
}

/**
 * The error for a replace of a resource that still names an import id: the id would change
 * (`continueStepsFromDiff`); a warning in previews.
 */
export function previouslyImportedMessage(
  old: ResourceState,
  next: ResourceState,
  replaceKeys: readonly string[],
): string {
  const changes = replaceKeys.map(
    (key) => `${key}: ${goValueRedacted(old.inputs[key])} => ${goValueRedacted(next.inputs[key])}`,
  );
  return (
    "previously-imported resources that still specify an ID may not be replaced; please remove " +
    "the `import` declaration from your program;\n" +
    changes.join("\n")
  );
}
