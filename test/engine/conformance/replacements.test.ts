/**
 * Replacements, replaceOnChanges and init errors, as step_generator.go `continueStepsFromDiff`,
 * `applyReplaceOnChanges` and step.go decide and carry them out (scenarios 1-A to 1-C of the
 * porting spec). Dependent replacements are in dependent-replacements.test.ts.
 */
import { describe, expect, it } from "vitest";
import { stepLog } from "./fixture-engine";
import { initFailure } from "./fixture-provider";
import { callsSince, diffReplacing, widgetStack } from "./widgets";

describe("continueStepsFromDiff: replacements", () => {
  it("replaces create-before-delete by default; the old one is deleted after every other step", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing(["zone"]) });
    const program =
      (zone: string, size: number) => async (p: Parameters<Parameters<typeof stack.up>[0]>[0]) => {
        await Promise.all([p.resource("w", { zone }), p.resource("v", { size })]);
      };
    await stack.up(program("a", 1));
    const mark = provider.log.length;
    const run = await stack.up(program("b", 2));
    expect(run.ok).toBe(true);
    expect(stepLog(run).filter((s) => s.endsWith(" w"))).toEqual([
      "create-replacement w",
      "replace w",
      "delete-replaced w",
    ]);
    expect(stepLog(run).at(-1)).toBe("delete-replaced w");
    const calls = callsSince(provider, mark);
    // The replacement is checked again from scratch, then created; Delete of the old one comes last.
    expect(calls.filter((c) => c.endsWith(" w"))).toEqual([
      "check w",
      "diff w",
      "check w",
      "create w",
      "delete w",
    ]);
    expect(calls.indexOf("update v")).toBeLessThan(calls.indexOf("delete w"));
    expect(run.summary).toEqual({ create: 0, update: 1, replace: 1, delete: 0, same: 1 });
    expect(stack.snapshot.resources.filter((r) => r.urn.endsWith("::w")).map((r) => r.id)).toEqual([
      "w-3",
    ]);
    expect(run.steps.find((s) => s.op === "replace")).toMatchObject({
      replaceKeys: ["zone"],
      deleteBeforeReplace: false,
    });
  });

  it("deletes before replacing when Diff asks, keeping the deleted one in the state until its replacement exists", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing(["zone"], true) });
    await stack.up(async (p) => void (await p.resource("w", { zone: "a" })));
    const mark = provider.log.length;
    const writes = stack.writes.length;
    const run = await stack.up(async (p) => void (await p.resource("w", { zone: "b" })));
    expect(stepLog(run)).toEqual([
      "same proj-test",
      "delete-replaced w",
      "replace w",
      "create-replacement w",
    ]);
    expect(callsSince(provider, mark)).toEqual([
      "check w",
      "diff w",
      "check w",
      "delete w",
      "create w",
    ]);
    const between = stack.writes
      .slice(writes)
      .map((w) => w.resources.find((r) => r.urn.endsWith("::w")));
    expect(between.some((w) => w?.id === "w-1" && w.pendingReplacement === true)).toBe(true);
    expect(stack.resource("w")).toMatchObject({ id: "w-2" });
    expect(stack.resource("w")?.pendingReplacement).toBeUndefined();
  });

  it.each([
    { option: false, provider: true, deletesFirst: false },
    { option: true, provider: false, deletesFirst: true },
    { option: undefined, provider: true, deletesFirst: true },
  ])(
    "lets the deleteBeforeReplace option ($option) override the provider ($provider)",
    async ({ option, provider: asks, deletesFirst }) => {
      const { stack, provider } = widgetStack({ diff: diffReplacing(["zone"], asks) });
      const options = option === undefined ? {} : { deleteBeforeReplace: option };
      await stack.up(async (p) => void (await p.resource("w", { zone: "a" }, options)));
      const mark = provider.log.length;
      await stack.up(async (p) => void (await p.resource("w", { zone: "b" }, options)));
      const calls = callsSince(provider, mark);
      expect(calls.indexOf("delete w") < calls.indexOf("create w")).toBe(deletesFirst);
    },
  );

  it("gives the replacement's Check the program's raw inputs, ignoreChanges no longer applied (SG:2010)", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing(["zone"]) });
    const options = { ignoreChanges: ["tag"] };
    await stack.up(async (p) => void (await p.resource("w", { zone: "a", tag: "old" }, options)));
    const mark = provider.calls.length;
    await stack.up(async (p) => void (await p.resource("w", { zone: "b", tag: "new" }, options)));
    const [first, , replacement, create] = provider.calls.slice(mark);
    expect(first).toMatchObject({
      method: "check",
      olds: { zone: "a", tag: "old" },
      news: { zone: "b", tag: "old" },
    });
    expect(replacement).toMatchObject({
      method: "check",
      olds: {},
      news: { zone: "b", tag: "new" },
    });
    expect(create).toMatchObject({ method: "create", inputs: { zone: "b", tag: "new" } });
    expect(stack.resource("w")?.inputs).toEqual({ zone: "b", tag: "new" });
  });

  it("refuses to replace a protected resource: up fails before any provider call, preview reports and goes on", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing(["zone"]) });
    await stack.up(async (p) => {
      await Promise.all([
        p.resource("w", { zone: "a" }, { protect: true }),
        p.resource("v", { size: 1 }),
      ]);
    });
    const message =
      `unable to replace resource "urn:pulumi:test::proj::fixture:index:Widget::w"\nas it is currently ` +
      "marked for protection. To unprotect the resource, remove the `protect` flag from the resource " +
      "in your Pulumi program and run `pulumi up`";
    const changed = async (p: Parameters<Parameters<typeof stack.up>[0]>[0]) => {
      await p.resource("w", { zone: "b" }, { protect: true });
      await p.resource("v", { size: 2 });
    };
    const preview = await stack.preview(changed);
    expect(preview.errors).toEqual([`urn:pulumi:test::proj::fixture:index:Widget::w: ${message}`]);
    expect(stepLog(preview)).toEqual([
      "same proj-test",
      "create-replacement w",
      "replace w",
      "update v",
      "delete-replaced w",
    ]);
    const mark = provider.log.length;
    const up = await stack.up(changed);
    expect(up.errors).toEqual([`urn:pulumi:test::proj::fixture:index:Widget::w: ${message}`]);
    expect(callsSince(provider, mark)).toEqual(["check w", "diff w"]);
    expect(stack.resource("w")?.id).toBe("w-1");
  });
});

