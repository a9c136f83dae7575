/**
 * Every operation runs the code installed now, even on resources an earlier version of that code
 * created: a copy of the project deploys the fixture stack, its FlyApp provider is then edited,
 * and the refresh and the destroy that follow run the edited read and delete.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import type { OperationResult } from "../../engine/engine-types";
import { FlyStack } from "./fly-stack";
import { startEmulatorFixture, worldState } from "./provider-support";

const ROOT = join(__dirname, "..", "..");
const READ_LINE = "[fly:app installed-app] read by the code installed after the create";
const DELETE_LINE = "[fly:app installed-app] deleted by the code installed after the create";

let fx: EmulatorFixture;
let copy: string;
let stack: FlyStack;

/** Replaces `from` with `to` in a file of the copy; fails when `from` is not there. */
function edit(file: string, from: string, to: string): void {
  const path = join(copy, file);
  const text = readFileSync(path, "utf8");
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

const providerLines = (result: OperationResult) =>
  result.logs.filter((entry) => entry.source === "provider").map((entry) => entry.message);

beforeAll(async () => {
  fx = await startEmulatorFixture();
  // The program's and providers' sources, beside the project's installed packages.
  copy = mkdtempSync(join(tmpdir(), "installed-code-"));
  for (const part of ["providers", "rules", "tsconfig.json", "package.json"]) {
    cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  }
  cpSync(join(ROOT, "test", "providers", "fixtures"), join(copy, "test", "providers", "fixtures"), {
    recursive: true,
  });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  stack = new FlyStack("installed", {
    fx,
    appName: "installed-app",
    projectDir: join(copy, "test", "providers", "fixtures", "fly-stack"),
  });
}, 60_000);

afterAll(async () => {
  stack?.remove();
  if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
  await fx?.close();
});

describe("resources created before the installed code changed", () => {
  it("are created by the code installed then", async () => {
    const up = await stack.engine().up();
    expect(up.error).toBeUndefined();
    expect(up.summary.create).toBe(8);
  }, 120_000);

  it("are read and deleted by the code installed now", async () => {
    edit(
      "providers/app/fly-app.ts",
      "async read(id: string, props?: FlyAppOutputs) {",
      `async read(id: string, props?: FlyAppOutputs) {\n    process.stderr.write(${JSON.stringify(READ_LINE)} + "\\n");`,
    );
    edit(
      "providers/app/fly-app.ts",
      "progress(`deleting app ${id} of ${props.org}`);",
      `process.stderr.write(${JSON.stringify(DELETE_LINE)} + "\\n");`,
    );
    const refreshed = await stack.engine().refresh();
    expect(refreshed.error).toBeUndefined();
    expect(providerLines(refreshed)).toContain(READ_LINE);
    const destroyed = await stack.engine().destroy();
    expect(destroyed.error).toBeUndefined();
    expect(providerLines(destroyed)).toContain(DELETE_LINE);
    expect((await worldState(fx)).apps).toEqual({});
  }, 180_000);
});
