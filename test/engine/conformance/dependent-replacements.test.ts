/**
 * Delete-before-replace and its dependents: step_generator.go `calculateDependentReplacements`,
 * `findDependentCascadeReplacements` and the DBR block of `continueStepsFromDiff` (scenario 2-A of
 * the porting spec). One old snapshot: app ← vol (property dependency) ← mach (property
 * dependency, child of the component comp), and ip with only `dependsOn: [app]`.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN, type PropertyMap } from "../../../engine/property-values";
import type { DiffResult } from "../../../engine/provider-api";
import { stepLog, type FixtureOptions, type ProgramApi } from "./fixture-engine";
import { callsSince, widgetStack } from "./widgets";

const replaceOn = (key: string, olds: PropertyMap, news: PropertyMap, dbr = false): DiffResult => {
  const changed = olds[key] !== news[key];
  return {
    changes: changed ? "some" : "none",
    replaceKeys: changed ? [key] : [],
    deleteBeforeReplace: changed && dbr,
  };
};

/** App replaces delete-before-replace on `org`; vol on `app`; mach on `volId`; ip never. */
function cascadeStack() {
  return widgetStack({
    diff: (name, olds, news) => {
      if (name === "app") return replaceOn("org", olds, news, true);
      if (name === "vol") return replaceOn("app", olds, news);
      if (name === "mach") return replaceOn("volId", olds, news);
      return { changes: "none", replaceKeys: [], deleteBeforeReplace: false };
    },
    create: (name, inputs, id) => ({
      id,
      outputs: name === "app" ? { ...inputs, name: "the-app" } : inputs,
    }),
  });
}

function program(org: string, options: { vol?: FixtureOptions } = {}) {
  return async (p: ProgramApi) => {
    const app = await p.resource("app", { org });
    const [vol] = await Promise.all([
      p.resource(
        "vol",
        { app: app.outputs.name! },
        { propertyDependencies: { app: [app] }, ...options.vol },
      ),
      p.resource("ip", { n: 1 }, { dependsOn: [app] }),
    ]);
    const comp = await p.component("fixture:index:Group", "comp");
    await p.resource(
      "mach",
      { volId: vol!.id },
      { parent: comp, propertyDependencies: { volId: [vol!] } },
    );
  };
}

describe("calculateDependentReplacements", () => {
  it("diffs each dependent with its dependent inputs unknown, deletes in reverse order, recreates as they register", async () => {
    const { stack, provider } = cascadeStack();
    await stack.up(program("personal"));
    const mark = provider.calls.length;
    const run = await stack.up(program("acme"));
    expect(run.errors).toEqual([]);
    // vol and ip register side by side, so only ip's own calls are ordered relative to each other.
    const calls = callsSince(provider, mark);
    expect(calls.filter((c) => !c.endsWith(" ip"))).toEqual([
      "check app",
      "diff app",
      "check app",
      "diff vol",
      "diff mach",
      "delete mach",
      "delete vol",
      "delete app",
      "create app",
      "check vol",
      "create vol",
      "check mach",
      "create mach",
    ]);
    expect(calls.filter((c) => c.endsWith(" ip"))).toEqual(["check ip", "diff ip"]);
    expect(calls.indexOf("check ip")).toBeGreaterThan(calls.indexOf("create app"));
    const [vol, mach] = provider.calls
      .slice(mark)
      .filter((c) => c.method === "diff" && c.name !== "app" && c.name !== "ip");
    // Unknowns are allowed in these Diffs even during `up`; the old outputs are the olds.
    expect(vol).toMatchObject({ news: { app: UNKNOWN }, olds: { app: "the-app" }, preview: true });
    expect(mach).toMatchObject({ news: { volId: UNKNOWN }, preview: true });
    expect(stepLog(run).filter((s) => !s.endsWith(" ip"))).toEqual([
      "same proj-test",
      "delete-replaced mach",
      "delete-replaced vol",
      "delete-replaced app",
      "replace app",
      "create-replacement app",
      "replace vol",
      "create-replacement vol",
      "same comp",
      "replace mach",
      "create-replacement mach",
    ]);
    expect(run.summary).toEqual({ create: 0, update: 0, replace: 3, delete: 0, same: 3 });
    expect(
      run.steps.find((s) => s.op === "create-replacement" && s.name === "vol")?.replaceKeys,
    ).toEqual(["app"]);
    expect(stack.snapshot.resources.some((r) => r.pendingReplacement || r.pendingDelete)).toBe(
      false,
    );
  });

  it("plans the same cascade in a preview, calling no Delete or Create", async () => {
    const { stack, provider } = cascadeStack();
    await stack.up(program("personal"));
    const mark = provider.calls.length;
    const run = await stack.preview(program("acme"));
    expect(callsSince(provider, mark).filter((c) => /^(create|delete|update)/.test(c))).toEqual([]);
    expect(run.summary).toEqual({ create: 0, update: 0, replace: 3, delete: 0, same: 3 });
    expect(stepLog(run).filter((s) => s.startsWith("delete-replaced"))).toEqual([
      "delete-replaced mach",
      "delete-replaced vol",
      "delete-replaced app",
    ]);
  });

  it("stops the whole chain, before any Delete, at a protected dependent", async () => {
    const { stack, provider } = cascadeStack();
    await stack.up(program("personal", { vol: { protect: true } }));
    const mark = provider.calls.length;
    const run = await stack.up(program("acme", { vol: { protect: true } }));
    const vol = "urn:pulumi:test::proj::fixture:index:Widget::vol";
    const app = "urn:pulumi:test::proj::fixture:index:Widget::app";
    expect(run.errors).toEqual([
      `${app}: unable to replace resource "${vol}" as part of replacing "${app}" as it is currently ` +
        "marked for protection. To unprotect the resource, remove the `protect` flag from the " +
        "resource in your Pulumi program and run `pulumi up`, or use the command:\n" +
        `\`pulumi state unprotect '${vol}'\``,
    ]);
    expect(callsSince(provider, mark)).toEqual([
      "check app",
      "diff app",
      "check app",
      "diff vol",
      "diff mach",
    ]);
  });

  it("never cascades through a plain dependsOn", async () => {
    const { stack, provider } = cascadeStack();
    const only = (org: string) => async (p: ProgramApi) => {
      const app = await p.resource("app", { org });
      await p.resource("ip", { n: 1 }, { dependsOn: [app] });
    };
    await stack.up(only("personal"));
    const mark = provider.log.length;
    await stack.up(only("acme"));
    expect(callsSince(provider, mark)).toEqual([
      "check app",
      "diff app",
      "check app",
      "delete app",
      "create app",
      "check ip",
      "diff ip",
    ]);
  });
});

describe("findDependentCascadeReplacements and DeleteStep.Apply isDeletedWith", () => {
  it("replaces what is deletedWith the root, without its own provider Delete", async () => {
    const { stack, provider } = cascadeStack();
    const withDeleted = (org: string) => async (p: ProgramApi) => {
      const app = await p.resource("app", { org });
      await p.resource("vol", { app: "fixed" }, { deletedWith: app });
    };
    await stack.up(withDeleted("personal"));
    const mark = provider.log.length;
    const run = await stack.up(withDeleted("acme"));
    expect(callsSince(provider, mark)).toEqual([
      "check app",
      "diff app",
      "check app",
      "delete app",
      "create app",
      "check vol",
      "create vol",
    ]);
    expect(stepLog(run)).toContain("delete-replaced vol");
  });
});
