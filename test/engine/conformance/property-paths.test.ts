/**
 * Property paths and ignoreChanges: sdk/go/common/resource/properties_path.go (`parsePropertyPath`,
 * `Contains`, `Reset`) and step_generator.go `processIgnoreChanges` (scenario 6-A of the porting
 * spec).
 */
import { describe, expect, it } from "vitest";
import { ignoreChangesMessage, processIgnoreChanges } from "../../../engine/ignore-changes";
import { formatPropertyPath, parsePropertyPath, pathContains } from "../../../engine/property-path";
import { makeSecret, type PropertyMap } from "../../../engine/property-values";
import { widgetStack } from "./widgets";

describe("parsePropertyPath", () => {
  it.each([
    ["a.b", ["a", "b"]],
    ["a[0].b", ["a", 0, "b"]],
    ['["a.b"]', ["a.b"]],
    ["tags[*]", ["tags", "*"]],
    ["tags.*", ["tags", "*"]],
    ['a["x\\"y"]', ["a", 'x"y']],
    ["foo-bar", ["foo-bar"]],
    ["#initerror", ["#initerror"]],
    ["a.[0]", ["a", 0]],
    ["", []],
  ])("parses %s", (text, path) => {
    expect(parsePropertyPath(text)).toEqual(path);
  });

  it.each([
    [".a", "expected property path to start with a name or index"],
    ["a.", "expected property path to end with a name or index"],
    ["a[", "missing closing bracket in array index"],
    ['a["b', "missing closing quote in property name"],
    ["a[x]", 'invalid array index: "x"'],
  ])("refuses %s", (text, message) => {
    expect(() => parsePropertyPath(text)).toThrow(message);
  });

  it("prints paths back as PropertyPath.String does", () => {
    expect(formatPropertyPath(["a", 0, "b.c", "d"])).toBe('a[0]["b.c"].d');
  });

  it("contains what lies below it, * matching any one component", () => {
    expect(pathContains(["foo", "bar", 1], ["foo", "bar", 1, "baz"])).toBe(true);
    expect(pathContains(["foo", "*", "baz"], ["foo", "bar", "baz", "bam"])).toBe(true);
    expect(pathContains(["*"], ["anything"])).toBe(true);
    expect(pathContains(["a", "b"], ["a"])).toBe(false);
    expect(pathContains([0], ["0"])).toBe(false);
  });
});

describe("processIgnoreChanges", () => {
  it.each<[string, PropertyMap, PropertyMap, string, PropertyMap, string[]]>([
    [
      "a nested key",
      { a: { b: 1, c: 2 } },
      { a: { b: 9, c: 3 } },
      "a.b",
      { a: { b: 1, c: 3 } },
      [],
    ],
    ["a key the old inputs lack", {}, { x: 5 }, "x", {}, []],
    [
      "an index only one side has",
      { l: [1, 2] },
      { l: [1, 2, 3] },
      "l[2]",
      { l: [1, 2, 3] },
      ["l[2]"],
    ],
    ["a quoted key", { "a.b": 1 }, { "a.b": 2 }, '["a.b"]', { "a.b": 1 }, []],
    ["a wildcard", { m: { p: 1, q: 2 } }, { m: { p: 9, r: 3 } }, "m.*", { m: { p: 1, q: 2 } }, []],
    [
      "into an old secret",
      { s: makeSecret({ k: 1 }) },
      { s: { k: 2 } },
      "s.k",
      { s: { k: makeSecret(1) } },
      [],
    ],
    [
      "inside a new secret",
      { s: { k: 1 } },
      { s: makeSecret({ k: 2, j: 3 }) },
      "s.k",
      { s: makeSecret({ k: 1, j: 3 }) },
      [],
    ],
    ["an unparsable path (skipped)", { a: 1 }, { a: 2 }, "a[", { a: 2 }, []],
  ])("resets %s", (_what, olds, news, path, expected, invalid) => {
    const result = processIgnoreChanges(news, olds, [path]);
    expect(result).toEqual({ inputs: expected, invalidPaths: invalid });
  });

  it("leaves the program's own inputs untouched", () => {
    const news = { a: { b: 9 } };
    processIgnoreChanges(news, { a: { b: 1 } }, ["a.b"]);
    expect(news).toEqual({ a: { b: 9 } });
  });

  it("reports the paths it could not reset, Go %q of the joined list", () => {
    expect(ignoreChangesMessage(["l[2]", 'x["y"]'])).toBe(
      'cannot ignore changes in added or removed elements of the path: "l[2], x[\\"y\\"]"',
    );
  });

  it("sends Check the ignore-reset inputs and reports unresettable paths as info, carrying on", async () => {
    const { stack, provider } = widgetStack();
    await stack.up(async (p) => void (await p.resource("w", { list: [1, 2], size: 1 })));
    const mark = provider.calls.length;
    const run = await stack.up(
      async (p) =>
        void (await p.resource(
          "w",
          { list: [1, 2, 3], size: 2 },
          { ignoreChanges: ["list[2]", "size"] },
        )),
    );
    expect(provider.calls[mark]).toMatchObject({
      method: "check",
      news: { list: [1, 2, 3], size: 1 },
    });
    expect(run.logs).toContainEqual({
      severity: "info",
      message: 'cannot ignore changes in added or removed elements of the path: "list[2]"',
      urn: "urn:pulumi:test::proj::fixture:index:Widget::w",
      source: "engine",
    });
    expect(run.ok).toBe(true);
  });
});
