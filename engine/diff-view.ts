import { isLogicalStep, type ResourceState, type StepRecord } from "./engine-types";
import { diffForDisplay, PropertyPrinter, RAW_PREFIX } from "./property-printer";

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * `pulumi preview --diff` / `up --diff` (display/diff.go `renderDiff`, object_diff.go), colours
 * stripped: for each step, a header `<prefix><type>: (<op>)` at its depth under the stack, the
 * `[id=…]` and `[urn=…]` pseudo-properties, then its properties: a create its inputs, a delete
 * its old inputs, an update or replace every input with the changed ones as `~ key: old => new`
 * (added `+`, deleted `-`). Same steps (the stack's aside) and the create-replacement and
 * delete-replaced halves of a replace are not shown, as without `--show-sames` and
 * `--show-replacement-steps`.
 */
export class DiffView {
  /** Every resource seen so far: its parent, and whether its own step was shown. */
  private readonly seen = new Map<string, { parent: string; shown: boolean }>();

  constructor(private readonly planning: boolean) {}

  /** The lines printed for a finished step (none when the step is not shown). */
  render(
    step: StepRecord,
    old: ResourceState | undefined,
    next: ResourceState | undefined,
  ): string[] {
    const subject = next ?? old;
    const isStack = step.type === STACK_TYPE;
    const shown = isStack || (step.op !== "same" && isLogicalStep(step.op));
    if (subject !== undefined) this.seen.set(step.urn, { parent: subject.parent, shown });
    if (!shown) return [];
    const indent = this.indentOf(subject?.parent ?? "");
    const out: string[] = [this.header(step, old, next, indent)];
    const plain = "    ".repeat(indent + 1);
    if (old?.id) out.push(`${plain}[id=${old.id}]\n`);
    out.push(`${plain}[urn=${step.urn}]\n`);
    if (step.op !== "same") this.details(out, step, old, next, indent + 1);
    return out.join("").replace(/\n$/, "").split("\n");
  }

  private header(
    step: StepRecord,
    old: ResourceState | undefined,
    next: ResourceState | undefined,
    indent: number,
  ): string {
    let lock = "";
    if (next !== undefined && !next.protect && old?.protect) lock = " 🔓";
    else if (next?.protect || old?.protect) lock = " 🔒";
    const retain =
      old?.retainOnDelete &&
      ["delete", "replace", "create-replacement", "delete-replaced"].includes(step.op)
        ? "[retain]"
        : "";
    return `${"    ".repeat(indent)}${RAW_PREFIX[step.op]}${step.type}: (${step.op}${retain})${lock}\n`;
  }

  private details(
    out: string[],
    step: StepRecord,
    old: ResourceState | undefined,
    next: ResourceState | undefined,
    indent: number,
  ): void {
    const printer = (op: StepRecord["op"], prefix: boolean) =>
      new PropertyPrinter(out, indent, op, prefix, this.planning);
    if (old === undefined && next !== undefined) {
      // Shown before the step runs: a create has only its inputs then.
      printer(step.op, false).printObject(next.inputs);
    } else if (next === undefined && old !== undefined) {
      printer(step.op, false).printObject(old.inputs);
    } else if (old !== undefined && next !== undefined) {
      const diff = diffForDisplay(old.inputs, next.inputs);
      if (diff === undefined) printer("same", true).printObject(next.inputs);
      else printer(step.op, true).printObjectDiff(diff);
    }
  }

  /**
   * `getIndent`: one level per ancestor that was shown (the stack always is), so the stack's
   * children are at 1 and a child of an unchanged component too.
   */
  private indentOf(parent: string): number {
    let indent = 0;
    for (let p = parent; p !== "";) {
      const ancestor = this.seen.get(p);
      if (ancestor === undefined) break;
      if (ancestor.shown) indent += 1;
      p = ancestor.parent;
    }
    return indent;
  }
}
