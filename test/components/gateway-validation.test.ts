import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../components/validation";
import { useGatewayHarness, type GatewayArgs } from "./support/gateway-harness";

// Bad arguments: one ValidationError listing every problem, thrown before anything registers.
const harness = useGatewayHarness();
const recorder = () => harness.recorder;

let context: string;
beforeAll(() => {
  context = mkdtempSync(join(tmpdir(), "gateway-validation-"));
});
afterAll(() => rmSync(context, { recursive: true, force: true }));

const base = (change: Partial<GatewayArgs> = {}): GatewayArgs => ({
  appName: "my-claw",
  org: "personal",
  regions: ["iad", "ams", "sin"],
  gatewayToken: "given-token-0123456789abcdef",
  ...change,
});

describe("validation first", () => {
  it("throws one ValidationError listing every problem and registers nothing", async () => {
    let caught: unknown;
    try {
      new harness.gateways.OpenClawGateway(
        "bad",
        base({
          regions: ["iad", "mars"],
          memoryMb: 768,
          image: "ghcr.io/openclaw/openclaw:latest",
          gatewayToken: "short",
        }),
      );
    } catch (error) {
      caught = error;
    }
    await recorder().settled();
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems).toHaveLength(4);
    expect((caught as Error).message).toBe(
      [
        "OpenClawGateway arguments are invalid (4 problems):",
        '- regions[1]: unknown Fly region "mars" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
        '- image: "ghcr.io/openclaw/openclaw:latest" uses the moving tag "latest"; pin a version tag (e.g. ghcr.io/openclaw/openclaw:2026.9.6) or an @sha256: digest',
        "- gatewayToken: must be at least 24 characters (generate one with: openssl rand -hex 32)",
        "- memoryMb: the OpenClaw gateway needs at least 1536 MB to run with headroom; 2048 MB is recommended (set allowLowMemory: true to accept the risk), got 768",
      ].join("\n"),
    );
    expect(recorder().resources).toEqual([]);
  });

  it("names a build context that does not exist, with the other problems", async () => {
    const missing = join(context, "missing");
    expect(
      () =>
        new harness.gateways.OpenClawGateway(
          "nobuild",
          base({ build: { context: missing }, volumeSizeGb: 0 }),
        ),
    ).toThrow(
      [
        "OpenClawGateway arguments are invalid (2 problems):",
        "- volumeSizeGb: must be from 1 to 500 GB",
        `- build.context: no directory at ${JSON.stringify(missing)}`,
      ].join("\n"),
    );
    await recorder().settled();
    expect(recorder().resources).toEqual([]);
  });

  it("checks the names of secrets given as Outputs, and leaves their text to where it was read", async () => {
    const args = base({
      regions: ["iad"],
      gatewayToken: pulumi.secret("short-but-already-checked"),
      providerKeys: { openai_api_key: pulumi.secret("") },
    });
    expect(() => new harness.gateways.OpenClawGateway("outputs", args)).toThrow(
      [
        "OpenClawGateway arguments are invalid (1 problem):",
        "- providerKeys.openai_api_key: must be an upper-case environment variable name matching ^[A-Z][A-Z0-9_]*$",
      ].join("\n"),
    );
    await recorder().settled();
    expect(recorder().resources).toEqual([]);
  });
});
