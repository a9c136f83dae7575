import { ignoreChangesMessage, processIgnoreChanges } from "./ignore-changes";
import {
  changedTopLevelKeys,
  detailedDiff,
  displayedInputDiff,
  inputDiffForUnknown,
  type DiffKind,
  type KeyChanges,
} from "./property-diff";
import { parsePropertyPath, pathContains } from "./property-path";
import type { PropertyMap } from "./property-values";
import type { ResourceProvider } from "./provider-api";
import type { StepContext } from "./step-context";

/** A provider's Diff answer as the step generator works with it (plugin.DiffResult). */
export interface DiffOutcome {
  readonly changes: "none" | "some";
  readonly replaceKeys: readonly string[];
  /** Top-level keys that changed: only the engine's own comparison fills them for dynamic providers. */
  readonly changedKeys: readonly string[];
  /** Property paths and how they changed: likewise only from the engine's own comparison. */
  readonly detailed?: ReadonlyMap<string, DiffKind>;
  readonly deleteBeforeReplace: boolean;
}

/** The resource a Diff is about: its id, old inputs and old outputs. */
export interface DiffSubject {
  readonly urn: string;
  readonly id: string;
  readonly inputs: PropertyMap;
  readonly outputs: PropertyMap;
}

/**
 * step_generator.go `diffResource`: the provider's Diff is always called. When it answers
 * DIFF_UNKNOWN (a dynamic provider without `diff`, or whose `diff` returned neither true nor
 * false), the engine compares the old inputs with the ignore-reset new inputs itself, secrets
 * unwrapped and `__provider` included, and fills the changed keys and the detailed diff.
 */
export async function diffResource(
  ctx: StepContext,
  provider: ResourceProvider,
  old: DiffSubject,
  newInputs: PropertyMap,
  allowUnknowns: boolean,
  ignoreChanges: readonly string[],
): Promise<DiffOutcome> {
  const answer = await provider.diff(old, newInputs, allowUnknowns);
  const base = { replaceKeys: answer.replaceKeys, deleteBeforeReplace: answer.deleteBeforeReplace };
  if (answer.changes !== "unknown") return { ...base, changes: answer.changes, changedKeys: [] };
  const ignored = processIgnoreChanges(newInputs, old.inputs, ignoreChanges);
  if (ignored.invalidPaths.length > 0) {
    ctx.log({
      severity: "info",
      message: ignoreChangesMessage(ignored.invalidPaths),
      urn: old.urn,
      source: "engine",
    });
  }
  const diff = inputDiffForUnknown(old.inputs, ignored.inputs);
  if (diff === undefined) return { ...base, changes: "none", changedKeys: [] };
  return {
    ...base,
    changes: "some",
    changedKeys: changedTopLevelKeys(diff),
    detailed: detailedDiff(diff),
  };
}

/**
 * step_generator.go `applyReplaceOnChanges`: a diff with changes (or a resource with init errors)
 * becomes a replace where a `replaceOnChanges` path contains a changed key or detailed-diff path.
 * The dynamic host never reports either, so for a `diff` answering true this changes nothing; the
 * path `*` or `#initerror` also replaces a resource with init errors.
 *
 * @throws Error when a path does not parse (unlike ignoreChanges, that fails the registration).
 */
export function applyReplaceOnChanges(
  diff: DiffOutcome,
  replaceOnChanges: readonly string[],
  hasInitErrors: boolean,
): DiffOutcome {
  if (diff.changes !== "some" && !hasInitErrors) return diff;
  const paths = replaceOnChanges.map((text) => parsePropertyPath(text));
  const detailed = new Map(diff.detailed ?? []);
  for (const [key, kind] of detailed) {
    const path = parsePropertyPath(key);
    if (paths.some((p) => pathContains(p, path)) && !kind.endsWith("-replace")) {
      detailed.set(key, `${kind}-replace` as DiffKind);
    }
  }
  const replaceKeys = [...diff.replaceKeys];
  for (const key of diff.changedKeys) {
    if (paths.some((p) => pathContains(p, [key])) && !replaceKeys.includes(key)) {
      replaceKeys.push(key);
    }
  }
  let changes = diff.changes;
  if (hasInitErrors && paths.some((p) => pathContains(p, ["#initerror"]))) {
    replaceKeys.push("#initerror");
    changes = "some";
  }
  return { ...diff, changes, replaceKeys, ...(diff.detailed ? { detailed } : {}) };
}

/** `DiffResult.Replace`: any replace key, or any detailed-diff entry of a replace kind. */
export function isReplace(diff: DiffOutcome): boolean {
  return (
    diff.replaceKeys.length > 0 ||
    [...(diff.detailed?.values() ?? [])].some((kind) => kind.endsWith("-replace"))
  );
}

/** `DiffResult.Invert` for a refresh: adds become deletes and deletes adds. */
export function invertDiff(diff: DiffOutcome): DiffOutcome {
  if (diff.detailed === undefined) return diff;
  const inverted = new Map<string, DiffKind>();
  const swap: Record<string, DiffKind> = {
    add: "delete",
    delete: "add",
    "add-replace": "delete-replace",
    "delete-replace": "add-replace",
  };
  for (const [path, kind] of diff.detailed) inverted.set(path, swap[kind] ?? kind);
  return { ...diff, detailed: inverted };
}

/**
 * The `[diff: …]` keys of a progress row (display/rows.go `getDiffInfo`): from the detailed diff
 * when the step has one (top-level keys, internal ones included), otherwise from the old and new
 * inputs with `__` keys left out; a `protect` flip adds `protect`. Filtered to the changed keys
 * when there are any. Same steps show only the `protect` flip.
 */
export function rowDiff(
  same: boolean,
  oldInputs: PropertyMap,
  newInputs: PropertyMap,
  diff: DiffOutcome | undefined,
  protectChanged: boolean,
): KeyChanges {
  let changes: KeyChanges = { added: [], deleted: [], updated: [] };
  if (!same) {
    changes = diff?.detailed ? topLevel(diff.detailed) : displayedInputDiff(oldInputs, newInputs);
  }
  const updated = protectChanged ? [...changes.updated, "protect"].sort() : [...changes.updated];
  const include = diff?.changedKeys ?? [];
  const keep = (keys: readonly string[]) =>
    include.length === 0 ? [...keys] : keys.filter((key) => include.includes(key));
  return { added: keep(changes.added), deleted: keep(changes.deleted), updated: keep(updated) };
}

function topLevel(detailed: ReadonlyMap<string, DiffKind>): KeyChanges {
  const added = new Set<string>();
  const deleted = new Set<string>();
  const updated = new Set<string>();
  for (const [key, kind] of detailed) {
    const path = parsePropertyPath(key);
    const top = String(path[0]);
    if (path.length === 1 && kind.startsWith("add")) added.add(top);
    else if (path.length === 1 && kind.startsWith("delete")) deleted.add(top);
    else updated.add(top);
  }
  return { added: [...added].sort(), deleted: [...deleted].sort(), updated: [...updated].sort() };
}
