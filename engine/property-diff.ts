import * as yaml from "js-yaml";
import { formatPropertyPath, type PropertyPath } from "./property-path";
import {
  deepEqual,
  isObject,
  isSecret,
  stripSecrets,
  type PropertyMap,
  type PropertyValue,
} from "./property-values";

/**
 * Structured differences between property values, as sdk/go/common/resource/properties_diff.go
 * computes them: a key whose value is null or absent has no value, so null versus absent is not a
 * change; arrays are compared element by element, objects key by key; secrets compare by the value
 * they wrap and are not looked into.
 */
export interface ObjectDiff {
  readonly adds: Readonly<Record<string, PropertyValue>>;
  readonly deletes: Readonly<Record<string, PropertyValue>>;
  readonly updates: Readonly<Record<string, ValueDiff>>;
  readonly sames: Readonly<Record<string, PropertyValue>>;
}

/** How one value changed; `object` or `array` say how, when both sides are of that kind. */
export interface ValueDiff {
  readonly old: PropertyValue;
  readonly new: PropertyValue;
  readonly object?: ObjectDiff;
  readonly array?: ArrayDiff;
}

/** How an array changed, by index. */
export interface ArrayDiff {
  readonly adds: ReadonlyMap<number, PropertyValue>;
  readonly deletes: ReadonlyMap<number, PropertyValue>;
  readonly updates: ReadonlyMap<number, ValueDiff>;
  readonly sames: ReadonlyMap<number, PropertyValue>;
}

/** The kinds of a detailed diff entry (`plugin.DiffKind`). */
export type DiffKind =
  "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";

const hasValue = (value: PropertyValue | undefined): value is PropertyValue =>
  value !== undefined && value !== null;

const isPlainObject = (value: PropertyValue | undefined): value is Record<string, PropertyValue> =>
  isObject(value) && !isSecret(value);

/** `PropertyMap.Diff`: undefined when nothing changed. Keys `ignoreKey` accepts are left out. */
export function diffObjects(
  olds: PropertyMap,
  news: PropertyMap,
  ignoreKey: (key: string) => boolean = () => false,
): ObjectDiff | undefined {
  const adds: Record<string, PropertyValue> = {};
  const deletes: Record<string, PropertyValue> = {};
  const updates: Record<string, ValueDiff> = {};
  const sames: Record<string, PropertyValue> = {};
  for (const [key, old] of Object.entries(olds)) {
    if (ignoreKey(key)) continue;
    if (key in news) {
      const next = news[key] as PropertyValue;
      const diff = diffValues(old, next, ignoreKey);
      if (diff === undefined) sames[key] = old;
      else if (!hasValue(old)) adds[key] = next;
      else if (!hasValue(next)) deletes[key] = old;
      else updates[key] = diff;
    } else if (hasValue(old)) {
      deletes[key] = old;
    }
  }
  for (const [key, next] of Object.entries(news)) {
    if (!ignoreKey(key) && !(key in olds) && hasValue(next)) adds[key] = next;
  }
  const changed = [adds, deletes, updates].some((part) => Object.keys(part).length > 0);
  return changed ? { adds, deletes, updates, sames } : undefined;
}

/** `PropertyValue.Diff`: undefined when the values are deeply equal. */
export function diffValues(
  old: PropertyValue,
  next: PropertyValue,
  ignoreKey: (key: string) => boolean = () => false,
): ValueDiff | undefined {
  if (Array.isArray(old) && Array.isArray(next)) {
    const array: ArrayDiff = {
      adds: new Map(next.slice(old.length).map((value, i) => [old.length + i, value])),
      deletes: new Map(old.slice(next.length).map((value, i) => [next.length + i, value])),
      updates: new Map(),
      sames: new Map(),
    };
    for (let i = 0; i < old.length && i < next.length; i++) {
      const diff = diffValues(old[i]!, next[i]!, ignoreKey);
      if (diff === undefined) (array.sames as Map<number, PropertyValue>).set(i, old[i]!);
      else (array.updates as Map<number, ValueDiff>).set(i, diff);
    }
    const changed = array.adds.size + array.deletes.size + array.updates.size > 0;
    return changed ? { old, new: next, array } : undefined;
  }
  if (isPlainObject(old) && isPlainObject(next)) {
    const object = diffObjects(old, next, ignoreKey);
    return object === undefined ? undefined : { old, new: next, object };
  }
  return deepEqual(old, next) ? undefined : { old, new: next };
}

