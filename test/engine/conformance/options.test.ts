/**
 * Resource options the engine itself applies: source_eval.go `inheritFromParent` (scenarios 7-A,
 * 7-B) and the step executor's secret marking, step_executor.go `continueExecuteStep` (8-A).
 */
import { describe, expect, it } from "vitest";
import { makeSecret } from "../../../engine/property-values";
import { stepLog, type ProgramApi } from "./fixture-engine";
import { callsSince, widgetStack } from "./widgets";

describe("inheritFromParent", () => {
  it("gives a child its component's retainOnDelete: removing both calls no Delete (7-A)", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => {
      const c = await p.component("fixture:index:Group", "c", { retainOnDelete: true });
      await p.resource("m", { n: 1 }, { parent: c });
    });
    expect(stack.resource("m")?.retainOnDelete).toBe(true);
    const mark = provider.log.length;
    const run = await stack.up(async () => undefined);
    expect(callsSince(provider, mark)).toEqual([]);
    expect(stepLog(run)).toEqual(["same proj-test", "delete m", "delete c"]);
    expect(stack.snapshot.resources).toHaveLength(1);
  });

  it("lets a child's own setting win, and passes protect and deletedWith down through components", async () => {
    const { stack } = widgetStack();
    await stack.up(async (p) => {
      const app = await p.resource("app", { n: 0 });
      const outer = await p.component("fixture:index:Group", "outer", {
        protect: true,
        deletedWith: app,
      });
      const inner = await p.component("fixture:index:Group", "inner", { parent: outer });
      await p.resource("kept", { n: 1 }, { parent: inner });
      await p.resource("free", { n: 2 }, { parent: inner, protect: false });
    });
    const app = "urn:pulumi:test::proj::fixture:index:Widget::app";
    expect(stack.resource("kept")).toMatchObject({ protect: true, deletedWith: app });
    expect(stack.resource("free")).toMatchObject({ protect: false, deletedWith: app });
  });

  it("skips the Delete of a resource deletedWith another being deleted (7-B)", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p: ProgramApi) => {
      const app = await p.resource("app", { n: 0 });
      await p.resource("vol", { n: 1 }, { deletedWith: app });
    });
    const mark = provider.log.length;
    const run = await stack.destroy();
    expect(callsSince(provider, mark)).toEqual(["delete app"]);
    expect(stepLog(run)).toEqual(["delete vol", "delete app", "delete proj-test"]);
  });
});

describe("continueExecuteStep: secret outputs", () => {
  const echo = (inputs: Record<string, unknown>) => ({ ...inputs, n: { x: "t" } });

  it("makes an output secret on a same step once its top-level input is (8-A)", async () => {
    const { stack } = widgetStack({
      diff: () => ({ changes: "none", replaceKeys: [], deleteBeforeReplace: false }),
      create: (_name, inputs, id) => ({ id, outputs: echo(inputs) as never }),
    });
    await stack.up(async (p) => void (await p.resource("w", { token: "t" })));
    expect(stack.resource("w")?.outputs).toEqual({ token: "t", n: { x: "t" } });
    const run = await stack.up(
      async (p) => void (await p.resource("w", { token: makeSecret("t") })),
    );
    expect(stepLog(run)).toEqual(["same proj-test", "same w"]);
    expect(stack.resource("w")?.outputs).toEqual({ token: makeSecret("t"), n: { x: "t" } });
  });

  it("marks additionalSecretOutputs on same and refresh steps too, and warns that id cannot be", async () => {
    const { stack } = widgetStack({
      diff: () => ({ changes: "none", replaceKeys: [], deleteBeforeReplace: false }),
      create: (_name, inputs, id) => ({ id, outputs: echo(inputs) as never }),
    });
    const options = { additionalSecretOutputs: ["n", "id"] };
    await stack.up(async (p) => void (await p.resource("w", { token: "t" })));
    const same = await stack.up(async (p) => void (await p.resource("w", { token: "t" }, options)));
    expect(stack.resource("w")?.outputs.n).toEqual(makeSecret({ x: "t" }));
    expect(same.logs).toContainEqual({
      severity: "warning",
      message: "The 'id' property cannot be made secret. See pulumi/pulumi#2717 for more details.",
      urn: "urn:pulumi:test::proj::fixture:index:Widget::w",
      source: "engine",
    });
    await stack.refresh();
    expect(stack.resource("w")?.outputs.n).toEqual(makeSecret({ x: "t" }));
  });

  it("marks outputs in previews too: the checked inputs a preview returns keep their secrets", async () => {
    const { stack } = widgetStack();
    let outputs: unknown;
    await stack.preview(async (p) => {
      outputs = (
        await p.resource(
          "w",
          { token: makeSecret("t"), plain: 1 },
          { additionalSecretOutputs: ["plain"] },
        )
      ).outputs;
    });
    expect(outputs).toEqual({ token: makeSecret("t"), plain: makeSecret(1) });
  });
});
