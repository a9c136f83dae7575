import type { z } from "zod";

/**
 * An input that broke one or more rules. `problems` holds one line per broken rule, each of the
 * form `<path>: <rule>`, so callers can show them all at once instead of one per attempt.
 */
export class ValidationError extends Error {
  /** One line per problem, in input order. */
  readonly problems: readonly string[];

  /**
   * @param subject what was being validated, e.g. "OpenClawGateway arguments"
   * @param problems at least one `<path>: <rule>` line
   */
  constructor(subject: string, problems: readonly string[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`${subject} are invalid (${count}):\n${problems.map((p) => `- ${p}`).join("\n")}`);
    this.name = "ValidationError";
    this.problems = problems;
  }
}

// Keys that read unambiguously after a dot; anything else (spaces, dots, quotes) is quoted.
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/**
 * Formats a path the way a user would write it: `openclaw.bindings[0].agentId`,
 * `extraEnv["MY VAR"]`. An empty path yields the prefix alone.
 */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === "number") {
      text += `[${segment}]`;
    } else {
      const key = String(segment);
      if (!PLAIN_KEY.test(key)) text += `[${JSON.stringify(key)}]`;
      else text += text === "" ? key : `.${key}`;
    }
  }
  return text;
}

/** Shortest way to name the root when a path is empty. */
function nameOf(prefix: string, path: readonly PropertyKey[], root: string): string {
  const text = formatPath(prefix, path);
  return text === "" ? root : text;
}

/**
 * Turns zod issues into `<path>: <rule>` lines. Unknown keys get one line each, naming the key,
 * because a strict schema is only useful if the user learns which key to remove.
 *
 * @param prefix path prefix of the validated value, e.g. "openclaw" ("" for the root)
 * @param unknownKeyRule text after the key's path, e.g. "unknown key"
 */
export function zodIssueLines(
  prefix: string,
  issues: readonly z.core.$ZodIssue[],
  unknownKeyRule: string,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        lines.push(`${formatPath(prefix, [...issue.path, key])}: ${unknownKeyRule}`);
      }
    } else {
      lines.push(`${nameOf(prefix, issue.path, "(root)")}: ${issue.message}`);
    }
  }
  return lines;
}

/** True for a plain object (not an array, not null): the only shape a record of settings has. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