describe("applyReplaceOnChanges", () => {
  it("replaces only when the engine compared the inputs itself: a diff() answering true updates (1-A)", async () => {
    const withDiff = widgetStack({ diff: diffReplacing() });
    const withoutDiff = widgetStack();
    for (const { stack } of [withDiff, withoutDiff]) {
      await stack.up(
        async (p) => void (await p.resource("w", { size: 1 }, { replaceOnChanges: ["size"] })),
      );
    }
    const a = await withDiff.stack.up(
      async (p) => void (await p.resource("w", { size: 2 }, { replaceOnChanges: ["size"] })),
    );
    const b = await withoutDiff.stack.up(
      async (p) => void (await p.resource("w", { size: 2 }, { replaceOnChanges: ["size"] })),
    );
    expect(stepLog(a)).toEqual(["same proj-test", "update w"]);
    expect(stepLog(b)).toEqual([
      "same proj-test",
      "create-replacement w",
      "replace w",
      "delete-replaced w",
    ]);
    expect(b.steps.find((s) => s.op === "replace")?.replaceKeys).toEqual(["size"]);
  });

  it("matches nested paths against the engine's detailed diff", async () => {
    const { stack } = widgetStack();
    const options = { replaceOnChanges: ["spec.image"] };
    await stack.up(
      async (p) => void (await p.resource("w", { spec: { image: "a", cpu: 1 } }, options)),
    );
    const cpu = await stack.up(
      async (p) => void (await p.resource("w", { spec: { image: "a", cpu: 2 } }, options)),
    );
    expect(cpu.steps.map((s) => s.op)).toEqual(["same", "update"]);
    const image = await stack.up(
      async (p) => void (await p.resource("w", { spec: { image: "b", cpu: 2 } }, options)),
    );
    expect(image.steps.map((s) => s.op)).toContain("replace");
  });

  it("fails the registration for a replaceOnChanges path that does not parse", async () => {
    const { stack } = widgetStack();
    await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    const run = await stack.up(
      async (p) => void (await p.resource("w", { size: 2 }, { replaceOnChanges: ["a["] })),
    );
    expect(run.errors).toEqual([
      "urn:pulumi:test::proj::fixture:index:Widget::w: missing closing bracket in array index",
    ]);
  });
});

describe("continueStepsFromDiff: init errors (1-B)", () => {
  it("updates a resource with init errors even when Diff says nothing changed, and clears them", async () => {
    let healthy = false;
    const { stack, provider } = widgetStack({
      diff: diffReplacing(),
      create: (name, inputs, id) => {
        if (!healthy) throw initFailure(id, { ...inputs, half: true }, [`${name} is unhealthy`]);
        return { id, outputs: inputs };
      },
    });
    const failed = await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    expect(failed.errors).toEqual([
      "urn:pulumi:test::proj::fixture:index:Widget::w: 1 error occurred:\n\t* w is unhealthy\n\n",
    ]);
    expect(stack.resource("w")).toMatchObject({
      id: "w-1",
      outputs: { size: 1, half: true },
      initErrors: ["w is unhealthy"],
    });
    healthy = true;
    const mark = provider.calls.length;
    const run = await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    expect(stepLog(run)).toEqual(["same proj-test", "update w"]);
    expect(provider.calls.slice(mark).map((c) => c.method)).toEqual(["check", "diff", "update"]);
    expect(provider.calls.at(-1)).toMatchObject({
      olds: { size: 1, half: true },
      news: { size: 1 },
    });
    expect(stack.resource("w")?.initErrors).toBeUndefined();
  });

  it("replaces instead when replaceOnChanges holds * or #initerror", async () => {
    const { stack } = widgetStack({
      diff: diffReplacing(),
      create: (_name, inputs, id) => {
        if (id === "w-1") throw initFailure(id, inputs, ["unhealthy"]);
        return { id, outputs: inputs };
      },
    });
    await stack.up(
      async (p) => void (await p.resource("w", { size: 1 }, { replaceOnChanges: ["*"] })),
    );
    const run = await stack.up(
      async (p) => void (await p.resource("w", { size: 1 }, { replaceOnChanges: ["*"] })),
    );
    expect(run.steps.find((s) => s.op === "replace")?.replaceKeys).toEqual(["#initerror"]);
  });
});
