import type { StepOp } from "./engine-types";
import {
  decodeValue,
  diffObjects,
  diffValues,
  type ObjectDiff,
  type ValueDiff,
} from "./property-diff";
import {
  isObject,
  isSecret,
  UNKNOWN,
  type PropertyMap,
  type PropertyValue,
} from "./property-values";

/** The two-character prefixes of deploy.RawPrefix. */
export const RAW_PREFIX: Record<StepOp | "refresh", string> = {
  same: "  ",
  create: "+ ",
  delete: "- ",
  update: "~ ",
  replace: "+-",
  "create-replacement": "++",
  "delete-replaced": "--",
  import: "= ",
  refresh: "~ ",
  "remove-pending-replace": "~ ",
};

const isInternal = (key: string) => key.startsWith("__");

/**
 * The CLI's property printer for `--diff` (display/object_diff.go `propertyPrinter`), colours
 * stripped: four spaces per indent level, and a changed line's last two spaces replaced by its
 * prefix (`~ `, `+ `, `- `). Secrets print as `[secret]`, unknowns as `[unknown]`, strings quoted,
 * strings holding JSON (or multi-line YAML) objects and arrays as `(json) {…}`.
 */
export class PropertyPrinter {
  constructor(
    private readonly out: string[],
    private readonly indent: number,
    private readonly op: StepOp,
    private readonly prefix: boolean,
    private readonly planning: boolean,
  ) {}

  private with(changes: { indent?: number; op?: StepOp; prefix?: boolean }): PropertyPrinter {
    return new PropertyPrinter(
      this.out,
      changes.indent ?? this.indent,
      changes.op ?? this.op,
      changes.prefix ?? this.prefix,
      this.planning,
    );
  }

  private lead(prefixed = this.prefix): string {
    const spaces = "    ".repeat(this.indent);
    return prefixed && spaces.length >= 2 ? spaces.slice(0, -2) + RAW_PREFIX[this.op] : spaces;
  }

  private write(text: string): void {
    this.out.push(text);
  }

  /** `printObject`: every non-internal key, aligned on the longest key (internal ones included). */
  printObject(props: PropertyMap): void {
    const keys = Object.keys(props).sort();
    const width = Math.max(0, ...keys.map((key) => key.length));
    for (const key of keys) {
      if (isInternal(key)) continue;
      this.title(key, width);
      this.printValue(props[key]!);
    }
  }

  /** `printObjectDiff`: each key of the diff, `include` (the changed keys) filtering when given. */
  printObjectDiff(diff: ObjectDiff, include?: readonly string[]): void {
    let keys = [
      ...Object.keys(diff.adds),
      ...Object.keys(diff.deletes),
      ...Object.keys(diff.sames),
      ...Object.keys(diff.updates),
    ].sort();
    if (include !== undefined) keys = keys.filter((key) => include.includes(key));
    const width = Math.max(0, ...keys.map((key) => key.length));
    for (const key of keys) {
      const title = (p: PropertyPrinter) => p.title(key, width);
      if (key in diff.adds) this.printChange("create", diff.adds[key]!, title);
      else if (key in diff.deletes) this.printChange("delete", diff.deletes[key]!, title);
      else if (key in diff.updates) this.printValueDiff(title, diff.updates[key]!);
      else if (shouldPrint(diff.sames[key]!, this.planning)) {
        const same = this.with({ op: "same", prefix: false });
        same.title(key, width);
        same.printValue(diff.sames[key]!);
      }
    }
  }

  private title(name: string, width: number): void {
    this.write(`${this.lead()}${name.padEnd(width)}: `);
  }

  private printValue(value: PropertyValue): void {
    this.printValueInline(value);
    this.write("\n");
  }

  private printValueInline(value: PropertyValue): void {
    if (isPrimitive(value)) return this.printPrimitive(value);
    if (Array.isArray(value)) {
      if (value.length === 0) return this.write("[]");
      this.write("[\n");
      value.forEach((element, index) => {
        this.write(`${this.lead()}    [${index}]: `);
        this.with({ indent: this.indent + 1 }).printValue(element);
      });
      return this.write(`${this.lead(false)}]`);
    }
    const object = value as PropertyMap;
    if (Object.keys(object).length === 0) return this.write("{}");
    this.write("{\n");
    this.with({ indent: this.indent + 1 }).printObject(object);
    this.write(`${this.lead(false)}}`);
  }

