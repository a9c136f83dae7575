import { describe, expect, it } from "vitest";
import { imageReferenceProblem, splitImageReference } from "../../components/image-reference";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const ADVICE = "pin a version tag (e.g. ghcr.io/openclaw/openclaw:2026.9.6) or an @sha256: digest";

describe("splitImageReference", () => {
  it.each([
    ["ghcr.io/openclaw/openclaw:2026.9.6", { name: "ghcr.io/openclaw/openclaw", tag: "2026.9.6" }],
    ["openclaw/openclaw", { name: "openclaw/openclaw" }],
    ["localhost:5000/claw", { name: "localhost:5000/claw" }],
    ["localhost:5000/claw:v1", { name: "localhost:5000/claw", tag: "v1" }],
    [`claw@${DIGEST}`, { name: "claw", digest: DIGEST }],
    [`claw:1.0@${DIGEST}`, { name: "claw", tag: "1.0", digest: DIGEST }],
  ])("splits %s", (image, parts) => {
    expect(splitImageReference(image)).toEqual(parts);
  });
});

describe("imageReferenceProblem", () => {
  it.each([
    "ghcr.io/openclaw/openclaw:2026.9.6",
    "ghcr.io/openclaw/openclaw:2026.9.1-beta.1",
    "ghcr.io/openclaw/openclaw:2026.8.1-r20260820",
    "ghcr.io/openclaw/openclaw:2026.7.1-2-slim",
    "openclaw/openclaw:2026.9.6",
    `ghcr.io/openclaw/openclaw@${DIGEST}`,
    `ghcr.io/openclaw/openclaw:latest@${DIGEST}`,
    "registry.fly.io/my-claw:deployment-01HXYZ",
    "localhost:5000/my/claw:v2",
    "my-org/claw:main",
  ])("accepts the pinned reference %s", (image) => {
    expect(imageReferenceProblem(image)).toBeUndefined();
  });

  it.each([
    ["ghcr.io/openclaw/openclaw", `"ghcr.io/openclaw/openclaw" has no tag; ${ADVICE}`],
    ["localhost:5000/claw", `"localhost:5000/claw" has no tag; ${ADVICE}`],
    [
      "ghcr.io/openclaw/openclaw:latest",
      `"ghcr.io/openclaw/openclaw:latest" uses the moving tag "latest"; ${ADVICE}`,
    ],
    ["my-org/claw:latest", `"my-org/claw:latest" uses the moving tag "latest"; ${ADVICE}`],
    [
      "ghcr.io/openclaw/openclaw:main",
      `"ghcr.io/openclaw/openclaw:main" uses the moving tag "main"; ${ADVICE}`,
    ],
    [
      "openclaw/openclaw:extended-stable-browser",
      `"openclaw/openclaw:extended-stable-browser" uses the moving tag "extended-stable-browser"; ${ADVICE}`,
    ],
    [
      "docker.io/openclaw/openclaw:slim",
      `"docker.io/openclaw/openclaw:slim" uses the moving tag "slim"; ${ADVICE}`,
    ],
  ])("refuses the unpinned reference %s", (image, problem) => {
    expect(imageReferenceProblem(image)).toBe(problem);
  });

  it.each([
    "",
    "GHCR.io/OpenClaw/OpenClaw:1",
    "claw:",
    "claw:bad tag",
    "claw@sha256:abc",
    `claw@md5:${"0".repeat(32)}`,
    "/claw:1",
  ])("refuses the malformed reference %j", (image) => {
    expect(imageReferenceProblem(image)).toBe(
      `${JSON.stringify(image)} is not an image reference (registry/repository:tag or repository@sha256:<64 hex digits>)`,
    );
  });
});
