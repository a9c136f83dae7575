/**
 * Values as the providers compare and send them: equality the way Fly stores values, the keys
 * that changed, objects without empty fields, and arguments whose every part may be an Output.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Deep equality the way Fly stores values: object key order does not matter and a key holding
 * `undefined` is the same as a missing key.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameValue(item, b[index]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

/** The top-level keys whose values differ between `olds` and `news` (see `sameValue`). */
export function changedKeys(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  keys: readonly string[],
): string[] {
  return keys.filter((key) => !sameValue(olds[key], news[key]));
}

/** Drops keys whose value is undefined, so outputs and API bodies carry no empty fields. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/**
 * A value whose every part may be an Input: Pulumi resolves Outputs nested in resource
 * arguments, so a mount can carry a volume id that is still an Output.
 */
export type DeepInput<T> = pulumi.Input<
  T extends (infer Item)[]
    ? DeepInput<Item>[]
    : T extends object
      ? { [K in keyof T]: DeepInput<T[K]> }
      : T
>;
