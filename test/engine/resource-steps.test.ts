import { describe, expect, it } from "vitest";
import {
  recordingContext,
  RecordingProvider,
  widgetGoal,
  widgetState,
} from "./fixtures/recording-provider";
import { makeSecret } from "../../engine/property-values";
import { ProviderError } from "../../engine/provider-api";
import { applyRegistration } from "../../engine/resource-steps";

const OLD = widgetState("w", "w-0", { size: 1, __provider: "code-a" });

describe("applyRegistration", () => {
  it("creates a new resource and marks additionalSecretOutputs secret", async () => {
    const provider = new RecordingProvider();
    const ctx = recordingContext(provider);
    const goal = widgetGoal("w", { size: 1 }, { additionalSecretOutputs: ["computed"] });
    const registration = await applyRegistration(ctx, goal);
    expect(registration).toEqual({ id: "w-1", outputs: { size: 1, computed: makeSecret("w-1") } });
    expect(provider.calls).toEqual(["check w", "create w"]);
    expect(ctx.state.live(goal.urn)?.outputs).toEqual(registration.outputs);
  });

  it("previews a create without calling Create: the outputs are the checked inputs", async () => {
    const provider = new RecordingProvider();
    const ctx = recordingContext(provider, { preview: true });
    const registration = await applyRegistration(ctx, widgetGoal("w", { size: 1 }));
    expect(registration).toEqual({ id: "", outputs: { size: 1 } });
    expect(provider.calls).toEqual(["check w"]);
    expect(ctx.steps.map((step) => step.op)).toEqual(["create"]);
  });

  it("falls back to comparing inputs, __provider included, when Diff answers DIFF_UNKNOWN", async () => {
    const provider = new RecordingProvider();
    const ctx = recordingContext(provider, { resources: [OLD] });
    await applyRegistration(ctx, widgetGoal("w", { size: 1, __provider: "code-b" }));
    expect(provider.calls).toEqual(["check w", "diff w-0", "update w-0"]);
    expect(ctx.steps[0]).toMatchObject({ op: "update", changedKeys: ["__provider"] });
  });

  it("keeps the old outputs and calls nothing more when the inputs are unchanged", async () => {
    const provider = new RecordingProvider();
    const ctx = recordingContext(provider, { resources: [OLD] });
    const registration = await applyRegistration(
      ctx,
      widgetGoal("w", { size: 1, __provider: "code-a" }),
    );
    expect(registration).toEqual({ id: "w-0", outputs: OLD.outputs });
    expect(provider.calls).toEqual(["check w", "diff w-0"]);
    expect(ctx.steps[0]?.op).toBe("same");
  });

  it("previews an update without calling Update: computed outputs are left out", async () => {
    const provider = new RecordingProvider();
    provider.diffAnswer = { changes: "some", replaceKeys: [], deleteBeforeReplace: false };
    const ctx = recordingContext(provider, { preview: true, resources: [OLD] });
    const registration = await applyRegistration(
      ctx,
      widgetGoal("w", { size: 2, __provider: "code-a" }),
    );
    expect(registration).toEqual({ id: "w-0", outputs: { size: 2, __provider: "code-a" } });
    expect(provider.calls).toEqual(["check w", "diff w-0"]);
  });

  it("replaces create-before-delete by default, keeping the old instance pending delete", async () => {
    const provider = new RecordingProvider();
    provider.diffAnswer = { changes: "some", replaceKeys: ["size"], deleteBeforeReplace: false };
    const ctx = recordingContext(provider, { resources: [OLD] });
    const registration = await applyRegistration(ctx, widgetGoal("w", { size: 2 }));
    expect(registration.id).toBe("w-1");
    expect(provider.calls).toEqual(["check w", "diff w-0", "check w", "create w"]);
    expect(ctx.state.all().map((r) => [r.id, r.pendingDelete ?? false])).toEqual([
      ["w-0", true],
      ["w-1", false],
    ]);
    expect(ctx.steps[0]).toMatchObject({
      op: "replace",
      replaceKeys: ["size"],
      deleteBeforeReplace: false,
    });
  });

  it.each([
    { option: undefined, provider: true, expected: true },
    { option: true, provider: false, expected: true },
    { option: false, provider: true, expected: false },
  ])(
    "deletes before replacing when the option is $option and the provider says $provider: $expected",
    async ({ option, provider: providerSays, expected }) => {
      const provider = new RecordingProvider();
      provider.diffAnswer = {
        changes: "some",
        replaceKeys: ["size"],
        deleteBeforeReplace: providerSays,
      };
      const ctx = recordingContext(provider, { resources: [OLD] });
      const extra = option === undefined ? {} : { deleteBeforeReplace: option };
      await applyRegistration(ctx, widgetGoal("w", { size: 2 }, extra));
      const tail = expected ? ["delete w-0", "create w"] : ["create w"];
      expect(provider.calls).toEqual(["check w", "diff w-0", "check w", ...tail]);
      expect(ctx.state.all().map((r) => r.id)).toEqual(expected ? ["w-1"] : ["w-0", "w-1"]);
    },
  );

  it("refuses to replace a protected resource with the engine's message", async () => {
    const provider = new RecordingProvider();
    provider.diffAnswer = { changes: "some", replaceKeys: ["size"], deleteBeforeReplace: false };
    const ctx = recordingContext(provider, { resources: [{ ...OLD, protect: true }] });
    const goal = widgetGoal("w", { size: 2 }, { protect: true });
    await expect(applyRegistration(ctx, goal)).rejects.toThrow(
      `unable to replace resource "${goal.urn}"\nas it is currently marked for protection. To ` +
        "unprotect the resource, remove the `protect` flag from the resource in your Pulumi " +
        "program and run `pulumi up`",
    );
    expect(provider.calls).toEqual(["check w", "diff w-0"]);
    expect(ctx.steps[0]).toMatchObject({
      op: "replace",
      error: expect.stringMatching(/^unable to replace/),
    });
  });

  it("fails on check failures with the engine's wording, secrets masked", async () => {
    const provider = new RecordingProvider();
    provider.checkFailures = [
      { property: "size", reason: "must be positive" },
      { property: "", reason: "the widget is broken" },
    ];
    const ctx = recordingContext(provider);
    await expect(applyRegistration(ctx, widgetGoal("w", { size: makeSecret(-1) }))).rejects.toThrow(
      "test:index:Widget resource 'w': property size value \"[secret]\" has a problem: must be positive\n" +
        "test:index:Widget resource 'w' has a problem: the widget is broken",
    );
    expect(provider.calls).toEqual(["check w"]);
  });

  it("ignores changes to ignoreChanges paths and replaces on replaceOnChanges keys", async () => {
    const provider = new RecordingProvider();
    const ctx = recordingContext(provider, { resources: [OLD] });
    const ignored = widgetGoal("w", { size: 9, __provider: "code-a" }, { ignoreChanges: ["size"] });
    await applyRegistration(ctx, ignored);
    expect(ctx.steps[0]?.op).toBe("same");
    const replacing = recordingContext(new RecordingProvider(), { resources: [OLD] });
    await applyRegistration(
      replacing,
      widgetGoal("w", { size: 9, __provider: "code-a" }, { replaceOnChanges: ["size"] }),
    );
    expect(replacing.steps[0]).toMatchObject({ op: "replace", replaceKeys: ["size"] });
  });

  it("keeps a partial create in the state and updates it on the next run", async () => {
    const provider = new RecordingProvider();
    provider.create = async () => {
      throw new ProviderError("health check failed", {
        id: "w-9",
        outputs: { size: 1 },
        reasons: ["health check failed"],
      });
    };
    const ctx = recordingContext(provider);
    await expect(applyRegistration(ctx, widgetGoal("w", { size: 1 }))).rejects.toThrow(
      "health check failed",
    );
    const partial = ctx.state.live(widgetGoal("w", {}).urn);
    expect(partial).toMatchObject({ id: "w-9", initErrors: ["health check failed"] });
    const next = recordingContext(new RecordingProvider(), { resources: [partial!] });
    await applyRegistration(next, widgetGoal("w", { size: 1 }));
    expect(next.steps[0]?.op).toBe("update");
  });
});