/** `ObjectDiff.ChangedKeys`: the added, deleted and updated top-level keys, sorted. */
export function changedTopLevelKeys(diff: ObjectDiff | undefined): string[] {
  if (diff === undefined) return [];
  return [
    ...Object.keys(diff.adds),
    ...Object.keys(diff.deletes),
    ...Object.keys(diff.updates),
  ].sort();
}

/**
 * `NewDetailedDiffFromObjectDiff`: every changed leaf as a property-path string with its kind
 * (nested objects and arrays are followed to the values that changed).
 */
export function detailedDiff(diff: ObjectDiff | undefined): Map<string, DiffKind> {
  const result = new Map<string, DiffKind>();
  if (diff !== undefined) objectEntries([], diff, result);
  return result;
}

function objectEntries(prefix: PropertyPath, diff: ObjectDiff, out: Map<string, DiffKind>): void {
  for (const [key, value] of Object.entries(diff.updates))
    valueEntries([...prefix, key], value, out);
  for (const key of Object.keys(diff.adds)) out.set(formatPropertyPath([...prefix, key]), "add");
  for (const key of Object.keys(diff.deletes))
    out.set(formatPropertyPath([...prefix, key]), "delete");
}

function valueEntries(path: PropertyPath, diff: ValueDiff, out: Map<string, DiffKind>): void {
  if (diff.object) return objectEntries(path, diff.object, out);
  if (diff.array) {
    for (const [i, value] of diff.array.updates) valueEntries([...path, i], value, out);
    for (const i of diff.array.adds.keys()) out.set(formatPropertyPath([...path, i]), "add");
    for (const i of diff.array.deletes.keys()) out.set(formatPropertyPath([...path, i]), "delete");
    return;
  }
  const kind = !hasValue(diff.old) ? "add" : !hasValue(diff.new) ? "delete" : "update";
  out.set(formatPropertyPath(path), kind);
}

/**
 * The DIFF_UNKNOWN fallback of `diffResource`: the old and (ignore-reset) new inputs compared
 * with secrets unwrapped, internal keys such as `__provider` included.
 */
export function inputDiffForUnknown(olds: PropertyMap, news: PropertyMap): ObjectDiff | undefined {
  return diffObjects(stripSecrets(olds) as PropertyMap, stripSecrets(news) as PropertyMap);
}

/**
 * The top-level keys a progress row shows as `[diff: +a-b~c]`: the old and new inputs compared
 * with keys starting `__` left out (display/rows.go `getDiffInfo`).
 */
export function displayedInputDiff(olds: PropertyMap, news: PropertyMap): KeyChanges {
  const diff = diffObjects(olds, news, (key) => key.startsWith("__"));
  return {
    added: Object.keys(diff?.adds ?? {}).sort(),
    deleted: Object.keys(diff?.deletes ?? {}).sort(),
    updated: Object.keys(diff?.updates ?? {}).sort(),
  };
}

/** Top-level keys added, deleted and updated, each sorted. */
export interface KeyChanges {
  readonly added: readonly string[];
  readonly deleted: readonly string[];
  readonly updated: readonly string[];
}

/** The display's `decodeValue`: a string holding a JSON (or multi-line YAML) object or array. */
export function decodeValue(text: string): { value: PropertyValue; kind: string } | undefined {
  const trimmed = text.trim();
  const structured = (value: unknown) => typeof value === "object" && value !== null;
  try {
    const value = JSON.parse(trimmed) as PropertyValue;
    return structured(value) ? { value, kind: "json" } : undefined;
  } catch {
    // Not JSON; multi-line text may be YAML.
  }
  if (!/[\r\n]/.test(trimmed)) return undefined;
  try {
    const value = yaml.load(trimmed) as PropertyValue;
    return structured(value) ? { value, kind: "yaml" } : undefined;
  } catch {
    return undefined;
  }
}
