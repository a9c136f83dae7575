import {
  isLogicalStep,
  type LogEntry,
  type OperationKind,
  type OperationResult,
  type OutputValue,
  type StepOp,
  type StepRecord,
  type StepSummary,
} from "./engine-types";
import { RAW_PREFIX } from "./property-printer";
import { UNKNOWN } from "./property-values";

/** First line of every CLI run: what this tool is, and what it is not. */
export const BANNER =
  "offline engine: test equipment; use the real `pulumi` CLI for real deployments";

const DONE: Record<StepOp, string> = {
  same: "",
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  "create-replacement": "created replacement",
  "delete-replaced": "deleted original",
  import: "imported",
  "remove-pending-replace": "",
};

const FAILED: Record<StepOp, string> = {
  same: "failed",
  create: "creating failed",
  "create-replacement": "creating failed",
  update: "updating failed",
  delete: "deleting failed",
  "delete-replaced": "deleting failed",
  replace: "replacing failed",
  import: "importing failed",
  "remove-pending-replace": "",
};

const PREVIEW: Record<StepOp, string> = {
  same: "",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  import: "import",
  "remove-pending-replace": "",
};

/**
 * A finished step as the CLI's non-interactive progress row prints it (display/rows.go and
 * progress.go, colours and timings left out): ` <prefix> <type> <name> <status> [diff: +a-b~c]`.
 * The status is the past tense (`created`, `deleted original`), the bare op in a preview
 * (`create`, `replace`), or `**creating failed**`.
 */
export function formatStep(step: StepRecord, planning = false): string {
  const status =
    step.error !== undefined
      ? `**${FAILED[step.op]}**`
      : planning
        ? PREVIEW[step.op]
        : DONE[step.op];
  const parts = [` ${RAW_PREFIX[step.op]} ${step.type} ${step.name}`];
  if (status !== "") parts.push(status);
  const diff = shortDiff(step);
  if (diff !== "") parts.push(`[${diff}]`);
  return parts.join(" ");
}

/** `writeShortDiff`: `diff: +added-deleted~updated`, each group's keys sorted, or "" for none. */
export function shortDiff(step: StepRecord): string {
  const diff = step.diff;
  if (diff === undefined) return "";
  const group = (sign: string, keys: readonly string[]) =>
    keys.length > 0 ? sign + [...keys].sort().join(",") : "";
  return `diff: ${group("+", diff.added)}${group("-", diff.deleted)}${group("~", diff.updated)}`;
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

/** The summary's op order (deploy.StepOps), logical ops only. */
const SUMMARY_OPS: readonly (keyof StepSummary)[] = [
  "create",
  "update",
  "delete",
  "replace",
  "import",
];
const PAST: Record<keyof StepSummary, string> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  import: "imported",
  same: "same",
};

/**
 * The CLI's summary (display/diff.go `renderSummaryEvent`): `Resources:`, a line per kind of
 * change (`    + 2 to create`, `    +-1 replaced`), the total when there are several kinds and
 * the unchanged count (`    3 changes. 5 unchanged`), the errored resources, and outside previews
 * the duration rounded up to whole seconds.
 */
export function formatSummary(result: OperationResult): string[] {
  const planning = result.operation === "preview";
  const lines = ["Resources:"];
  let kinds = 0;
  let total = 0;
  for (const op of SUMMARY_OPS) {
    const count = result.summary[op] ?? 0;
    if (count === 0) continue;
    kinds += 1;
    total += count;
    lines.push(`    ${RAW_PREFIX[op]}${count} ${planning ? `to ${op}` : PAST[op]}`);
  }
  const pieces: string[] = [];
  if (kinds >= 2) pieces.push(`${total} ${total === 1 ? "change" : "changes"}`);
  if (result.summary.same !== 0) pieces.push(`${result.summary.same} unchanged`);
  if (pieces.length > 0) lines.push(`    ${pieces.join(". ")}`);
  const errored = new Set(
    result.steps.filter((s) => s.error !== undefined && isLogicalStep(s.op)).map((s) => s.urn),
  );
  if (errored.size > 0) lines.push(`    ${errored.size} errored`);
  if (!planning) lines.push("", `Duration: ${goDuration(Math.ceil(result.durationMs / 1000))}`);
  return lines;
}

/** Go's `time.Duration.String()` for whole seconds: `5s`, `1m5s`, `2h0m3s`. */
function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
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
