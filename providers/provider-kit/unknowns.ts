/**
 * Pulumi's marker for values that are not known yet.
 *
 * During a preview the engine sends an input that depends on a resource still to be created (a
 * volume id, a secrets version) as this exact string, at any depth of the inputs. `check` must
 * not fail on it and `diff` must treat it as "may change".
 */

/** The string the engine sends in place of a value that is unknown during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `value` is the unknown marker itself. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Whether `value` is, or holds at any depth, the unknown marker. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}

/**
 * Whether the value at `path` inside `root`, or any value on the way to it, is unknown. A rule
 * about a property whose value (or whose parent) is unknown cannot be judged yet.
 */
export function unknownAlongPath(root: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = root;
  for (const key of path) {
    if (isUnknown(current)) return true;
    if (typeof current !== "object" || current === null) return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return containsUnknown(current);
}

/** Whether any of `values` is unknown (for rules that combine several properties). */
export function anyUnknown(...values: unknown[]): boolean {
  return values.some(containsUnknown);
}
