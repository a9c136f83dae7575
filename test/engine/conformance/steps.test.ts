/**
 * Step generation for one registration, as pkg/resource/deploy/step_generator.go decides it
 * (generateResourceSteps, continueStepsFromImport, diff, diffResource, continueStepsFromDiff)
 * and step.go carries it out. Fixture providers answer in-process; every expectation is the real
 * engine's, as its source reads at pulumi/pulumi 1b5949891b3c.
 */
import { describe, expect, it } from "vitest";
import { makeSecret, UNKNOWN } from "../../../engine/property-values";
import { STACK_URN, stepLog } from "./fixture-engine";
import { callsSince, diffReplacing, widgetStack } from "./widgets";

describe("continueStepsFromDiff: create, same, update", () => {
  it("calls the provider's Diff on every run, even with identical inputs, and updates only on changes", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing() });
    const created = await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    expect(stepLog(created)).toEqual(["create proj-test", "create w"]);
    expect(provider.log).toEqual(["check w", "create w"]);
    expect(stack.resource("w")).toMatchObject({
      id: "w-1",
      inputs: { size: 1 },
      outputs: { size: 1 },
    });

    let mark = provider.log.length;
    const same = await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
    expect(stepLog(same)).toEqual(["same proj-test", "same w"]);
    expect(callsSince(provider, mark)).toEqual(["check w", "diff w"]);

    mark = provider.log.length;
    const updated = await stack.up(async (p) => void (await p.resource("w", { size: 2 })));
    expect(stepLog(updated)).toEqual(["same proj-test", "update w"]);
    expect(callsSince(provider, mark)).toEqual(["check w", "diff w", "update w"]);
    expect(updated.steps[1]).toMatchObject({ changedKeys: ["size"], diff: { updated: ["size"] } });
    // Check got the old inputs; Diff and Update the old OUTPUTS (provider_plugin.go).
    const [check, diff] = provider.calls.slice(mark);
    expect(check).toMatchObject({ olds: { size: 1 }, news: { size: 2 } });
    expect(diff).toMatchObject({ olds: { size: 1 }, inputs: { size: 1 }, news: { size: 2 } });
  });

  it("compares the inputs itself, __provider included, when Diff answers DIFF_UNKNOWN (diffResource)", async () => {
    const { stack, provider } = widgetStack(); // no diff(): DIFF_UNKNOWN
    await stack.up(async (p) => void (await p.resource("w", { size: 1, __provider: "code-a" })));
    const same = await stack.up(
      async (p) => void (await p.resource("w", { size: 1, __provider: "code-a" })),
    );
    expect(stepLog(same)).toEqual(["same proj-test", "same w"]);
    const mark = provider.log.length;
    const changed = await stack.up(
      async (p) => void (await p.resource("w", { size: 1, __provider: "code-b" })),
    );
    expect(callsSince(provider, mark)).toEqual(["check w", "diff w", "update w"]);
    // The engine's own detailed diff keeps internal keys, so the row shows them (rows.go getDiffInfo).
    expect(changed.steps[1]).toMatchObject({ op: "update", changedKeys: ["__provider"] });
  });

  it.each([
    { answer: { changes: "none", replaceKeys: ["size"] }, inputs: 2, op: "same" },
    { answer: { changes: "unknown", replaceKeys: ["size"] }, inputs: 1, op: "same" },
    { answer: { changes: "unknown", replaceKeys: ["size"] }, inputs: 2, op: "replace" },
    {
      answer: { changes: "some", replaceKeys: [], deleteBeforeReplace: true },
      inputs: 2,
      op: "update",
    },
  ] as const)(
    "turns Diff $answer with the inputs $inputs into $op",
    async ({ answer, inputs, op }) => {
      const { stack } = widgetStack({
        diff: () => ({
          deleteBeforeReplace: false,
          ...answer,
          replaceKeys: [...answer.replaceKeys],
        }),
      });
      await stack.up(async (p) => void (await p.resource("w", { size: 1 })));
      const run = await stack.up(async (p) => void (await p.resource("w", { size: inputs })));
      expect(run.steps.find((s) => s.name === "w" && s.op !== "create-replacement")?.op).toBe(op);
    },
  );

  it("diffs a component on its inputs alone, calling no provider (diff: prov == nil)", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => void (await p.component("fixture:index:Group", "g")));
    const run = await stack.up(async (p) => void (await p.component("fixture:index:Group", "g")));
    expect(stepLog(run)).toEqual(["same proj-test", "same g"]);
    expect(provider.log).toEqual([]);
  });
});

describe("generateResourceSteps in a preview", () => {
  it("calls Check and Diff with unknowns allowed, never Create, Update or Delete; outputs are the checked inputs", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing(["zone"]) });
    await stack.up(async (p) => void (await p.resource("w", { zone: "a", size: 1 })));
    const mark = provider.log.length;
    const writes = stack.writes.length;
    let seen: unknown;
    const run = await stack.preview(async (p) => {
      const w = await p.resource("w", { zone: "a", size: 2 });
      const n = await p.resource("n", { from: UNKNOWN });
      seen = [w, n];
    });
    expect(callsSince(provider, mark)).toEqual(["check w", "diff w", "check n"]);
    expect(provider.calls.slice(mark).every((call) => call.preview === true)).toBe(true);
    expect(seen).toEqual([
      {
        urn: "urn:pulumi:test::proj::fixture:index:Widget::w",
        id: "w-1",
        outputs: { zone: "a", size: 2 },
      },
      { urn: "urn:pulumi:test::proj::fixture:index:Widget::n", id: "", outputs: { from: UNKNOWN } },
    ]);
    expect(stepLog(run)).toEqual(["same proj-test", "update w", "create n"]);
    expect(stack.writes.length).toBe(writes);
    expect(stack.snapshot.resources.map((r) => r.urn)).toEqual([
      STACK_URN,
      "urn:pulumi:test::proj::fixture:index:Widget::w",
    ]);
  });
});

describe("issueCheckFailures", () => {
  it("fails with the engine's wording, the program's value printed as Go's %v, secrets included", async () => {
    const { stack, provider } = widgetStack({
      check: () => ({
        inputs: {},
        failures: [
          { property: "size", reason: "must be positive" },
          { property: "token", reason: "is too short" },
          { property: "", reason: "the widget is broken" },
        ],
      }),
    });
    const run = await stack.up(
      async (p) => void (await p.resource("w", { size: -1, token: makeSecret("x") })),
    );
    expect(run.errors).toEqual([
      "urn:pulumi:test::proj::fixture:index:Widget::w: " +
        "fixture:index:Widget resource 'w': property size value {-1} has a problem: must be positive\n" +
        "fixture:index:Widget resource 'w': property token value {&{{x}}} has a problem: is too short\n" +
        "fixture:index:Widget resource 'w' has a problem: the widget is broken",
    ]);
    expect(provider.log).toEqual(["check w"]);
    expect(stepLog(run)).toEqual(["create proj-test"]);
  });
});
