/**
 * The `import` resource option: step_generator.go `generateResourceSteps` (isImport),
 * `continueStepsFromImport` and step.go `ImportStep.Apply`. (For dynamic resources the Read fails
 * in the provider host; test/engine/import-option.test.ts shows that through the real host.)
 */
import { describe, expect, it } from "vitest";
import type { PropertyMap } from "../../../engine/property-values";
import { stepLog, type ProgramApi } from "./fixture-engine";
import { callsSince, diffReplacing, widgetStack } from "./widgets";

const existing: PropertyMap = { zone: "a", size: 1 };
const program = (inputs: PropertyMap) => async (p: ProgramApi) =>
  void (await p.resource("w", inputs, { import: "w-77" }));

function importable(read: "inputs" | "no-inputs" | "missing" = "inputs") {
  const fixture = widgetStack({
    diff: diffReplacing(["zone"]),
    read: (_name, target, live) => {
      if (read === "missing" || live === undefined) return { id: "", outputs: {} };
      return read === "inputs"
        ? { id: target.id, outputs: live, inputs: live }
        : { id: target.id, outputs: live };
    },
  });
  fixture.provider.world.set("w-77", existing);
  return fixture;
}

describe("ImportStep.Apply", () => {
  it("reads the resource by id with no state, in a preview too, and plans nothing else when it matches", async () => {
    const { stack, provider } = importable();
    const preview = await stack.preview(program(existing));
    expect(provider.calls[0]).toEqual({ method: "read", name: "w", id: "w-77" });
    expect(stepLog(preview)).toEqual(["create proj-test", "import w"]);
    const mark = provider.log.length;
    const run = await stack.up(program(existing));
    expect(callsSince(provider, mark)).toEqual(["read w", "check w", "diff w"]);
    expect(run.summary).toEqual({
      create: 1,
      update: 0,
      replace: 0,
      delete: 0,
      same: 0,
      import: 1,
    });
    expect(stack.resource("w")).toMatchObject({
      id: "w-77",
      importId: "w-77",
      inputs: existing,
      outputs: existing,
    });
    const again = await stack.up(program(existing));
    expect(stepLog(again)).toEqual(["same proj-test", "same w"]);
  });

  it("updates what it imported when the program's inputs differ", async () => {
    const { stack, provider } = importable();
    const run = await stack.up(program({ zone: "a", size: 2 }));
    expect(stepLog(run)).toEqual(["create proj-test", "import w", "update w"]);
    expect(provider.log).toEqual(["read w", "check w", "diff w", "update w"]);
  });

  it("refuses to replace what it imported while the program still names the id", async () => {
    const { stack, provider } = importable();
    const run = await stack.up(program({ zone: "b", size: 1 }));
    expect(run.errors).toEqual([
      "urn:pulumi:test::proj::fixture:index:Widget::w: previously-imported resources that still specify an ID " +
        "may not be replaced; please remove the `import` declaration from your program;\nzone: {a} => {b}",
    ]);
    expect(provider.log).not.toContain("create w");
  });

  it.each([
    { read: "missing" as const, error: "resource 'w-77' does not exist" },
    {
      read: "no-inputs" as const,
      error:
        "provider does not support importing resources; please try updating the 'fixture' plugin",
    },
  ])("fails without creating anything when Read finds $read", async ({ read, error }) => {
    const { stack, provider } = importable(read);
    const run = await stack.up(program(existing));
    expect(run.errors).toEqual([`urn:pulumi:test::proj::fixture:index:Widget::w: ${error}`]);
    expect(provider.log).toEqual(["read w"]);
    expect(stack.resource("w")).toBeUndefined();
    expect(run.steps.find((s) => s.name === "w")).toMatchObject({ op: "import", error });
  });
});
