/**
 * What the CLI prints, colours and timings left out: display/rows.go (`getDiffInfo`,
 * `writeShortDiff`), progress.go (`getStepDoneDescription`, `getPreviewDoneText`), diff.go
 * (`renderSummaryEvent`, `renderDiff`) and object_diff.go (the property printer), scenario 11-A.
 */
import { describe, expect, it } from "vitest";
import { DiffView } from "../../../engine/diff-view";
import type { OperationResult, ResourceState, StepRecord } from "../../../engine/engine-types";
import { formatStep, formatSummary, shortDiff } from "../../../engine/plan-output";
import { makeSecret, UNKNOWN } from "../../../engine/property-values";
import { rowDiff } from "../../../engine/resource-diff";
import { widgetStack } from "./widgets";

const TYPE = "pulumi-nodejs:dynamic:Resource";
const URN = `urn:pulumi:dev::proj::${TYPE}::data`;
const STACK = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";

function step(op: StepRecord["op"], extra: Partial<StepRecord> = {}): StepRecord {
  return {
    op,
    urn: URN,
    type: TYPE,
    name: "data",
    changedKeys: [],
    replaceKeys: [],
    deleteBeforeReplace: false,
    startedAt: 0,
    finishedAt: 0,
    ...extra,
  };
}

function state(inputs: ResourceState["inputs"], extra: Partial<ResourceState> = {}): ResourceState {
  return {
    urn: URN,
    type: TYPE,
    custom: true,
    id: "vol_1",
    parent: STACK,
    inputs,
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    additionalSecretOutputs: [],
    ...extra,
  };
}

describe("getDiffInfo and writeShortDiff", () => {
  it("lists added, deleted and updated input keys, internal ones left out (11-A)", () => {
    const keys = rowDiff(
      false,
      { a: 1, b: 2, __provider: "x" },
      { a: 1, c: 3, b: 5, __provider: "y" },
      undefined,
      false,
    );
    expect(shortDiff(step("update", { diff: keys }))).toBe("diff: +c~b");
    expect(
      rowDiff(false, { a: 1, __provider: "x" }, { a: 1, __provider: "y" }, undefined, false),
    ).toEqual({
      added: [],
      deleted: [],
      updated: [],
    });
  });

  it("shows a protect flip even on a same step, and nothing else of it", () => {
    expect(rowDiff(true, { a: 1 }, { a: 2 }, undefined, true).updated).toEqual(["protect"]);
  });

  it("reads the row keys from the engine's own detailed diff, internal keys included, when there is one", async () => {
    const { stack } = widgetStack();
    await stack.up(async (p) => void (await p.resource("w", { a: 1, __provider: "v1" })));
    const run = await stack.up(
      async (p) => void (await p.resource("w", { a: 1, b: 2, __provider: "v2" })),
    );
    expect(shortDiff(run.steps[1]!)).toBe("diff: +b~__provider");
  });
});

describe("progress rows", () => {
  it.each([
    [step("create"), false, ` +  ${TYPE} data created`],
    [
      step("update", { diff: { added: [], deleted: [], updated: ["size"] } }),
      false,
      ` ~  ${TYPE} data updated [diff: ~size]`,
    ],
    [step("replace"), false, ` +- ${TYPE} data replaced`],
    [step("create-replacement"), false, ` ++ ${TYPE} data created replacement`],
    [step("delete-replaced"), false, ` -- ${TYPE} data deleted original`],
    [step("delete"), false, ` -  ${TYPE} data deleted`],
    [step("same"), false, `    ${TYPE} data`],
    [step("import", { error: "x" }), false, ` =  ${TYPE} data **importing failed**`],
    [step("create", { error: "x" }), false, ` +  ${TYPE} data **creating failed**`],
    [step("create-replacement"), true, ` ++ ${TYPE} data replace`],
    [step("update"), true, ` ~  ${TYPE} data update`],
  ])("prints %o (preview %s) as the CLI does", (record, planning, line) => {
    expect(formatStep(record, planning)).toBe(line);
  });
});

