/**
 * `pulumi refresh`: deployment_executor.go `refresh` and `rebuildBaseState`, step.go
 * `RefreshStep.Apply` and `RefreshStep.ResultOp` (scenario 3-A of the porting spec).
 */
import { describe, expect, it } from "vitest";
import type { ResourceState } from "../../../engine/engine-types";
import type { DiffResult } from "../../../engine/provider-api";
import { STACK_URN, stepLog, type ProgramApi } from "./fixture-engine";
import { initFailure } from "./fixture-provider";
import { widgetStack } from "./widgets";

const sizeOnly = (
  _name: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): DiffResult => ({
  changes: olds.size !== news.size ? "some" : "none",
  replaceKeys: [],
  deleteBeforeReplace: false,
});

describe("RefreshStep.Apply", () => {
  it("classifies drift with the provider's Diff, inverted: output-only drift is a same, and clears init errors", async () => {
    const { stack, provider } = widgetStack({
      diff: sizeOnly,
      create: (_name, inputs, id) => {
        throw initFailure(id, { ...inputs, state: "started" }, ["not healthy yet"]);
      },
    });
    await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    expect(stack.resource("w")?.initErrors).toEqual(["not healthy yet"]);
    provider.world.set("w-1", { size: 1, state: "stopped" });
    const mark = provider.calls.length;
    const run = await stack.refresh();
    expect(run.ok).toBe(true);
    const [read, diff] = provider.calls.slice(mark);
    expect(read).toMatchObject({
      method: "read",
      id: "w-1",
      outputs: { size: 1, state: "started" },
      inputs: { size: 1 },
    });
    expect(diff).toMatchObject({
      method: "diff",
      olds: { size: 1, state: "stopped" },
      news: { size: 1 },
      preview: false,
    });
    expect(stepLog(run)).toEqual(["same proj-test", "same w"]);
    expect(stack.resource("w")).toMatchObject({
      outputs: { size: 1, state: "stopped" },
      inputs: { size: 1 },
    });
    expect(stack.resource("w")?.initErrors).toBeUndefined();
  });

  it("counts drift the provider's Diff sees as an update, and takes the inputs Read returns", async () => {
    const { stack, provider } = widgetStack({
      diff: sizeOnly,
      read: (_name, target, live) => ({
        id: target.id,
        outputs: live!,
        inputs: { size: live!.size as number },
      }),
    });
    await stack.up(async (p) => void (await p.resource("w", { size: 1, label: "x" })));
    provider.world.set("w-1", { size: 5 });
    const run = await stack.refresh();
    expect(run.steps.find((s) => s.name === "w")).toMatchObject({
      op: "update",
      changedKeys: ["label", "size"],
      diff: { added: [], deleted: ["label"], updated: ["size"] },
    });
    expect(stack.resource("w")).toMatchObject({ inputs: { size: 5 }, outputs: { size: 5 } });
  });

  it("treats output drift as a same when the provider has no diff() and Read returns no inputs", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    provider.world.set("w-1", { size: 9 });
    const run = await stack.refresh();
    expect(stepLog(run)).toEqual(["same proj-test", "same w"]);
    expect(stack.resource("w")?.outputs).toEqual({ size: 9 });
  });

  it("deletes what Read no longer finds, reads pending deletes too, and leaves pending replacements alone", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => {
      await Promise.all([p.resource("gone", { n: 1 }), p.resource("kept", { n: 2 })]);
    });
    provider.world.delete("gone-1");
    const pending: ResourceState = {
      ...stack.resource("kept")!,
      id: "old-kept",
      pendingDelete: true,
    };
    const replaced: ResourceState = {
      ...stack.resource("kept")!,
      urn: `${STACK_URN}-x`,
      pendingReplacement: true,
    };
    stack.snapshot = {
      ...stack.snapshot,
      resources: [...stack.snapshot.resources, pending, replaced],
    };
    const mark = provider.calls.length;
    const run = await stack.refresh();
    expect(
      provider.calls
        .slice(mark)
        .filter((c) => c.method === "read")
        .map((c) => c.id)
        .sort(),
    ).toEqual(["gone-1", "kept-2", "old-kept"]);
    expect(run.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 2, same: 3 });
    expect(stack.snapshot.resources.map((r) => r.id)).toEqual(["", "kept-2", "kept-2"]);
  });

  it("goes on past a failed read, keeps that resource as it was, and fails the refresh", async () => {
    const { stack } = widgetStack({
      read: (name, target, live) => {
        if (name === "bad") throw new Error("the API is down");
        return { id: target.id, outputs: live! };
      },
    });
    await stack.up(
      async (p) =>
        void (await Promise.all([p.resource("bad", { n: 1 }), p.resource("ok", { n: 2 })])),
    );
    const before = stack.resource("bad");
    const run = await stack.refresh();
    expect(run.errors).toEqual([
      "urn:pulumi:test::proj::fixture:index:Widget::bad: the API is down",
    ]);
    expect(run.steps.find((s) => s.name === "ok")?.op).toBe("same");
    expect(stack.resource("bad")).toEqual(before);
  });
});

describe("rebuildBaseState", () => {
  it("drops references to deleted resources and unparents the children of a deleted parent", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p: ProgramApi) => {
      const base = await p.resource("base", { n: 1 });
      const parent = await p.resource("parent", { n: 2 });
      await p.resource(
        "child",
        { ref: base.id },
        { parent, propertyDependencies: { ref: [base] }, dependsOn: [parent], deletedWith: base },
      );
    });
    provider.world.delete("base-1");
    provider.world.delete("parent-2");
    await stack.refresh();
    expect(stack.snapshot.resources.map((r) => r.urn.split("::").pop())).toEqual([
      "proj-test",
      "child",
    ]);
    const child = stack.resource("child")!;
    expect(child).toMatchObject({ parent: "", dependencies: [], propertyDependencies: {} });
    expect(child.deletedWith).toBeUndefined();
  });
});
