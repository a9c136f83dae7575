/**
 * The step executor and the post-steps: step_executor.go (`--parallel` workers, `executeChain`,
 * `cancelDueToError`), deployment_executor.go (`Execute`'s serial step generation, `performPostSteps`),
 * step_generator.go `GenerateDeletes`/`ScheduleDeletes`, step.go `DeleteStep.Apply` (scenario 9-A),
 * and cancellation (10-A).
 */
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../../engine/deployment";
import { stepLog, type Declared, type ProgramApi } from "./fixture-engine";
import { callsSince, widgetStack } from "./widgets";

/** Lets every pending callback, timer-free, run until `done` holds (or gives up). */
async function settle(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !done(); turn++)
    await new Promise((resolve) => setImmediate(resolve));
}

const five = async (p: ProgramApi) => {
  await Promise.all(["r1", "r2", "r3", "r4", "r5"].map((name) => p.resource(name, { n: 1 })));
};

describe("step_executor.go workers and the serial step generator", () => {
  it("runs at most --parallel provider operations at once, and Check and Diff one at a time", async () => {
    const { stack, provider } = widgetStack();
    const holds = ["r1", "r2", "r3", "r4", "r5"].map((name) => provider.hold("create", name));
    const running = stack.up(five, { parallel: 2 });
    await settle(() => provider.log.filter((c) => c.startsWith("check")).length === 5);
    await settle(() => false);
    expect(provider.log.filter((c) => c.startsWith("create"))).toHaveLength(2);
    const started = provider.calls.filter((c) => c.method === "create").map((c) => c.name);
    holds.find((_, i) => `r${i + 1}` === started[0])!.release();
    await settle(() => provider.log.filter((c) => c.startsWith("create")).length === 3);
    expect(provider.log.filter((c) => c.startsWith("create"))).toHaveLength(3);
    for (const hold of holds) hold.release();
    const run = await running;
    expect(run.ok).toBe(true);
    expect(provider.maxInFlight).toBe(2);
    expect(provider.maxChecksInFlight).toBe(1);
  });
});

describe("ScheduleDeletes and the delete failure policy (9-A)", () => {
  // a <- b <- c (each depends on the one before), x alone.
  const chain = async (p: ProgramApi, protectB = false) => {
    const a = await p.resource("a", { n: 1 });
    const [b, x] = await Promise.all([
      p.resource("b", { n: 2 }, { dependsOn: [a], protect: protectB }),
      p.resource("x", { n: 4 }),
    ]);
    await p.resource("c", { n: 3 }, { dependsOn: [b as Declared] });
    void x;
  };
  const names = (urns: readonly { urn: string }[]) =>
    urns.map((r) => r.urn.split("::").pop()).sort();

  it("deletes in rounds, dependents first; x, depending on nothing, goes in the last round with a", async () => {
    const { stack, provider } = widgetStack();
    await stack.up((p) => chain(p));
    const mark = provider.log.length;
    const run = await stack.up(async () => undefined);
    const deletes = callsSince(provider, mark);
    expect(deletes.slice(0, 2)).toEqual(["delete c", "delete b"]);
    expect(deletes.slice(2).sort()).toEqual(["delete a", "delete x"]);
    expect(run.summary.delete).toBe(4);
  });

  it("stops after the round where a delete failed: later rounds never start", async () => {
    const { stack, provider } = widgetStack();
    await stack.up((p) => chain(p));
    const original = provider.delete.bind(provider);
    provider.delete = async (old) => {
      if (old.urn.endsWith("::b")) throw new Error("b is busy");
      return original(old);
    };
    const run = await stack.up(async () => undefined);
    expect(run.errors).toEqual(["urn:pulumi:test::proj::fixture:index:Widget::b: b is busy"]);
    expect(provider.log.filter((c) => c.startsWith("delete"))).toEqual(["delete c"]);
    expect(names(stack.snapshot.resources)).toEqual(["a", "b", "proj-test", "x"]);
  });

  it("goes on past a protect error, skipping only what the protected resource depends on", async () => {
    const { stack, provider } = widgetStack();
    await stack.up((p) => chain(p, true));
    const b = "urn:pulumi:test::proj::fixture:index:Widget::b";
    const run = await stack.up(async () => undefined);
    expect(run.errors).toEqual([
      `${b}: resource "${b}" cannot be deleted\nbecause it is protected. To unprotect the resource, ` +
        "either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, " +
        `or use the command:\n\`pulumi state unprotect '${b}'\``,
    ]);
    expect(provider.log.filter((c) => c.startsWith("delete")).sort()).toEqual([
      "delete c",
      "delete x",
    ]);
    expect(names(stack.snapshot.resources)).toEqual(["a", "b", "proj-test"]);
  });

  it("plans deletes in a preview without calling the provider; a retained resource only leaves the state", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => {
      await Promise.all([
        p.resource("kept", { n: 1 }, { retainOnDelete: true }),
        p.resource("gone", { n: 2 }),
      ]);
    });
    const mark = provider.log.length;
    const preview = await stack.preview(async () => undefined);
    expect(callsSince(provider, mark)).toEqual([]);
    expect(
      stepLog(preview)
        .filter((s) => s.startsWith("delete"))
        .sort(),
    ).toEqual(["delete gone", "delete kept"]);
    await stack.up(async () => undefined);
    expect(callsSince(provider, mark)).toEqual(["delete gone"]);
    expect(stack.snapshot.resources).toHaveLength(1);
  });
});

describe("cancelDueToError", () => {
  it("lets a step already running finish and be recorded when another fails; nothing new starts", async () => {
    const { stack, provider } = widgetStack({
      create: (name, inputs, id) => {
        if (name === "bad") throw new Error("no capacity");
        return { id, outputs: inputs };
      },
    });
    const slow = provider.hold("create", "slow");
    const running = stack.up(async (p) => {
      const started = p.resource("slow", { n: 1 });
      await settle(() => provider.log.includes("create slow"));
      await p.resource("bad", { n: 2 }).catch(() => undefined);
      await p.resource("late", { n: 3 });
      await started;
    });
    await slow.reached;
    await settle(() => provider.log.includes("create bad"));
    slow.release();
    const run = await running;
    expect(run.errors).toEqual(["urn:pulumi:test::proj::fixture:index:Widget::bad: no capacity"]);
    expect(provider.log.filter((c) => c.startsWith("create"))).toEqual([
      "create slow",
      "create bad",
    ]);
    expect(stack.resource("slow")?.id).toMatch(/^slow-\d$/);
    expect(stack.snapshot.pendingOperations).toEqual([]);
  });
});

describe("cancellation (10-A)", () => {
  it("lets the step in flight finish and be recorded, starts nothing else, and runs no deletes", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => void (await p.resource("old", { n: 0 })));
    const first = provider.hold("create", "r1");
    let deployment: Deployment | undefined;
    const running = stack.up(five, { parallel: 1, started: (d) => (deployment = d) });
    await first.reached;
    deployment!.cancel();
    first.release();
    const run = await running;
    expect(run.canceled).toBe(true);
    expect(provider.log.filter((c) => c.startsWith("create") || c.startsWith("delete"))).toEqual([
      "create old",
      "create r1",
    ]);
    expect(stack.resource("r1")?.id).toBe("r1-2");
    expect(stack.resource("old")).toBeDefined();
    expect(stack.snapshot.pendingOperations).toEqual([]);
  });
});
