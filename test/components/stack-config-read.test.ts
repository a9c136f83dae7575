import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONFIG_KEYS,
  StackConfigError,
  readGatewayStackConfig,
} from "../../components/stack-config";
import { readStackFile } from "../../engine/stack-files";
import { unwrap } from "./support/recording-mocks";

const ROOT = join(__dirname, "..", "..");
const stackValues = (stack: string) => readStackFile(ROOT, "openclaw-fly", stack).plain;
const KNOWN_KEYS =
  "appName, org, regions, mode, flycast, vmSize, memoryMb, allowLowMemory, volumeSizeGb, " +
  "image, build, gatewayToken, providerKeys, channelTokens, openclaw, extraEnv, healthCheck, " +
  "healthTimeoutSeconds, rollout, retainVolumes, snapshotBeforeDelete, flyApiUrl, flyApiToken, " +
  "providerTuning";
const MINIMAL = { "openclaw-fly:appName": "my-claw", "openclaw-fly:regions": '["iad"]' };

afterEach(() => pulumi.runtime.setAllConfig({}, []));

describe("readGatewayStackConfig", () => {
  it("reads the dev stack into gateway arguments, leaving unset keys to the defaults", () => {
    pulumi.runtime.setAllConfig(stackValues("dev"), []);
    expect(readGatewayStackConfig()).toEqual({
      appName: "my-openclaw-dev",
      org: "personal",
      regions: ["iad"],
      mode: "public",
      vmSize: "shared-cpu-1x",
      memoryMb: 1024,
      volumeSizeGb: 1,
      rollout: "canary",
      retainVolumes: true,
    });
  });

  it("reads objects of the prod stack as typed values", () => {
    pulumi.runtime.setAllConfig(stackValues("prod"), []);
    const args = readGatewayStackConfig();
    expect(args.regions).toEqual(["iad", "ams"]);
    expect(args.mode).toBe("private");
    expect(args.flycast).toBe(false);
    expect(args.openclaw).toEqual({
      agents: {
        defaults: {
          model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] },
          maxConcurrent: 4,
        },
      },
    });
  });

  it("returns secrets as secret Outputs and keeps map names plain", async () => {
    const token = "0123456789abcdef0123456789abcdef";
    pulumi.runtime.setAllConfig(
      {
        ...MINIMAL,
        "openclaw-fly:gatewayToken": token,
        "openclaw-fly:providerKeys": '{"ANTHROPIC_API_KEY":"sk-ant-1","OPENAI_API_KEY":"sk-2"}',
        "openclaw-fly:channelTokens": '{"TELEGRAM_BOT_TOKEN":"123:abc"}',
        "openclaw-fly:flyApiToken": "fly-token",
      },
      ["openclaw-fly:gatewayToken", "openclaw-fly:providerKeys", "openclaw-fly:channelTokens"],
    );
    const args = readGatewayStackConfig();
    expect(Object.keys(args).sort()).toEqual([
      "appName",
      "channelTokens",
      "gatewayToken",
      "org",
      "providerKeys",
      "regions",
    ]);
    expect(await unwrap(args.gatewayToken as pulumi.Output<string>)).toEqual({
      value: token,
      secret: true,
    });
    const keys = args.providerKeys as Record<string, pulumi.Output<string>>;
    expect(Object.keys(keys)).toEqual(["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]);
    expect(await unwrap(keys.OPENAI_API_KEY)).toEqual({ value: "sk-2", secret: true });
    const channels = args.channelTokens as Record<string, pulumi.Output<string>>;
    expect(await unwrap(channels.TELEGRAM_BOT_TOKEN)).toEqual({ value: "123:abc", secret: true });
  });

  it("throws one StackConfigError listing every problem, without quoting secret values", () => {
    const secretValue = "sk-do-not-print";
    pulumi.runtime.setAllConfig(
      {
        "openclaw-fly:regions": '["iad","iad"]',
        "openclaw-fly:providerKeys": `{"bad name":"${secretValue}"}`,
        "openclaw-fly:volume": "3",
      },
      ["openclaw-fly:providerKeys"],
    );
    let caught: unknown;
    try {
      readGatewayStackConfig();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StackConfigError);
    expect(pulumi.RunError.isInstance(caught)).toBe(true);
    const message = (caught as Error).message;
    expect(message).toBe(
      [
        "Stack config is invalid (4 problems):",
        `- openclaw-fly:volume: unknown config key (known: ${KNOWN_KEYS})`,
        "- openclaw-fly:appName: is required",
        '- openclaw-fly:regions[1]: "iad" is listed more than once',
        '- openclaw-fly:providerKeys["bad name"]: must be an upper-case environment variable ' +
          "name matching ^[A-Z][A-Z0-9_]*$",
      ].join("\n"),
    );
    expect(message).not.toContain(secretValue);
  });
});

/** The README's Configuration section: from its heading to the next second-level heading. */
function configurationSection(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Configuration\n");
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end);
}

describe("the README's configuration table", () => {
  it("documents every config key the program reads, and no other", () => {
    const text = configurationSection();
    const documented = [...text.matchAll(/^\| `([A-Za-z]+)` /gm)].map((match) => match[1]);
    expect(documented).toEqual(Object.keys(CONFIG_KEYS));
  });

  it("calls exactly the secret keys secret", () => {
    const text = configurationSection();
    const documented = [...text.matchAll(/^\| `([A-Za-z]+)` +\| secret /gm)].map((m) => m[1]);
    const secretKeys = Object.entries(CONFIG_KEYS)
      .filter(([, spec]) => "secret" in spec && spec.secret)
      .map(([key]) => key);
    expect(documented).toEqual(secretKeys);
    expect(secretKeys).toEqual(["gatewayToken", "providerKeys", "channelTokens", "flyApiToken"]);
  });
});
