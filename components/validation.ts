import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * Arguments or stack config that broke one or more rules. `problems` holds one line per broken
 * rule, each of the form `<path>: <rule>`, so callers can show them all at once instead of one
 * per attempt. A RunError, so Pulumi shows the message without a stack trace.
 */
export class ValidationError extends pulumi.RunError {
  /** One line per problem, in input order. */
  readonly problems: readonly string[];

  /**
   * @param verdict what was found invalid, e.g. "OpenClawGateway arguments are invalid"
   * @param problems at least one `<path>: <rule>` line
   */
  constructor(verdict: string, problems: readonly string[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`${verdict} (${count}):\n${problems.map((p) => `- ${p}`).join("\n")}`);
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

/**
 * Turns zod issues into `<path>: <rule>` lines. Unknown keys get one line each, naming the key,
 * because a strict schema is only useful if the user learns which key to remove.
 *
 * @param prefix path prefix of the validated value, e.g. "openclaw" ("" for the root)
 * @param unknownKeyRule text after the key's path, e.g. "unknown key"
 * @param rootName how to name the value itself when an issue has an empty path
 */
export function zodIssueLines(
  prefix: string,
  issues: readonly z.core.$ZodIssue[],
  unknownKeyRule: string,
  rootName = prefix,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        lines.push(`${formatPath(prefix, [...issue.path, key])}: ${unknownKeyRule}`);
      }
    } else {
      const where = issue.path.length > 0 ? formatPath(prefix, issue.path) : rootName;
      lines.push(`${where}: ${issue.message}`);
    }
  }
  return lines;
}

/**
 * A zod `error` option for type mismatches: "is required" when the value is missing, otherwise
 * "must be <kind>". It never quotes the value, so it is safe on secret fields.
 */
export function typeRule(kind: string): (issue: { input: unknown }) => string {
  return (issue) => (issue.input === undefined ? "is required" : `must be ${kind}`);
}

/** A string field whose type errors read "is required" / "must be a string". */
export function textField(): z.ZodString {
  return z.string({ error: typeRule("a string") });
}

/** A boolean field whose type errors read "is required" / "must be true or false". */
export function flagField(): z.ZodBoolean {
  return z.boolean({ error: typeRule("true or false") });
}

/** An array whose type errors read "must be a list". */
export function listOf<T extends z.ZodType>(item: T): z.ZodArray<T> {
  return z.array(item, { error: typeRule("a list") });
}

/** A strict object (unknown keys are errors) whose type errors read "must be an object". */
export function objectOf<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, { error: typeRule("an object") });
}

/** A string-keyed record whose type errors read "must be an object". */
export function recordOf<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: typeRule("an object") });
}

/** True for a plain object (not an array, not null): the only shape a record of settings has. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
