/**
 * Pending operations: backend/snapshot.go `BeginMutation`/`End`/`Snap`, engine/update.go
 * `OnResourceStepPre`/`Post`, deployment_executor.go `printPendingOperationsWarning` and the
 * refresh command's `--clear-pending-creates` (scenario 4-A of the porting spec).
 */
import { describe, expect, it } from "vitest";
import type { DeploymentState } from "../../../engine/deployment-state";
import { pendingOperationsWarning } from "../../../engine/pending-warning";
import type { ProgramApi } from "./fixture-engine";
import { diffReplacing, widgetStack } from "./widgets";

const A = "urn:pulumi:test::proj::fixture:index:Widget::a";
const pendingOf = (snapshot: {
  pendingOperations: readonly { type: string; resource: { urn: string } }[];
}) =>
  snapshot.pendingOperations.map(
    (operation) => `${operation.type} ${operation.resource.urn.split("::").pop()}`,
  );
const one = (size: number) => async (p: ProgramApi) => void (await p.resource("a", { size }));

describe("BeginMutation and End", () => {
  it("writes the operation before the provider call and clears it, with the result, after", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing() });
    const create = provider.hold("create", "a");
    const running = stack.up(one(1));
    await create.reached;
    expect(pendingOf(stack.snapshot)).toEqual(["creating a"]);
    expect(stack.snapshot.pendingOperations[0]!.resource).toMatchObject({
      id: "",
      inputs: { size: 1 },
    });
    expect(stack.snapshot.resources.map((r) => r.urn)).not.toContain(A);
    create.release();
    await running;
    expect(pendingOf(stack.snapshot)).toEqual([]);
    expect(stack.resource("a")?.id).toBe("a-1");

    const update = provider.hold("update", "a");
    const updating = stack.up(one(2));
    await update.reached;
    expect(pendingOf(stack.snapshot)).toEqual(["updating a"]);
    expect(stack.snapshot.pendingOperations[0]!.resource.inputs).toEqual({ size: 2 });
    update.release();
    await updating;

    const deleting = provider.hold("delete", "a");
    const destroying = stack.destroy();
    await deleting.reached;
    expect(pendingOf(stack.snapshot)).toEqual(["deleting a"]);
    deleting.release();
    await destroying;
    expect(pendingOf(stack.snapshot)).toEqual([]);
  });
});

describe("Snap: what a killed run leaves", () => {
  /** Runs `up`, terminating (no more writes) while `a`'s create is in flight. */
  async function killedDuringCreate() {
    const { stack, provider } = widgetStack({ diff: diffReplacing() });
    const create = provider.hold("create", "a");
    let state: DeploymentState | undefined;
    const running = stack.up(one(1), { started: (_deployment, s) => (state = s) });
    await create.reached;
    state!.freeze();
    create.release();
    await running;
    return { stack, provider };
  }

  it("keeps a pending CREATE through every later up and a plain refresh, until --clear-pending-creates", async () => {
    const { stack, provider } = await killedDuringCreate();
    expect(pendingOf(stack.snapshot)).toEqual(["creating a"]);
    expect(stack.snapshot.resources.map((r) => r.urn)).not.toContain(A);

    // The next up creates it again (the engine ignores pending operations), and carries it on.
    const next = await stack.up(one(1));
    expect(next.steps.find((s) => s.name === "a")?.op).toBe("create");
    expect(provider.log.filter((c) => c === "create a")).toHaveLength(2);
    expect(pendingOf(stack.snapshot)).toEqual(["creating a"]);
    await stack.up(one(1));
    expect(pendingOf(stack.snapshot)).toEqual(["creating a"]);
    await stack.refresh();
    expect(pendingOf(stack.snapshot)).toEqual(["creating a"]);
    await stack.refresh({ clearPendingCreates: true });
    expect(pendingOf(stack.snapshot)).toEqual([]);
  });

  it("drops other pending operations at the next run's first write", async () => {
    const { stack, provider } = widgetStack({ diff: diffReplacing() });
    await stack.up(one(1));
    const update = provider.hold("update", "a");
    let state: DeploymentState | undefined;
    const running = stack.up(one(2), { started: (_d, s) => (state = s) });
    await update.reached;
    state!.freeze();
    update.release();
    await running;
    expect(pendingOf(stack.snapshot)).toEqual(["updating a"]);
    // The old state is still the one recorded; the next up diffs against it and updates again.
    expect(stack.resource("a")?.inputs).toEqual({ size: 1 });
    const preview = await stack.preview(one(2));
    expect(preview.steps.find((s) => s.name === "a")?.op).toBe("update");
    expect(pendingOf(stack.snapshot)).toEqual(["updating a"]);
    const next = await stack.up(one(2));
    expect(next.steps.find((s) => s.name === "a")?.op).toBe("update");
    expect(pendingOf(stack.snapshot)).toEqual([]);
  });
});

describe("printPendingOperationsWarning", () => {
  const operations = [{ type: "creating" as const, resource: { urn: A } as never }];

  it("is printed, word for word, by up and destroy only", () => {
    expect(pendingOperationsWarning("up", operations)).toBe(
      "Attempting to deploy or update resources with 1 pending operations from previous deployment.\n" +
        `  * ${A}, interrupted while creating\n` +
        "These resources are in an unknown state because the Pulumi CLI was interrupted while waiting " +
        "for changes to these resources to complete. You should confirm whether or not the operations " +
        "listed completed successfully by checking the state of the appropriate provider. For example, " +
        "if you are using AWS, you can confirm using the AWS Console.\n\n" +
        "Once you have confirmed the status of the interrupted operations, you can repair your stack " +
        "using `pulumi refresh` which will refresh the state from the provider you are using and clear " +
        "the pending operations if there are any.\n\n" +
        "Note that `pulumi refresh` will need to be run interactively to clear pending CREATE operations.",
    );
    expect(pendingOperationsWarning("destroy", operations)).toBe(
      pendingOperationsWarning("up", operations),
    );
    expect(pendingOperationsWarning("preview", operations)).toBeUndefined();
    expect(pendingOperationsWarning("refresh", operations)).toBeUndefined();
    expect(pendingOperationsWarning("up", [])).toBeUndefined();
  });
});
