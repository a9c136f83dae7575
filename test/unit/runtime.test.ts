import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};

// `npm test` runs on the Node that `npm ci` installed from the lockfile (the registry's `node`
// package puts it first on the PATH of npm scripts), whatever Node the machine itself has.
describe("the test runtime", () => {
  it("is the Node 24 pinned in package.json", () => {
    expect(manifest.devDependencies.node).toMatch(/^24\.\d+\.\d+$/);
    expect(process.versions.node).toBe(manifest.devDependencies.node);
  });

  it("is also the node that child processes find on the PATH", () => {
    const version = execFileSync("node", ["-p", "process.versions.node"], { encoding: "utf8" });
    expect(version.trim()).toBe(manifest.devDependencies.node);
  });
});
