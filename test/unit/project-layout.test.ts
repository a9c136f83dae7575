import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

describe("project layout", () => {
  it("declares the Pulumi project openclaw-fly on the nodejs runtime", () => {
    const project = readFileSync(join(root, "Pulumi.yaml"), "utf8");
    expect(project).toMatch(/^name: openclaw-fly$/m);
    expect(project).toMatch(/^ {2}name: nodejs$/m);
  });
});
