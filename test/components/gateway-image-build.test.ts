import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  buildCommandLine,
  buildSourceProblem,
  flyctlToken,
  hashBuildContext,
  imageLabel,
} from "../../components/image-build";
import { unwrap } from "./support/recording-mocks";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "image-build-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes a small build context under `root/<name>` and returns its path. */
function context(name: string, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  const all = {
    Dockerfile: "FROM ghcr.io/openclaw/openclaw:2026.9.6\n",
    "app/a.txt": "a",
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("hashBuildContext", () => {
  it("gives the same hash for the same sources in another directory", () => {
    const hash = hashBuildContext(context("one"), "Dockerfile");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashBuildContext(context("two"), "Dockerfile")).toBe(hash);
  });

  it("changes when a file's content, a file's name or the file set changes", () => {
    const base = hashBuildContext(context("base"), "Dockerfile");
    const hashes = [
      hashBuildContext(context("content", { "app/a.txt": "b" }), "Dockerfile"),
      hashBuildContext(context("added", { "app/b.txt": "b" }), "Dockerfile"),
      hashBuildContext(context("moved", { "app/a.txt": "", "a.txt": "a" }), "Dockerfile"),
    ];
    expect(new Set([base, ...hashes]).size).toBe(4);
  });

  it("changes when a file becomes executable or the Dockerfile is another one", () => {
    const dir = context("exec");
    const before = hashBuildContext(dir, "Dockerfile");
    expect(hashBuildContext(dir, "Dockerfile.alt")).not.toBe(before);
    chmodSync(join(dir, "app/a.txt"), 0o755);
    expect(hashBuildContext(dir, "Dockerfile")).not.toBe(before);
  });

  it("hashes a symlink by its target, without following it", () => {
    const dir = context("link");
    symlinkSync("app/a.txt", join(dir, "latest"));
    const linked = hashBuildContext(dir, "Dockerfile");
    rmSync(join(dir, "latest"));
    symlinkSync("Dockerfile", join(dir, "latest"));
    expect(hashBuildContext(dir, "Dockerfile")).not.toBe(linked);
  });

  it("ignores .git, node_modules and .pulumi-offline", () => {
    const base = hashBuildContext(context("plain"), "Dockerfile");
    const noisy = context("noisy", {
      ".git/HEAD": "ref: refs/heads/main\n",
      "node_modules/x/index.js": "module.exports = 1;\n",
      "app/node_modules/y.js": "",
      ".pulumi-offline/dev/state.json": "{}",
    });
    expect(hashBuildContext(noisy, "Dockerfile")).toBe(base);
  });
});

describe("imageLabel and buildCommandLine", () => {
  it("labels the image with the first 16 hex digits of the hash", () => {
    expect(imageLabel("0123456789abcdef".repeat(4))).toBe("src-0123456789abcdef");
  });

  it("builds and pushes with flyctl to the app's registry without deploying", () => {
    const line = buildCommandLine(
      { appName: "my-claw", context: "./image", dockerfile: "Dockerfile" },
      "src-0123456789abcdef",
    );
    expect(line).toBe(
      "flyctl deploy --build-only --push -a my-claw --image-label src-0123456789abcdef " +
        "--dockerfile image/Dockerfile ./image",
    );
  });

  it("quotes paths a shell would split or expand", () => {
    const line = buildCommandLine(
      { appName: "my-claw", context: "my image's src", dockerfile: "docker/$PROD file" },
      "src-1",
    );
    expect(line).toBe(
      "flyctl deploy --build-only --push -a my-claw --image-label src-1 " +
        `--dockerfile 'my image'\\''s src/docker/$PROD file' 'my image'\\''s src'`,
    );
  });
});

describe("buildSourceProblem", () => {
  it("accepts a directory holding the Dockerfile", () => {
    expect(
      buildSourceProblem({ context: context("ok"), dockerfile: "Dockerfile" }),
    ).toBeUndefined();
  });

  it("names a missing context directory", () => {
    const missing = join(root, "missing");
    expect(buildSourceProblem({ context: missing, dockerfile: "Dockerfile" })).toEqual({
      field: "context",
      reason: `no directory at ${JSON.stringify(missing)}`,
    });
  });

  it("names a missing Dockerfile", () => {
    const dir = context("nofile");
    expect(buildSourceProblem({ context: dir, dockerfile: "build/Dockerfile" })).toEqual({
      field: "dockerfile",
      reason: `no file at ${JSON.stringify(join(dir, "build/Dockerfile"))}`,
    });
  });
});

describe("flyctlToken", () => {
  const CONFIG_TOKEN = "fo1_token-from-stack-config";
  const ENV_TOKEN = "fo1_token-from-the-environment";

  it("prefers the token the program read, trimmed, and keeps it secret", async () => {
    const configured = pulumi.secret(` ${CONFIG_TOKEN}\n`);
    const token = flyctlToken(configured, { FLY_API_TOKEN: ENV_TOKEN });
    expect(await unwrap(token!)).toEqual({ value: CONFIG_TOKEN, secret: true });
  });

  it("makes a plain token secret too", async () => {
    expect(await unwrap(flyctlToken(CONFIG_TOKEN, {})!)).toEqual({
      value: CONFIG_TOKEN,
      secret: true,
    });
  });

  it("takes FLY_API_TOKEN from the environment as a secret when the config has none", async () => {
    const token = flyctlToken(undefined, { FLY_API_TOKEN: ` ${ENV_TOKEN} ` });
    expect(await unwrap(token!)).toEqual({ value: ENV_TOKEN, secret: true });
  });

  it("has no token when neither is set, or the variable is blank", () => {
    expect(flyctlToken(undefined, {})).toBeUndefined();
    expect(flyctlToken(undefined, { FLY_API_TOKEN: "  " })).toBeUndefined();
  });
});
