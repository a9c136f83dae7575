import { isObject, type PropertyMap, type PropertyValue } from "./property-values";

/**
 * Applies the `ignoreChanges` resource option the way the engine's `processIgnoreChanges` does:
 * each listed path takes its old value, or is removed when the old inputs did not have it. Paths
 * are dotted property names (`settings.size`); `*` ignores every input.
 */
export function resetIgnoredPaths(
  news: PropertyMap,
  olds: PropertyMap,
  paths: readonly string[],
): PropertyMap {
  if (paths.includes("*")) return structuredClone(olds);
  let result = news;
  for (const path of paths) {
    const segments = path.split(".").filter((segment) => segment !== "");
    if (segments.length === 0) continue;
    result = resetPath(result, olds, segments) as PropertyMap;
  }
  return result;
}

function resetPath(
  target: PropertyValue | undefined,
  source: PropertyValue | undefined,
  segments: readonly string[],
): PropertyValue | undefined {
  const [head, ...rest] = segments;
  if (head === undefined) return source;
  const targetObject = isObject(target) ? target : {};
  const sourceChild = isObject(source) ? source[head] : undefined;
  const next = resetPath(targetObject[head], sourceChild, rest);
  const copy: Record<string, PropertyValue> = { ...targetObject };
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}
