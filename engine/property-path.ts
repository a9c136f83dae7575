import { isObject, isSecret, makeSecret, type PropertyValue } from "./property-values";

/**
 * Pulumi's property paths (sdk/go/common/resource/properties_path.go), the syntax of the
 * `ignoreChanges` and `replaceOnChanges` options: `a.b`, `list[0]`, `["key.with.dots"]`,
 * `tags[*]` and `tags.*`. A component is a key (string) or an array index (number); `"*"` is the
 * wildcard.
 */
export type PropertyPath = readonly (string | number)[];

/**
 * `parsePropertyPath` (non-strict, as `ParsePropertyPath`): a bare name is any run of characters up
 * to the next `.` or `[`, `[n]` an index, `[*]` the wildcard, `["..."]` a quoted key in which `\"`
 * is the only escape; `.[` is tolerated.
 *
 * @throws Error with the engine's message for a malformed path.
 */
export function parsePropertyPath(text: string): PropertyPath {
  const elements: (string | number)[] = [];
  let path = text;
  if (path.startsWith(".")) throw new Error("expected property path to start with a name or index");
  while (path.length > 0) {
    if (path[0] === ".") {
      path = path.slice(1);
      if (path.length === 0) throw new Error("expected property path to end with a name or index");
    } else if (path[0] === "[") {
      if (path[1] === '"') {
        let key = "";
        let i = 2;
        for (;;) {
          if (i >= path.length) throw new Error("missing closing quote in property name");
          if (path[i] === '"') {
            i++;
            break;
          }
          if (path[i] === "\\" && path[i + 1] === '"') {
            key += '"';
            i += 2;
          } else {
            key += path[i];
            i++;
          }
        }
        if (path[i] !== "]") throw new Error("missing closing bracket in property access");
        elements.push(key);
        path = path.slice(i + 1);
      } else {
        const close = path.indexOf("]");
        if (close === -1) throw new Error("missing closing bracket in array index");
        const segment = path.slice(1, close);
        if (segment === "*") elements.push("*");
        else if (/^[+-]?\d+$/.test(segment)) elements.push(Number.parseInt(segment, 10));
        else throw new Error(`invalid array index: ${JSON.stringify(segment)}`);
        path = path.slice(close + 1);
      }
    } else {
      const end = path.search(/[.[]/);
      const stop = end === -1 ? path.length : end;
      elements.push(path.slice(0, stop));
      path = path.slice(stop);
    }
  }
  return elements;
}

/** `Contains`: whether `path` is `other` or an ancestor of it; `"*"` matches any one component. */
export function pathContains(path: PropertyPath, other: PropertyPath): boolean {
  if (other.length < path.length) return false;
  return path.every((part, index) => part === "*" || part === other[index]);
}

/** `PropertyPath.String`: `a.b`, `a[0]`, `["a.b"]` (keys quoted when they hold other than [A-Za-z0-9_]). */
export function formatPropertyPath(path: PropertyPath): string {
  return path
    .map((part, index) => {
      if (typeof part === "number") return `[${part}]`;
      if (/^[A-Za-z0-9_]*$/.test(part)) return index === 0 ? part : `.${part}`;
      return `["${part.replace(/"/g, '\\"')}"]`;
    })
    .join("");
}

/**
 * `PropertyPath.Reset`: sets the value at `path` in `news` (mutated in place) to the value at the
 * same place in `olds`, deleting it when `olds` has none there. Secrets are looked through on both
 * sides; a value taken from inside an old secret is wrapped as secret when the new side is not.
 *
 * @returns false when the path cannot be reset (it would add or remove an array element, or one
 *   side has a structure the other lacks), as the engine reports in its info message.
 */
export function resetPath(
  path: PropertyPath,
  olds: Record<string, PropertyValue>,
  news: Record<string, PropertyValue>,
): boolean {
  return reset(path, olds, news, false, false);
}

function reset(
  path: PropertyPath,
  oldValue: PropertyValue | undefined,
  newValue: PropertyValue | undefined,
  oldSecret: boolean,
  newSecret: boolean,
): boolean {
  if (path.length === 0) return false;
  const [old, oldInSecret] = unwrap(oldValue);
  const [next, newInSecret] = unwrap(newValue);
  const wasSecret = oldSecret || oldInSecret;
  const isNewSecret = newSecret || newInSecret;
  const carry = (value: PropertyValue) => (wasSecret && !isNewSecret ? makeSecret(value) : value);
  const [key, ...rest] = path;
  const leaf = rest.length === 0;
  if (typeof key === "number") {
    if (key < 0) return false;
    if (!Array.isArray(old) || !Array.isArray(next))
      return !Array.isArray(old) && !Array.isArray(next);
    if (leaf) {
      if (key >= old.length && key >= next.length) return true;
      if (key >= old.length || key >= next.length) return false;
      next[key] = carry(old[key] as PropertyValue);
      return true;
    }
    if (key >= old.length || key >= next.length) return false;
    return reset(rest, old[key], next[key], wasSecret, isNewSecret);
  }
  if (key === "*") return resetWildcard(rest, old, next, wasSecret, isNewSecret, carry);
  if (leaf) {
    if (isObject(old) && key in old) {
      if (!isObject(next)) return false;
      next[key] = carry(old[key] as PropertyValue);
    } else if (isObject(next)) {
      delete next[key];
    }
    return true;
  }
  if (!isObject(old) || !isObject(next)) return !isObject(old) && !isObject(next);
  const hasOld = key in old;
  const hasNew = key in next;
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  return reset(rest, old[key], next[key], wasSecret, isNewSecret);
}

function resetWildcard(
  rest: PropertyPath,
  old: PropertyValue | undefined,
  next: PropertyValue | undefined,
  oldSecret: boolean,
  newSecret: boolean,
  carry: (value: PropertyValue) => PropertyValue,
): boolean {
  if (rest.length === 0) {
    if (isObject(next)) {
      if (isObject(old)) {
        for (const [key, value] of Object.entries(old)) next[key] = carry(value);
        for (const key of Object.keys(next)) if (!(key in old)) delete next[key];
      }
      return true;
    }
    if (Array.isArray(next)) {
      if (Array.isArray(old)) {
        for (let i = 0; i < old.length && i < next.length; i++) next[i] = carry(old[i]!);
        if (old.length !== next.length) return false;
      }
      return true;
    }
    return false;
  }
  if (isObject(old) && isObject(next)) {
    return Object.keys(old).every(
      (key) => key in next && reset(rest, old[key], next[key], oldSecret, newSecret),
    );
  }
  if (Array.isArray(old) && Array.isArray(next)) {
    for (let i = 0; i < old.length && i < next.length; i++) {
      if (!reset(rest, old[i], next[i], oldSecret, newSecret)) return false;
    }
    return old.length === next.length;
  }
  return false;
}

function unwrap(value: PropertyValue | undefined): [PropertyValue | undefined, boolean] {
  let current = value;
  let secret = false;
  while (isSecret(current)) {
    current = current.value;
    secret = true;
  }
  return [current, secret];
}