describe("renderSummaryEvent", () => {
  const result = (
    operation: OperationResult["operation"],
    summary: OperationResult["summary"],
    steps: StepRecord[] = [],
  ) =>
    ({
      operation,
      ok: true,
      summary,
      steps,
      outputs: {},
      logs: [],
      durationMs: 1_200,
    }) as OperationResult;

  it("lists each kind of change, the total when there are several, and the unchanged", () => {
    expect(
      formatSummary(result("preview", { create: 3, update: 1, replace: 1, delete: 1, same: 2 })),
    ).toEqual([
      "Resources:",
      "    + 3 to create",
      "    ~ 1 to update",
      "    - 1 to delete",
      "    +-1 to replace",
      "    6 changes. 2 unchanged",
    ]);
  });

  it("says past tense after an update, counts errored resources, and ends with the duration in whole seconds", () => {
    const failed = [step("create", { error: "boom" })];
    expect(
      formatSummary(result("up", { create: 0, update: 0, replace: 1, delete: 0, same: 0 }, failed)),
    ).toEqual(["Resources:", "    +-1 replaced", "    1 errored", "", "Duration: 2s"]);
  });
});

describe("renderDiff (--diff)", () => {
  const stackStep = { ...step("same"), urn: STACK, type: "pulumi:pulumi:Stack", name: "proj-dev" };
  const stackState = { ...state({}), urn: STACK, type: "pulumi:pulumi:Stack", parent: "", id: "" };

  function render(record: StepRecord, old?: ResourceState, next?: ResourceState): string[] {
    const view = new DiffView(true);
    view.render(stackStep, stackState, stackState);
    return view.render(record, old, next);
  }

  it("prints an update as old => new per property, unchanged ones plain, aligned on the longest key", () => {
    expect(
      render(step("update"), state({ name: "data", size: 1 }), state({ name: "data", size: 2 })),
    ).toEqual([
      `    ~ ${TYPE}: (update)`,
      "        [id=vol_1]",
      `        [urn=${URN}]`,
      '        name: "data"',
      "      ~ size: 1 => 2",
    ]);
  });

  it("prints secrets as [secret], unknowns as [unknown], additions and removals with + and -", () => {
    const old = state({ token: makeSecret("a"), volId: "vol_1", legacy: true });
    const next = state({ token: makeSecret("b"), volId: UNKNOWN, tags: ["x"] });
    expect(render(step("replace"), old, next)).toEqual([
      `    +-${TYPE}: (replace)`,
      "        [id=vol_1]",
      `        [urn=${URN}]`,
      "      - legacy: true",
      "      + tags  : [",
      '      +     [0]: "x"',
      "        ]",
      "      ~ token : [secret] => [secret]",
      '      ~ volId : "vol_1" => [unknown]',
    ]);
  });

  it("prints a create's inputs, aligned with its internal keys counted but not shown, and hides sames", () => {
    const next = state({ name: "data", __provider: "exports.handler = ..." }, { id: "" });
    expect(render(step("create"), undefined, next)).toEqual([
      `    + ${TYPE}: (create)`,
      `        [urn=${URN}]`,
      '        name      : "data"',
    ]);
    expect(render(step("same"), state({ a: 1 }), state({ a: 1 }))).toEqual([]);
    expect(render(step("create-replacement"), state({ a: 1 }), state({ a: 2 }))).toEqual([]);
  });

  it("prints strings holding JSON as a nested diff", () => {
    const old = state({ config: '{"port":3000,"mode":"local"}' });
    const next = state({ config: '{"port":3001,"mode":"local"}' });
    expect(render(step("update"), old, next).slice(3)).toEqual([
      "      ~ config: (json) {",
      '            mode: "local"',
      "          ~ port: 3000 => 3001",
      "        }",
    ]);
  });
});
