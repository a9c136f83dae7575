/**
 * Turns validation problems into the `failures` a dynamic provider's `check` returns.
 *
 * Every failure names the property by its full path in Pulumi's property-path syntax
 * (`guest.memoryMb`, `mounts[0].region`, `env["bad-name"]`) and states the rule it breaks.
 * Problems about a value that is unknown during a preview are dropped: they can only be judged
 * once the value is known, and `check` runs again then.
 */
import type * as Zod from "zod";
import { unknownAlongPath } from "./unknowns";

/** One failure as `check` reports it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A problem found by a rule: the path of the property and the broken rule. */
export interface Problem {
  path: readonly PropertyKey[];
  reason: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["guest", "memoryMb"]` -> `guest.memoryMb`; `["mounts", 0]` -> `mounts[0]`. */
export function propertyPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else if (IDENTIFIER.test(String(key))) text += text === "" ? String(key) : `.${String(key)}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/**
 * Validates `inputs` with `schema` and returns one problem per issue. The schema describes
 * shapes and single-value rules; rules combining several properties are checked separately.
 */
export function schemaProblems(schema: Zod.ZodType, inputs: unknown): Problem[] {
  const parsed = schema.safeParse(inputs);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({
    path: issue.path,
    reason: issueReason(issue),
  }));
}

/** zod's message, made to say what was expected where zod is terse. */
function issueReason(issue: Zod.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    return `must be ${withArticle(issue.expected)}`;
  }
  return issue.message;
}

function withArticle(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * The failures `check` returns for `problems` found in `inputs`: problems about values that are
 * unknown during a preview are left out, and each remaining property is reported once per
 * distinct reason, in order.
 */
export function toCheckFailures(inputs: unknown, problems: readonly Problem[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const problem of problems) {
    if (unknownAlongPath(inputs, problem.path)) continue;
    const failure = { property: propertyPath(problem.path), reason: problem.reason };
    const seen = failures.some(
      (f) => f.property === failure.property && f.reason === failure.reason,
    );
    if (!seen) failures.push(failure);
  }
  return failures;
}