  private printPrimitive(value: PropertyValue): void {
    if (value === null) return this.write("<null>");
    if (value === UNKNOWN) return this.write("[unknown]");
    if (isSecret(value)) return this.write("[secret]");
    if (typeof value === "boolean") return this.write(String(value));
    if (typeof value === "number") {
      return this.write(Number.isInteger(value) ? value.toFixed(0) : String(value));
    }
    const decoded = decodeValue(String(value));
    if (decoded !== undefined) {
      this.write(`(${decoded.kind}) `);
      return this.printValueInline(decoded.value);
    }
    this.write(JSON.stringify(value));
  }

  private printChange(op: StepOp, value: PropertyValue, title: (p: PropertyPrinter) => void): void {
    const printer = this.with({ op, prefix: true });
    title(printer);
    printer.printValue(value);
  }

  /** `printPropertyValueDiff`: arrays by element, objects by key, primitives as `old => new`. */
  printValueDiff(title: (p: PropertyPrinter) => void, diff: ValueDiff): void {
    const p = this.with({ op: "update", prefix: true });
    if (diff.array) {
      title(p);
      p.write("[\n");
      const length =
        Math.max(
          -1,
          ...[diff.array.adds, diff.array.deletes, diff.array.updates, diff.array.sames].flatMap(
            (m) => [...m.keys()],
          ),
        ) + 1;
      for (let i = 0; i < length; i++) {
        const element = p.with({ indent: p.indent + 2 });
        const elementTitle = (q: PropertyPrinter) =>
          q.write(`${q.with({ indent: q.indent - 1 }).lead()}[${i}]: `);
        if (diff.array.adds.has(i))
          element.printChange("create", diff.array.adds.get(i)!, elementTitle);
        else if (diff.array.deletes.has(i))
          element.printChange("delete", diff.array.deletes.get(i)!, elementTitle);
        else if (diff.array.updates.has(i))
          element.printValueDiff(elementTitle, diff.array.updates.get(i)!);
        else if (diff.array.sames.has(i)) {
          const same = element.with({ op: "same", prefix: false });
          elementTitle(same);
          same.printValue(diff.array.sames.get(i)!);
        }
      }
      return p.write(`${p.lead(false)}]\n`);
    }
    if (diff.object) {
      title(p);
      p.write("{\n");
      p.with({ indent: p.indent + 1 }).printObjectDiff(diff.object);
      return p.write(`${p.lead(false)}}\n`);
    }
    const printOld = shouldPrint(diff.old, false);
    const printNew = shouldPrint(diff.new, false);
    if (printOld && printNew && isPrimitive(diff.old) && isPrimitive(diff.new)) {
      title(p);
      if (
        typeof diff.old === "string" &&
        typeof diff.new === "string" &&
        !isUnknownOrSecret(diff)
      ) {
        return p.printTextDiff(diff.old, diff.new);
      }
      p.printPrimitive(diff.old);
      p.write(" => ");
      p.printPrimitive(diff.new);
      return p.write("\n");
    }
    if (printOld) this.printChange("delete", diff.old, title);
    if (printNew) this.printChange("create", diff.new, title);
  }

  private printTextDiff(old: string, next: string): void {
    const oldValue = decodeValue(old);
    const newValue = decodeValue(next);
    if (oldValue !== undefined && newValue !== undefined) {
      const kinds =
        oldValue.kind === newValue.kind ? oldValue.kind : `${oldValue.kind} => ${newValue.kind}`;
      const diff = diffValues(oldValue.value, newValue.value, isInternal);
      if (diff === undefined) return this.printTextDiff(JSON.stringify(old), JSON.stringify(next));
      this.write(`(${kinds}) `);
      return this.printValueDiff(() => undefined, diff);
    }
    this.write(`${JSON.stringify(old)} => ${JSON.stringify(next)}\n`);
  }
}

/** `shouldPrintPropertyValue`: nulls, empty strings, arrays and objects are not worth a line. */
function shouldPrint(value: PropertyValue, _outputs: boolean): boolean {
  if (value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value) && !isSecret(value)) return Object.keys(value).length > 0;
  return true;
}

function isPrimitive(value: PropertyValue): boolean {
  return !Array.isArray(value) && (!isObject(value) || isSecret(value));
}

function isUnknownOrSecret(diff: ValueDiff): boolean {
  return diff.old === UNKNOWN || diff.new === UNKNOWN;
}

/** An object diff of two property maps with internal keys left out (`printOldNewDiffs`). */
export function diffForDisplay(olds: PropertyMap, news: PropertyMap): ObjectDiff | undefined {
  return diffObjects(olds, news, isInternal);
}
