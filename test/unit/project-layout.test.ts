import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

/** Every tracked-looking source file below `dir` (node_modules and state directories aside). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (["node_modules", ".git", ".pulumi-offline", "bin"].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cjs|js)$/.test(entry.name) ? [path] : [];
  });
}

const files = sourceFiles(root).map((path) => relative(root, path));

/** The project-relative files `file` imports or requires by a relative path. */
function localImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [
    ...text.matchAll(/(?:from|import|require\()\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g),
  ].map((match) => match[1]);
  return specifiers.map((specifier) => relative(root, resolve(root, dirname(file), specifier)));
}

/** Files of `from` that import anything under one of `rooms`, as `file -> target`. */
function crossings(from: (file: string) => boolean, rooms: readonly string[]): string[] {
  return files.filter(from).flatMap((file) =>
    localImports(file)
      .filter((target) => rooms.some((room) => target === room || target.startsWith(`${room}/`)))
      .map((target) => `${file} -> ${target}`),
  );
}

const under = (room: string) => (file: string) => file.startsWith(`${room}/`);

describe("project layout", () => {
  it("declares the Pulumi project openclaw-fly on the nodejs runtime", () => {
    const project = readFileSync(join(root, "Pulumi.yaml"), "utf8");
    expect(project).toMatch(/^name: openclaw-fly$/m);
    expect(project).toMatch(/^ {2}name: nodejs$/m);
  });

  it("gives no two source files the same name but the program's index.ts", () => {
    const byName = new Map<string, string[]>();
    for (const file of files)
      byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
    const shared = [...byName.values()].filter((paths) => paths.length > 1);
    expect(shared).toEqual([]);
    expect(byName.get("index.ts")).toEqual(["index.ts"]);
  });

  it("keeps the flow one way: nothing outside test/ imports test/", () => {
    expect(crossings((file) => !file.startsWith("test/"), ["test"])).toEqual([]);
  });

  it("keeps providers/ from the program's rooms, and the client and the rules to themselves", () => {
    expect(crossings(under("providers"), ["components", "stack-config", "index.ts"])).toEqual([]);
    const outsideClient = crossings(under("providers/fly-client"), [
      "providers/app",
      "providers/certificate",
      "providers/ip-address",
      "providers/machine",
      "providers/provider-kit",
      "providers/secrets",
      "providers/token",
      "providers/volume",
      "rules",
      "components",
    ]);
    expect(outsideClient).toEqual([]);
    expect(
      crossings(under("rules"), ["providers", "components", "stack-config", "engine", "emulator"]),
    ).toEqual([]);
    expect(crossings(under("components"), ["stack-config"])).toEqual([]);
  });

  it("sees the imports it checks", () => {
    expect(localImports("index.ts")).toContain("components/gateway");
    expect(crossings(under("components"), ["providers"]).length).toBeGreaterThan(5);
  });
});
