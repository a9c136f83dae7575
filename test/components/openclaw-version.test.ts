import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  compareVersions,
  isSupportedVersion,
  supportedVersions,
  versionOfBuild,
  versionOfImage,
} from "../../components/openclaw-version";

describe("versionOfImage", () => {
  it.each([
    ["ghcr.io/openclaw/openclaw:2026.9.6", "2026.9.6"],
    ["openclaw/openclaw:2026.9.5", "2026.9.5"],
    ["ghcr.io/openclaw/openclaw:2026.9.6-browser", "2026.9.6"],
    ["ghcr.io/openclaw/openclaw:2026.8.1-r20260820-slim", "2026.8.1"],
    ["ghcr.io/openclaw/openclaw:2026.9.1-beta.1", "2026.9.1-beta.1"],
    [`ghcr.io/openclaw/openclaw:2026.9.6@sha256:${"a".repeat(64)}`, "2026.9.6"],
    ["registry.fly.io/my-claw:2026.9.6-signal", "2026.9.6"],
    ["localhost:5000/claw:2026.9.6", "2026.9.6"],
  ])("reads %s as %s", (image, version) => {
    expect(versionOfImage(image)).toEqual({ version });
  });

  it("cannot tell the version of a digest alone or a tag without one", () => {
    expect(versionOfImage(`ghcr.io/openclaw/openclaw@sha256:${"b".repeat(64)}`)).toEqual({
      unknown: `image "ghcr.io/openclaw/openclaw@sha256:${"b".repeat(64)}" is pinned by digest alone; put the version in the tag, e.g. ghcr.io/openclaw/openclaw:2026.9.6@sha256:${"b".repeat(64)}`,
    });
    expect(versionOfImage("registry.fly.io/my-claw:deployment-01J")).toEqual({
      unknown:
        'image "registry.fly.io/my-claw:deployment-01J" has a tag ("deployment-01J") that does not start with an OpenClaw version; put the version in the tag, e.g. registry.fly.io/my-claw:2026.9.6',
    });
  });
});

describe("versionOfBuild", () => {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-build-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the version of the openclaw checkout being built", () => {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "openclaw", version: "2026.9.6" }),
    );
    expect(versionOfBuild(dir)).toEqual({ version: "2026.9.6" });
  });

  it("says why when the context is not an openclaw checkout", () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "other", version: "1.0.0" }));
    expect(versionOfBuild(dir)).toEqual({
      unknown: `${join(dir, "package.json")} is not the openclaw package's manifest`,
    });
    expect(versionOfBuild(join(dir, "missing"))).toEqual({
      unknown: `${join(dir, "missing", "package.json")} cannot be read, so the version being built is unknown`,
    });
  });
});

describe("supported versions", () => {
  it("are the versions with a committed schema, oldest first", () => {
    expect(supportedVersions()).toEqual(["2026.9.5", "2026.9.6"]);
    expect(isSupportedVersion("2026.9.6")).toBe(true);
    expect(isSupportedVersion("2026.9.7")).toBe(false);
  });

  it("order CalVer numerically, a prerelease before its release", () => {
    const sorted = ["2026.10.1", "2026.9.10", "2026.9.2", "2026.9.1-beta.1", "2026.9.1"].sort(
      compareVersions,
    );
    expect(sorted).toEqual(["2026.9.1-beta.1", "2026.9.1", "2026.9.2", "2026.9.10", "2026.10.1"]);
  });
});
