import { badRequest } from "./api-errors";

/** The Go field kinds request bodies use. */
export type GoKind = "int" | "bool" | "string";

type GoValue<K extends GoKind> = K extends "int" ? number : K extends "bool" ? boolean : string;

/** How Go's `encoding/json` names the JSON type it found, for its error messages. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/**
 * Reads one field of a decoded request body with Go's decoding rules, which Fly's server follows:
 * an absent or `null` field keeps its zero value (here `undefined`, so callers apply defaults), and
 * a value of the wrong JSON type answers 400 with the decoder's own wording, e.g.
 * `json: cannot unmarshal string into Go struct field CreateVolumeRequest.size_gb of type int`.
 */
export function goField<K extends GoKind>(
  body: Record<string, unknown>,
  struct: string,
  field: string,
  kind: K,
): GoValue<K> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const where = `Go struct field ${struct}.${field} of type ${kind}`;
  if (kind === "int") {
    if (typeof value !== "number") {
      throw badRequest(`json: cannot unmarshal ${jsonKind(value)} into ${where}`);
    }
    if (!Number.isInteger(value)) {
      throw badRequest(`json: cannot unmarshal number ${value} into ${where}`);
    }
    return value as GoValue<K>;
  }
  const expected = kind === "bool" ? "boolean" : "string";
  if (typeof value !== expected) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(value)} into ${where}`);
  }
  return value as GoValue<K>;
}
