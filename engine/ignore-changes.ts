import { parsePropertyPath, resetPath } from "./property-path";
import type { PropertyMap } from "./property-values";

/** What `processIgnoreChanges` gives back: the inputs to use, and the paths it could not reset. */
export interface IgnoredInputs {
  readonly inputs: PropertyMap;
  /** Paths that would add or remove an element; the engine reports them and carries on. */
  readonly invalidPaths: readonly string[];
}

/**
 * The `ignoreChanges` option as step_generator.go `processIgnoreChanges` applies it: each path (in
 * Pulumi's property-path syntax) takes its value from the old inputs, or is removed when the old
 * inputs have none there. A path that does not parse is skipped silently; one that cannot be reset
 * is reported (see {@link ignoreChangesMessage}). `news` is not modified.
 */
export function processIgnoreChanges(
  news: PropertyMap,
  olds: PropertyMap,
  paths: readonly string[],
): IgnoredInputs {
  if (paths.length === 0) return { inputs: news, invalidPaths: [] };
  const inputs = structuredClone(news);
  const invalidPaths: string[] = [];
  for (const text of paths) {
    let path;
    try {
      path = parsePropertyPath(text);
    } catch {
      continue;
    }
    if (!resetPath(path, olds, inputs)) invalidPaths.push(text);
  }
  return { inputs, invalidPaths };
}

/** The engine's info message for paths it could not reset (Go `%q` of the comma-joined list). */
export function ignoreChangesMessage(invalidPaths: readonly string[]): string {
  return (
    "cannot ignore changes in added or removed elements of the path: " +
    JSON.stringify(invalidPaths.join(", "))
  );
}
