/**
 * Turns Ajv's errors into one problem per broken rule, each with the path a user writes in the
 * stack file and the rule in words. Alternatives (`anyOf`, `oneOf`) are reduced to the branch
 * the value was evidently meant for (the one whose type it has), or to a single "must be A or
 * B" line when it has none of their types.
 */
import type { ConfigIssue } from "./openclaw-issue";
import type { SchemaError } from "./openclaw-schema-check";

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  null: "null",
};

function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** A JSON Pointer into `document` as path segments, array indexes as numbers. */
export function pointerPath(document: unknown, pointer: string): (string | number)[] {
  const path: (string | number)[] = [];
  let node = document;
  for (const raw of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const segment = decodeSegment(raw);
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node =
        typeof node === "object" && node !== null
          ? (node as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(" or ");
}

function quoteList(values: readonly unknown[]): string {
  const shown = values.slice(0, 12).map((value) => JSON.stringify(value));
  return values.length > 12
    ? `${shown.join(", ")}, ... (${values.length - 12} more)`
    : shown.join(", ");
}

/** What a failing branch of an alternative would have accepted: a type, or constant values. */
type BranchShape = { type: string } | { values: unknown[] };

function branchShape(errors: readonly SchemaError[], where: string): BranchShape | undefined {
  const own = errors.filter((e) => e.instancePath === where);
  const type = own.find((e) => e.keyword === "type");
  if (type) return { type: typeWords(type.params.type) };
  const constant = own.find((e) => e.keyword === "const");
  if (constant) return { values: [constant.params.allowedValue] };
  const choice = own.find((e) => e.keyword === "enum");
  if (choice) return { values: choice.params.allowedValues as unknown[] };
  return undefined;
}

/** "must be one of "a", "b"" when every branch is a constant, else "must be a string or ...". */
function alternativesRule(shapes: readonly BranchShape[]): string {
  if (shapes.length === 0) return "does not match any of the shapes the schema allows here";
  if (shapes.every((shape) => "values" in shape)) {
    return `must be one of ${quoteList(shapes.flatMap((shape) => ("values" in shape ? shape.values : [])))}`;
  }
  const words = shapes.map((shape) => ("type" in shape ? shape.type : quoteList(shape.values)));
  return `must be ${[...new Set(words)].join(" or ")}`;
}

function ruleOf(error: SchemaError): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return "unknown key (the gateway refuses keys its schema does not name)";
    case "required":
      return "is required";
    case "type":
      return `must be ${typeWords(p.type)}`;
    case "const":
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case "enum":
      return `must be one of ${quoteList(p.allowedValues as unknown[])}`;
    case "pattern":
      return `must match the pattern ${String(p.pattern)}`;
    case "format":
      return "must be a URL";
    case "minimum":
      return `must be at least ${String(p.limit)}`;
    case "maximum":
      return `must be at most ${String(p.limit)}`;
    case "exclusiveMinimum":
      return `must be greater than ${String(p.limit)}`;
    case "exclusiveMaximum":
      return `must be less than ${String(p.limit)}`;
    case "minLength":
      return p.limit === 1 ? "must not be empty" : `must be at least ${String(p.limit)} characters`;
    case "maxLength":
      return `must be at most ${String(p.limit)} characters`;
    case "minItems":
      return p.limit === 1
        ? "must not be an empty list"
        : `must list at least ${String(p.limit)} items`;
    case "maxItems":
      return `must list at most ${String(p.limit)} items`;
    case "minProperties":
      return `must have at least ${String(p.limit)} keys`;
    case "maxProperties":
      return `must have at most ${String(p.limit)} keys`;
    case "uniqueItems":
      return `must not list the same item twice (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case "oneOf":
      return "matches more than one of the allowed shapes";
    case "not":
    case "false schema":
      return "is not allowed here";
    default:
      return error.message ?? `breaks the schema's ${error.keyword} rule`;
  }
}

function underBranch(error: SchemaError, alternative: SchemaError, branch: number): boolean {
  return error.schemaPath.startsWith(`${alternative.schemaPath}/${branch}/`);
}

/**
 * Replaces each failed alternative and its branches' errors by the errors of the branch the
 * value has the type of, or by one "must be A or B" error. Innermost alternatives go first, so
 * an outer one sees already reduced branches.
 */
function reduceAlternatives(input: readonly SchemaError[]): SchemaError[] {
  let errors = [...input];
  const alternatives = errors
    .filter(
      (e) =>
        (e.keyword === "anyOf" || e.keyword === "oneOf") &&
        !("passingSchemas" in e.params && e.params.passingSchemas !== null),
    )
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const alternative of alternatives) {
    if (!errors.includes(alternative)) continue;
    const branchCount =
      1 +
      Math.max(
        -1,
        ...errors.map((e) => {
          const m = e.schemaPath.slice(alternative.schemaPath.length).match(/^\/(\d+)\//);
          return m ? Number(m[1]) : -1;
        }),
      );
    const branches = Array.from({ length: branchCount }, (_, i) =>
      errors.filter((e) => underBranch(e, alternative, i)),
    );
    const inBranches = new Set(branches.flat());
    const typed = branches.filter(
      (b) => b.length > 0 && branchShape(b, alternative.instancePath) === undefined,
    );
    const rest = errors.filter((e) => e !== alternative && !inBranches.has(e));
    if (typed.length > 0) {
      const best = typed.reduce((a, b) => (b.length < a.length ? b : a));
      errors = [...rest, ...best];
    } else {
      const shapes = branches.flatMap((b) => branchShape(b, alternative.instancePath) ?? []);
      const rule = alternativesRule(shapes);
      errors = [...rest, { ...alternative, keyword: "alternatives", params: { rule } }];
    }
  }
  return errors;
}

/** Every schema error as a problem at its path, in document order of the errors. */
export function schemaIssues(errors: readonly SchemaError[], checked: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of reduceAlternatives(errors)) {
    if (error.keyword === "if" || error.keyword === "propertyNames") continue;
    const path = pointerPath(checked, error.instancePath);
    const p = error.params as Record<string, unknown>;
    if (error.keyword === "additionalProperties") path.push(String(p.additionalProperty));
    if (error.keyword === "required") path.push(String(p.missingProperty));
    let rule = error.keyword === "alternatives" ? String(p.rule) : ruleOf(error);
    if (error.propertyName !== undefined) {
      path.push(error.propertyName);
      rule = `key ${rule}`;
    }
    const key = JSON.stringify([path, rule]);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, rule });
  }
  return issues;
}
