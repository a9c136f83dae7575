/**
 * A problem found in the `openclaw` settings, and how paths and forms inside them are written in
 * messages. Every check of openclaw.json (owned keys, legacy forms, the schema, the ported rules)
 * reports in these terms, so a user sees one style of line whichever check spoke.
 */
import { formatPath } from "./validation";

/** A broken rule at a path inside openclaw.json. */
export interface ConfigIssue {
  path: (string | number)[];
  rule: string;
}

/** `openclaw.<path>` as the user writes it. */
export function settingsPath(path: readonly (string | number)[]): string {
  return formatPath("openclaw", path);
}

/** Compact JSON for a form shown in a message. */
export function showForm(value: unknown): string {
  return JSON.stringify(value);
}

/** `openclaw.<path>: <rule>`, the line a user reads. */
export function issueLine(issue: ConfigIssue): string {
  return `${settingsPath(issue.path)}: ${issue.rule}`;
}
