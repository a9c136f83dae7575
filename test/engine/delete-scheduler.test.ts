import { describe, expect, it } from "vitest";
import { deleteInReverseDependencyOrder } from "../../engine/delete-scheduler";
import { recordingContext, RecordingProvider, widgetState } from "./fixtures/recording-provider";

const urnOf = (name: string) => widgetState(name, "", {}).urn;

// a <- b (dependency) <- c (child of b); d stands alone.
const A = widgetState("a", "a-0", {});
const B = widgetState("b", "b-0", {}, { dependencies: [urnOf("a")] });
const C = widgetState("c", "c-0", {}, { parent: urnOf("b") });
const D = widgetState("d", "d-0", {});

describe("deleteInReverseDependencyOrder", () => {
  it("deletes dependents before what they depend on, independent resources in parallel", async () => {
    const provider = new RecordingProvider();
    provider.delayMs = 25;
    const ctx = recordingContext(provider, { resources: [A, B, C, D] });
    const failures = await deleteInReverseDependencyOrder(ctx, [A, B, C, D]);
    expect(failures).toEqual([]);
    const at = (call: string) => provider.timeline.find((entry) => entry.call === call)!;
    expect(at("delete b-0").startedAt).toBeGreaterThanOrEqual(at("delete c-0").finishedAt);
    expect(at("delete a-0").startedAt).toBeGreaterThanOrEqual(at("delete b-0").finishedAt);
    expect(at("delete d-0").startedAt).toBeLessThan(at("delete c-0").finishedAt);
    expect(ctx.state.all()).toEqual([]);
    expect(ctx.steps.map((step) => step.name).sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("fails a protected resource with the engine's message, keeps what it depends on, deletes the rest", async () => {
    const provider = new RecordingProvider();
    const protectedB = { ...B, protect: true };
    const ctx = recordingContext(provider, { resources: [A, protectedB, C, D] });
    const failures = await deleteInReverseDependencyOrder(ctx, [A, protectedB, C, D]);
    expect(failures.map((failure) => [failure.urn, failure.message])).toEqual([
      [
        B.urn,
        `resource "${B.urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, ` +
          "either remove the `protect` flag from the resource in your Pulumi program and run " +
          `\`pulumi up\`, or use the command:\n\`pulumi state unprotect '${B.urn}'\``,
      ],
    ]);
    expect(provider.calls.sort()).toEqual(["delete c-0", "delete d-0"]);
    expect(ctx.state.all().map((resource) => resource.id)).toEqual(["a-0", "b-0"]);
  });

  it("drops retained resources from the state without calling the provider", async () => {
    const provider = new RecordingProvider();
    const retained = { ...D, retainOnDelete: true };
    const ctx = recordingContext(provider, { resources: [retained] });
    await deleteInReverseDependencyOrder(ctx, [retained]);
    expect(provider.calls).toEqual([]);
    expect(ctx.state.all()).toEqual([]);
    expect(ctx.steps.map((step) => [step.op, step.name])).toEqual([["delete", "d"]]);
  });

  it("deletes the old instance of a replacement without a step of its own", async () => {
    const provider = new RecordingProvider();
    const pending = { ...D, pendingDelete: true };
    const ctx = recordingContext(provider, { resources: [pending] });
    await deleteInReverseDependencyOrder(ctx, [pending]);
    expect(provider.calls).toEqual(["delete d-0"]);
    expect(ctx.steps).toEqual([]);
  });

  it("plans deletes in a preview without calling the provider", async () => {
    const provider = new RecordingProvider();
    const ctx = recordingContext(provider, { preview: true, resources: [A, B] });
    await deleteInReverseDependencyOrder(ctx, [A, B]);
    expect(provider.calls).toEqual([]);
    expect(ctx.steps.map((step) => [step.op, step.name])).toEqual([
      ["delete", "b"],
      ["delete", "a"],
    ]);
  });
});
