import {
  summarizeSteps,
  type OperationKind,
  type OperationResult,
  type OutputValue,
} from "./engine-types";
import type { Operation } from "./operation";
import { containsSecrets, stripSecrets } from "./property-values";

/**
 * What an operation returns: its steps and their summary, the stack's outputs (secret ones
 * flagged, their values decrypted for the caller), its logs, and every error. A cancelled run
 * ends with the CLI's `update canceled` (`preview canceled`).
 */
export function buildResult(
  kind: OperationKind,
  operation: Operation | undefined,
  errors: readonly string[],
  startedAt: number,
): OperationResult {
  const steps = operation?.steps ?? [];
  const canceled = operation?.deployment.cancelled === true;
  const all = canceled
    ? [...errors, `${kind === "preview" ? "preview" : "update"} canceled`]
    : [...errors];
  const stack = operation?.state
    .all()
    .find((resource) => resource.type === "pulumi:pulumi:Stack" && !resource.pendingDelete);
  const outputs: Record<string, OutputValue> = {};
  for (const [key, value] of Object.entries(stack?.outputs ?? {})) {
    outputs[key] = { value: stripSecrets(value), secret: containsSecrets(value) };
  }
  return {
    operation: kind,
    ok: all.length === 0,
    summary: summarizeSteps(steps),
    steps,
    outputs,
    logs: operation?.logs ?? [],
    ...(all.length > 0 ? { error: all.join("\n") } : {}),
    ...(canceled ? { canceled } : {}),
    durationMs: Date.now() - startedAt,
  };
}
