import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../components/validation";
import { readStackFile } from "../../engine/stack-files";
import { CONFIG_KEYS } from "../../stack-config/configuration-table";
import { readGatewayStackConfig } from "../../stack-config/stack-config-reader";
import { unwrap } from "../components/support/recording-mocks";

const ROOT = join(__dirname, "..", "..");
const stackValues = (stack: string) => readStackFile(ROOT, "openclaw-fly", stack).plain;
const KNOWN_KEYS = Object.keys(CONFIG_KEYS).join(", ");
const MINIMAL = { "openclaw-fly:appName": "my-claw", "openclaw-fly:regions": '["iad"]' };

afterEach(() => pulumi.runtime.setAllConfig({}, []));

/** What index.ts reads: the config Pulumi hands the program, in the project's namespace. */
const readProgramConfig = () => readGatewayStackConfig(pulumi.runtime.allConfig(), "openclaw-fly");

describe("readGatewayStackConfig", () => {
  it("reads the dev stack into the gateway's settings, with the defaults of unset keys", () => {
    pulumi.runtime.setAllConfig(stackValues("dev"), []);
    expect(readProgramConfig()).toEqual({
      appName: "my-openclaw-dev",
      org: "personal",
      regions: ["iad"],
      primaryRegion: "iad",
      mode: "public",
      flycast: false,
      domains: [],
      vmSize: "shared-cpu-1x",
      memoryMb: 1536,
      allowLowMemory: false,
      guest: { cpuKind: "shared", cpus: 1, memoryMb: 1536 },
      volumeSizeGb: 1,
      image: "ghcr.io/openclaw/openclaw:2026.9.6",
      rollout: "canary",
      healthCheck: { gracePeriod: "2m", interval: "15s", timeout: "5s" },
      healthTimeoutSeconds: 600,
      retainVolumes: true,
      snapshotBeforeDelete: true,
      upgradeRehearsal: false,
      backups: { retentionDays: 5 },
      restore: {},
      extraEnv: {},
      openclaw: {},
      openclawConfig: {
        gateway: {
          mode: "local",
          port: 3000,
          bind: "lan",
          auth: { mode: "token" },
          controlUi: { allowedOrigins: ["https://my-openclaw-dev.fly.dev"] },
          trustedProxies: ["172.16.0.0/12"],
        },
      },
      openclawWarnings: [],
      providerKeys: {},
      channelTokens: {},
    });
  });

  it("reads objects of the prod stack as typed values", () => {
    pulumi.runtime.setAllConfig(stackValues("prod"), []);
    const args = readProgramConfig();
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
      [
        "openclaw-fly:gatewayToken",
        "openclaw-fly:providerKeys",
        "openclaw-fly:channelTokens",
        "openclaw-fly:flyApiToken",
      ],
    );
    const args = readProgramConfig();
    expect(await unwrap(args.flyApiToken as pulumi.Output<string>)).toEqual({
      value: "fly-token",
      secret: true,
    });
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

  it("throws one ValidationError listing every problem, without quoting secret values", () => {
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
      readProgramConfig();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(pulumi.RunError.isInstance(caught)).toBe(true);
    const message = (caught as Error).message;
    expect(message).toBe(
      [
        "Stack config is invalid (4 problems):",
        `- openclaw-fly:volume: unknown config key (known: ${KNOWN_KEYS})`,
        "- openclaw-fly:appName: is required",
        '- openclaw-fly:regions[1]: "iad" is listed more than once',
        '- openclaw-fly:providerKeys["bad name"]: name "bad name" must start with a letter or ' +
          "underscore and contain only letters, digits and underscores",
      ].join("\n"),
    );
    expect(message).not.toContain(secretValue);
  });
});
