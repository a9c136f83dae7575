/**
 * Each fact is written once. The program's source and the scripts that drive it (everything but
 * tests, the emulator, which models Fly on its own, and the offline engine, which models Pulumi)
 * are parsed with TypeScript's own parser, and:
 * - every list of three or more literal values, and every object of two or more literal-valued
 *   properties, is a table: no table may stand in two places;
 * - each of the facts below, as a whole literal, stands only in the file that owns it;
 * - no source spells a config key with the project's namespace.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const SOURCE_DIRS = ["components", "providers", "rules", "scripts", "stack-config"];

/** Facts and the one file each may be written in (as a whole string or number literal). */
const FACTS: readonly [value: string | number, home: string][] = [
  ["personal", "rules/deployment-defaults.ts"],
  ["ghcr.io/openclaw/openclaw:2026.9.6", "rules/deployment-defaults.ts"],
  ["2m", "rules/deployment-defaults.ts"],
  ["15s", "rules/deployment-defaults.ts"],
  [600, "rules/deployment-defaults.ts"],
  [3600, "rules/deployment-defaults.ts"],
  ["yyz", "rules/fly-regions.ts"],
  ["shared-cpu-2x", "components/vm-sizes.ts"],
  ["flyApiToken", "rules/provider-config-keys.ts"],
  ["flyApiUrl", "rules/provider-config-keys.ts"],
  ["providerTuning", "rules/provider-config-keys.ts"],
  ["FLY_API_TOKEN", "rules/provider-config-keys.ts"],
  ["Dockerfile", "components/gateway-argument-rules.ts"],
  ["openclaw-fly/managed", "providers/machine/machine-normal-form.ts"],
];

interface Literal {
  file: string;
  line: number;
  value: string | number;
}

interface Table {
  file: string;
  line: number;
  key: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function literalValue(node: ts.Node): string | number | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  return undefined;
}

/** Every whole literal and every table in the program's source. */
function scan(): { literals: Literal[]; tables: Table[] } {
  const literals: Literal[] = [];
  const tables: Table[] = [];
  const files = [
    join(ROOT, "index.ts"),
    ...SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))),
  ];
  for (const path of files) {
    const file = relative(ROOT, path);
    const text = readFileSync(path, "utf8");
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
    const lineOf = (node: ts.Node) =>
      source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const visit = (node: ts.Node): void => {
      // Import paths and property names are addresses, not facts.
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
      const value = literalValue(node);
      // A table's keys are its names; its values are the facts.
      const isKey =
        node.parent !== undefined &&
        ts.isPropertyAssignment(node.parent) &&
        node.parent.name === node;
      if (value !== undefined && !isKey) literals.push({ file, line: lineOf(node), value });
      if (ts.isArrayLiteralExpression(node)) {
        const values = node.elements.map(literalValue);
        if (values.length >= 3 && values.every((v) => v !== undefined)) {
          tables.push({ file, line: lineOf(node), key: JSON.stringify(values) });
        }
      }
      if (ts.isObjectLiteralExpression(node)) {
        const pairs = node.properties.map((property) =>
          ts.isPropertyAssignment(property)
            ? [property.name.getText(source), literalValue(property.initializer)]
            : [undefined, undefined],
        );
        if (
          pairs.length >= 2 &&
          pairs.every(([name, v]) => name !== undefined && v !== undefined)
        ) {
          tables.push({ file, line: lineOf(node), key: JSON.stringify(pairs) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { literals, tables };
}

const { literals, tables } = scan();

describe("each fact written once", () => {
  it("has no table twice in the program's source", () => {
    const places = new Map<string, string[]>();
    for (const table of tables) {
      places.set(table.key, [...(places.get(table.key) ?? []), `${table.file}:${table.line}`]);
    }
    const repeated = [...places.entries()].filter(([, where]) => where.length > 1);
    expect(repeated).toEqual([]);
  });

  it.each(FACTS)("writes %j only in %s", (value, home) => {
    const where = literals
      .filter((literal) => literal.value === value)
      .map((literal) => literal.file);
    expect(where.length).toBeGreaterThan(0);
    expect([...new Set(where)]).toEqual([home]);
  });

  it("never spells a config key with the project's namespace", () => {
    const namespaced = literals
      .filter(
        (literal) =>
          typeof literal.value === "string" && /^openclaw-fly:[A-Za-z]+$/.test(literal.value),
      )
      .map((literal) => `${literal.file}:${literal.line}`);
    expect(namespaced).toEqual([]);
  });

  it("finds tables where they are (the scan sees what it checks)", () => {
    const regions = tables.filter((table) => table.key.includes('"yyz"'));
    expect(regions.map((table) => table.file)).toEqual(["rules/fly-regions.ts"]);
    expect(tables.length).toBeGreaterThan(10);
  });
});
