import type {
  LogEntry,
  OperationKind,
  OperationResult,
  OutputValue,
  StepOp,
  StepRecord,
} from "./engine-types";
import { UNKNOWN } from "./property-values";

/** First line of every CLI run: what this tool is, and what it is not. */
export const BANNER =
  "offline engine: test equipment; use the real `pulumi` CLI for real deployments";

const SYMBOLS: Record<StepOp, string> = {
  create: "+ create ",
  update: "~ update ",
  replace: "+- replace",
  delete: "- delete ",
  same: "  same   ",
};

/**
 * One plan line: `+ create`, `~ update`, `+- replace`, `- delete` or `  same`, then type and
 * name; updates and replaces list the top-level input keys that changed (for a refresh, the
 * output keys that drifted).
 */
export function formatStep(step: StepRecord): string {
  const keys =
    step.op === "replace" ? unique([...step.replaceKeys, ...step.changedKeys]) : step.changedKeys;
  const detail = keys.length > 0 && step.op !== "same" ? ` [${keys.join(", ")}]` : "";
  const order = step.op === "replace" && step.deleteBeforeReplace ? " (delete before replace)" : "";
  const failed = step.error !== undefined ? " FAILED" : "";
  return `${SYMBOLS[step.op]} ${step.type} ${step.name}${detail}${order}${failed}`;
}

/** A diagnostic line, prefixed with the resource it is about (or its source); undefined for debug. */
export function formatLog(entry: LogEntry): string | undefined {
  if (entry.severity === "debug") return undefined;
  const subject =
    entry.urn !== undefined
      ? `${entry.urn.split("::")[2]?.split("$").pop()} (${entry.urn.slice(entry.urn.lastIndexOf("::") + 2)})`
      : entry.source === "provider"
        ? "pulumi-nodejs provider host"
        : entry.source;
  const level = entry.severity === "info" ? "" : `${entry.severity}: `;
  return `    ${subject}: ${level}${entry.message}`;
}

/** The "Outputs:" block; secrets as [secret], values not known yet as [unknown]. */
export function formatOutputs(outputs: Readonly<Record<string, OutputValue>>): string[] {
  const keys = Object.keys(outputs).sort();
  if (keys.length === 0) return [];
  return [
    "Outputs:",
    ...keys.map((key) => {
      const output = outputs[key] as OutputValue;
      const shown = output.secret
        ? "[secret]"
        : output.value === UNKNOWN
          ? "[unknown]"
          : JSON.stringify(output.value);
      return `    ${key}: ${shown}`;
    }),
  ];
}

/** "Resources: 2 to create, ..." for previews, "Resources: 2 created, ..." once done. */
export function formatSummary(result: OperationResult): string {
  const s = result.summary;
  const planned = result.operation === "preview";
  const word = (count: number, future: string, past: string) =>
    `${count} ${planned ? future : past}`;
  return (
    "Resources: " +
    [
      word(s.create, "to create", "created"),
      word(s.update, "to update", "updated"),
      word(s.replace, "to replace", "replaced"),
      word(s.delete, "to delete", "deleted"),
      `${s.same} unchanged`,
    ].join(", ")
  );
}

/** The heading before the plan. */
export function formatHeading(operation: OperationKind, project: string, stack: string): string {
  const verb = {
    preview: "Previewing update",
    up: "Updating",
    refresh: "Refreshing",
    destroy: "Destroying",
  }[operation];
  return `${verb} (${stack}) of project ${project}:`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
