/**
 * After a failed deployment: step.go `CreateStep.Apply`/`UpdateStep.Apply`, provider_plugin.go
 * `parseError` and `InitError.Error`, engine/update.go `OnResourceStepPost` (a partial update keeps
 * the old inputs) and step_executor.go `executeRegisterResourceOutputs` (scenarios 12-A and 12-B).
 */
import { describe, expect, it } from "vitest";
import { initErrorText } from "../../../engine/resource-steps";
import { STACK_URN } from "./fixture-engine";
import { initFailure } from "./fixture-provider";
import { diffReplacing, widgetStack } from "./widgets";

describe("InitError.Error", () => {
  it("lists the reasons as go-multierror does, or says resource init failed", () => {
    expect(initErrorText(["r"])).toBe("1 error occurred:\n\t* r\n\n");
    expect(initErrorText(["r1", "r2"])).toBe("2 errors occurred:\n\t* r1\n\t* r2\n\n");
    expect(initErrorText([])).toBe("resource init failed");
  });
});

describe("UpdateStep.Apply with a partial failure (12-B)", () => {
  it("stores the OLD inputs with the new outputs and the init errors, and updates again next time", async () => {
    let failing = true;
    const { stack, provider } = widgetStack({
      diff: diffReplacing(),
      update: (_name, _olds, news) => {
        if (failing) throw initFailure("w-1", { x: 1 }, ["r"]);
        return news;
      },
    });
    await stack.up(async (p) => void (await p.resource("w", { v: 1 })));
    const failed = await stack.up(async (p) => void (await p.resource("w", { v: 2 })));
    expect(failed.errors).toEqual([
      "urn:pulumi:test::proj::fixture:index:Widget::w: 1 error occurred:\n\t* r\n\n",
    ]);
    expect(stack.resource("w")).toMatchObject({
      inputs: { v: 1 },
      outputs: { x: 1 },
      initErrors: ["r"],
    });
    failing = false;
    const mark = provider.calls.length;
    const run = await stack.up(async (p) => void (await p.resource("w", { v: 2 })));
    expect(run.ok).toBe(true);
    expect(provider.calls.slice(mark).map((c) => c.method)).toEqual(["check", "diff", "update"]);
    expect(stack.resource("w")).toMatchObject({ inputs: { v: 2 }, outputs: { v: 2 } });
  });
});

describe("executeRegisterResourceOutputs (12-A)", () => {
  it("overlays a failed run's stack outputs on the old ones, and replaces them after a success", async () => {
    const { stack } = widgetStack({
      create: (name, inputs, id) => {
        if (name === "bad") throw new Error("no capacity");
        return { id, outputs: inputs };
      },
    });
    await stack.up(async (p) => p.outputs({ a: "old", b: "kept" }));
    const failed = await stack.up(async (p) => {
      p.outputs({ a: "new" });
      await p.resource("bad", { n: 1 });
    });
    expect(failed.ok).toBe(false);
    expect(stack.snapshot.resources.find((r) => r.urn === STACK_URN)?.outputs).toEqual({
      a: "new",
      b: "kept",
    });
    await stack.up(async (p) => p.outputs({ a: "new" }));
    expect(stack.snapshot.resources.find((r) => r.urn === STACK_URN)?.outputs).toEqual({
      a: "new",
    });
  });
});
