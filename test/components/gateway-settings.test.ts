import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import type { OpenClawGatewayArgs } from "../../components/gateway-arguments";
import {
  isGatewaySettings,
  validateGatewayArgs,
  type GatewaySettings,
} from "../../components/gateway-settings";
import { ValidationError } from "../../components/validation";
import { unwrap } from "./support/recording-mocks";

const MINIMAL = { appName: "my-claw", org: "personal", regions: ["iad"] };

// A build context with a Dockerfile: a build's sources are checked where its arguments are.
const BUILD_CONTEXT = mkdtempSync(join(tmpdir(), "gateway-settings-"));
writeFileSync(join(BUILD_CONTEXT, "Dockerfile"), "FROM scratch\n");
afterAll(() => rmSync(BUILD_CONTEXT, { recursive: true, force: true }));

/** Problems reported for raw (possibly ill-typed) arguments. */
function problemsOf(raw: unknown): readonly string[] {
  try {
    validateGatewayArgs(raw as OpenClawGatewayArgs);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error("expected validateGatewayArgs to throw");
}

const DEFAULTS: GatewaySettings = {
  appName: "my-claw",
  org: "personal",
  regions: ["iad"],
  primaryRegion: "iad",
  mode: "public",
  flycast: false,
  domains: [],
  vmSize: "shared-cpu-2x",
  memoryMb: 2048,
  allowLowMemory: false,
  guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
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
      controlUi: { allowedOrigins: ["https://my-claw.fly.dev"] },
      trustedProxies: ["172.16.0.0/12"],
    },
  },
  openclawWarnings: [],
  providerKeys: {},
  channelTokens: {},
};

describe("validateGatewayArgs defaults", () => {
  it("fills every default from the three required arguments", () => {
    expect(validateGatewayArgs(MINIMAL)).toEqual(DEFAULTS);
  });

  it("fills the organization too when only the two required arguments are given", () => {
    expect(validateGatewayArgs({ appName: "my-claw", regions: ["iad"] })).toEqual(DEFAULTS);
  });

  it("marks the settings it made, frozen, so the component takes them without a second check", () => {
    const settings = validateGatewayArgs(MINIMAL);
    expect(isGatewaySettings(settings)).toBe(true);
    expect(Object.isFrozen(settings)).toBe(true);
    expect(isGatewaySettings({ ...settings })).toBe(false);
  });

  it("keeps every given value and resolves the guest from size and memory", async () => {
    const args: OpenClawGatewayArgs = {
      appName: "claw-prod",
      org: "acme-corp",
      regions: ["fra", "iad", "sin"],
      mode: "private",
      flycast: true,
      vmSize: "performance-2x",
      memoryMb: 8192,
      allowLowMemory: false,
      volumeSizeGb: 20,
      image: "ghcr.io/openclaw/openclaw:2026.9.6@sha256:" + "a".repeat(64),
      rollout: "serial",
      healthCheck: { interval: "30s" },
      healthTimeoutSeconds: 900,
      retainVolumes: false,
      snapshotBeforeDelete: false,
      upgradeRehearsal: true,
      backups: { retentionDays: 30 },
      restore: { iad: { fromRegion: "fra" }, sin: { snapshot: "vs_2ZjJ8Qx0vV1lWnY4" } },
      extraEnv: { OPENCLAW_LOG_LEVEL: "debug" },
      openclaw: { channels: { telegram: { allowFrom: ["42"] } } },
      gatewayToken: "0123456789abcdef0123456789abcdef",
      providerKeys: { ANTHROPIC_API_KEY: "sk-ant-x" },
      channelTokens: { TELEGRAM_BOT_TOKEN: "123:abc" },
      flyApiToken: "fo1_fly-token",
    };
    const { gatewayToken, providerKeys, channelTokens, flyApiToken, ...plain } =
      validateGatewayArgs(args);
    const {
      gatewayToken: _token,
      providerKeys: _keys,
      channelTokens: _channels,
      flyApiToken: _fly,
      ...given
    } = args;
    expect(plain).toEqual({
      ...given,
      domains: [],
      primaryRegion: "fra",
      guest: { cpuKind: "performance", cpus: 2, memoryMb: 8192 },
      healthCheck: { gracePeriod: "2m", interval: "30s", timeout: "5s" },
      openclawConfig: {
        channels: { telegram: { allowFrom: ["42"] } },
        // Flycast requests come through Fly's proxy.
        gateway: {
          mode: "local",
          port: 3000,
          bind: "lan",
          auth: { mode: "token" },
          trustedProxies: ["172.16.0.0/12"],
        },
      },
      openclawWarnings: [],
    });
    // Every secret argument becomes a secret, however it was passed; map names stay plain.
    const secret = (value: unknown) => unwrap(value as pulumi.Output<string>);
    expect(await secret(gatewayToken)).toEqual({ value: args.gatewayToken, secret: true });
    expect(await secret(flyApiToken)).toEqual({ value: "fo1_fly-token", secret: true });
    expect(Object.keys(providerKeys)).toEqual(["ANTHROPIC_API_KEY"]);
    expect(await secret(providerKeys.ANTHROPIC_API_KEY)).toEqual({
      value: "sk-ant-x",
      secret: true,
    });
    expect(await secret(channelTokens.TELEGRAM_BOT_TOKEN)).toEqual({
      value: "123:abc",
      secret: true,
    });
  });

  it.each([
    ["shared-cpu-1x", 2048],
    ["shared-cpu-4x", 2048],
    ["performance-1x", 2048],
    ["performance-4x", 8192],
  ] as const)("defaults memory for %s to %i MB", (vmSize, memoryMb) => {
    expect(validateGatewayArgs({ ...MINIMAL, vmSize }).memoryMb).toBe(memoryMb);
  });

  it("builds from source instead of pulling, with the default Dockerfile", () => {
    const normalized = validateGatewayArgs({ ...MINIMAL, build: { context: BUILD_CONTEXT } });
    expect(normalized.build).toEqual({ context: BUILD_CONTEXT, dockerfile: "Dockerfile" });
    expect("image" in normalized).toBe(false);
  });

  it("accepts low memory only with allowLowMemory", () => {
    expect(validateGatewayArgs({ ...MINIMAL, memoryMb: 512, allowLowMemory: true }).guest).toEqual({
      cpuKind: "shared",
      cpus: 2,
      memoryMb: 512,
    });
  });
});

describe("validateGatewayArgs rules", () => {
  const FLOOR =
    "memoryMb: the OpenClaw gateway needs at least 1536 MB to run with headroom; 2048 MB is recommended " +
    "(set allowLowMemory: true to accept the risk), got 512";

  it.each<[string, Record<string, unknown>, string[]]>([
    ["missing appName", { appName: undefined }, ["appName: is required"]],
    [
      "appName of 64 characters",
      { appName: "a".repeat(64) },
      [`appName: must be 1 to 63 lowercase letters, digits and dashes, got "${"a".repeat(64)}"`],
    ],
    [
      "appName with an underscore",
      { appName: "my_claw" },
      ['appName: must be 1 to 63 lowercase letters, digits and dashes, got "my_claw"'],
    ],
    [
      "org in capitals",
      { org: "Personal" },
      [
        'org: must be an organization slug (lowercase letters, digits and dashes, e.g. "personal"), got "Personal"',
      ],
    ],
    ["regions missing", { regions: undefined }, ["regions: is required"]],
    [
      "regions empty",
      { regions: [] },
      ["regions: must list at least one region (the first is the primary)"],
    ],
    [
      "unknown region",
      { regions: ["iad", "mars"] },
      [
        'regions[1]: unknown Fly region "mars" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
      ],
    ],
    [
      "repeated region",
      { regions: ["iad", "lhr", "iad"] },
      ['regions[2]: "iad" is listed more than once'],
    ],
    ["region not a string", { regions: [3] }, ["regions[0]: must be a string"]],
    ["bad mode", { mode: "internal" }, ['mode: must be "public" or "private"']],
    [
      "a domain in private mode",
      { mode: "private", domains: ["gw.example.com"] },
      ['domains: only apply to mode "public": a private gateway has no public address to certify'],
    ],
    [
      "a domain that is no hostname",
      { domains: ["gw.example.com", "Example"] },
      [
        'domains[1]: must be a lowercase domain name of dot-separated labels (e.g. gw.example.com), got "Example"',
      ],
    ],
    [
      "a wildcard domain",
      { domains: ["*.example.com"] },
      [
        'domains[0]: must name one host, not a wildcard (the Control UI needs its exact origin), got "*.example.com"',
      ],
    ],
    [
      "a repeated domain",
      { domains: ["gw.example.com", "gw.example.com"] },
      ['domains[1]: "gw.example.com" is listed more than once'],
    ],
    ["domains as text", { domains: "gw.example.com" }, ["domains: must be a list"]],
    [
      "flycast in public mode",
      { flycast: true },
      ['flycast: only applies to mode "private"; public mode is served on <app>.fly.dev'],
    ],
    [
      "unknown vmSize",
      { vmSize: "shared-cpu-16x" },
      [
        "vmSize: must be one of shared-cpu-1x, shared-cpu-2x, shared-cpu-4x, shared-cpu-8x, " +
          "performance-1x, performance-2x, performance-4x, performance-8x",
      ],
    ],
    ["low memory", { memoryMb: 512 }, [FLOOR]],
    [
      "memory outside the preset's range",
      { vmSize: "performance-1x", memoryMb: 1024, allowLowMemory: true },
      [
        "memoryMb: must be from 2048 to 8192 MB for performance-1x (1 performance CPU) (Fly " +
          "allows 2048 to 8192 MB per performance CPU), got 1024",
      ],
    ],
    ["memory as text", { memoryMb: "2048" }, ["memoryMb: must be a number"]],
    [
      "allowLowMemory as text",
      { allowLowMemory: "yes" },
      ["allowLowMemory: must be true or false"],
    ],
    ["volume of 0 GB", { volumeSizeGb: 0 }, ["volumeSizeGb: must be from 1 to 500 GB"]],
    ["volume of 501 GB", { volumeSizeGb: 501 }, ["volumeSizeGb: must be from 1 to 500 GB"]],
    ["volume of 1.5 GB", { volumeSizeGb: 1.5 }, ["volumeSizeGb: must be a whole number of GB"]],
    [
      "image without a tag",
      { image: "ghcr.io/openclaw/openclaw" },
      [
        'image: "ghcr.io/openclaw/openclaw" has no tag; pin a version tag (e.g. ghcr.io/openclaw/openclaw:2026.9.6) or an @sha256: digest',
      ],
    ],
    [
      "image on latest",
      { image: "ghcr.io/openclaw/openclaw:latest" },
      [
        'image: "ghcr.io/openclaw/openclaw:latest" uses the moving tag "latest"; pin a version tag (e.g. ghcr.io/openclaw/openclaw:2026.9.6) or an @sha256: digest',
      ],
    ],
    [
      "image and build together",
      { image: "ghcr.io/openclaw/openclaw:2026.9.6", build: { context: BUILD_CONTEXT } },
      ["build: only one of `image` or `build` can be provided"],
    ],
    ["build without context", { build: {} }, ["build.context: is required"]],
    [
      "unknown build key",
      { build: { context: BUILD_CONTEXT, target: "runtime" } },
      ["build.target: unknown key"],
    ],
    [
      "bad rollout",
      { rollout: "blue-green" },
      ['rollout: must be "canary", "serial" or "parallel"'],
    ],
    [
      "health interval without a unit",
      { healthCheck: { interval: "15" } },
      ['healthCheck.interval: must be a Go duration such as "15s", "2m" or "1m30s", got "15"'],
    ],
    [
      "zero health timeout",
      { healthCheck: { timeout: "0s" } },
      ['healthCheck.timeout: must be longer than zero, got "0s"'],
    ],
    [
      "health timeout shorter than the grace period",
      { healthTimeoutSeconds: 120 },
      ["healthTimeoutSeconds: must be longer than healthCheck.gracePeriod (2m), got 120"],
    ],
    [
      "default health timeout shorter than a long grace period",
      { healthCheck: { gracePeriod: "15m" } },
      [
        "healthTimeoutSeconds: must be longer than healthCheck.gracePeriod (15m), got 600 (the default)",
      ],
    ],
    [
      "health timeout of 0",
      { healthTimeoutSeconds: 0 },
      ["healthTimeoutSeconds: must be from 1 to 3600 seconds"],
    ],
    [
      "health timeout over an hour",
      { healthTimeoutSeconds: 3601 },
      ["healthTimeoutSeconds: must be from 1 to 3600 seconds"],
    ],
    ["retainVolumes as text", { retainVolumes: "no" }, ["retainVolumes: must be true or false"]],
    [
      "extraEnv overriding the heap",
      { extraEnv: { NODE_OPTIONS: "--inspect" } },
      ["extraEnv.NODE_OPTIONS: reserved (the heap size is derived from memoryMb)"],
    ],
    [
      "extraEnv with a bad name",
      { extraEnv: { "MY VAR": "1" } },
      [
        'extraEnv["MY VAR"]: name "MY VAR" must start with a letter or underscore and contain only letters, digits and underscores',
      ],
    ],
    ["extraEnv with a number", { extraEnv: { PORT: 3000 } }, ["extraEnv.PORT: must be a string"]],
    [
      "provider key with a lower-case name",
      { providerKeys: { openai_api_key: "sk-1" } },
      [
        "providerKeys.openai_api_key: must be an upper-case environment variable name matching ^[A-Z][A-Z0-9_]*$",
      ],
    ],
    [
      "channel token named like the gateway token",
      { channelTokens: { OPENCLAW_GATEWAY_TOKEN: "t" } },
      [
        "channelTokens.OPENCLAW_GATEWAY_TOKEN: reserved (the gateway token is a secret; pass it as gatewayToken)",
      ],
    ],
    [
      "provider key colliding with the state dir",
      { providerKeys: { OPENCLAW_STATE_DIR: "/x" } },
      ["providerKeys.OPENCLAW_STATE_DIR: reserved (the state directory is the volume at /data)"],
    ],
    [
      "a name in two groups",
      { providerKeys: { SHARED_KEY: "a" }, channelTokens: { SHARED_KEY: "b" } },
      ["channelTokens.SHARED_KEY: also given in providerKeys; each name may have only one value"],
    ],
    [
      "plain env shadowing a secret",
      { extraEnv: { OPENAI_BASE_URL: "x" }, providerKeys: { OPENAI_BASE_URL: "sk-1" } },
      ["providerKeys.OPENAI_BASE_URL: also given in extraEnv; each name may have only one value"],
    ],
    ...["OPENAI_API_KEY", "SLACK_BOT_TOKEN", "WEBHOOK_SECRET", "DB_PASSWORD", "api_key"].map(
      (name): [string, Record<string, unknown>, string[]] => [
        `a credential-like extraEnv name (${name})`,
        { extraEnv: { [name]: "x" } },
        [
          `extraEnv.${name}: looks like a credential (a name ending in _API_KEY, _TOKEN, _SECRET ` +
            "or _PASSWORD), and extraEnv is plain text in the machine config and the state; give " +
            "it as a secret in providerKeys (model-provider keys) or channelTokens (channel tokens)",
        ],
      ],
    ),
    [
      "empty provider key",
      { providerKeys: { OPENAI_API_KEY: "" } },
      ["providerKeys.OPENAI_API_KEY: must not be empty"],
    ],
    [
      "short gateway token",
      { gatewayToken: "short" },
      ["gatewayToken: must be at least 24 characters (generate one with: openssl rand -hex 32)"],
    ],
    [
      "openclaw settings problems under the openclaw path",
      { openclaw: { bindings: [{ agentId: "x", match: { channel: "telegram" } }] } },
      ['openclaw.bindings[0].agentId: unknown agent "x" (agents: main, implicit)'],
    ],
    ["unknown argument", { region: "iad" }, ["region: unknown argument"]],
  ])("reports %s", (_label, change, problems) => {
    expect(problemsOf({ ...MINIMAL, ...change })).toEqual(problems);
  });

  it.each([
    ["NODE_ENV", "the gateway runs in production mode"],
    ["OPENCLAW_CONFIG_PATH", "openclaw.json is rendered from the openclaw settings"],
    ["OPENCLAW_CONFIG_READONLY", "openclaw.json is managed by this deployment"],
    ["OPENCLAW_NO_RESPAWN", "restarts stay in-process and Fly restarts the machine"],
    ["OPENCLAW_GATEWAY_TOKEN", "the gateway token is a secret; pass it as gatewayToken"],
  ])("refuses extraEnv.%s, which the gateway depends on", (key, reason) => {
    expect(problemsOf({ ...MINIMAL, extraEnv: { [key]: "x" } })).toEqual([
      `extraEnv.${key}: reserved (${reason})`,
    ]);
  });

  it.each(["-claw", "claw-", "0", "a".repeat(63)])(
    "accepts the app name %j, as Fly's own rule does",
    (appName) => {
      expect(validateGatewayArgs({ ...MINIMAL, appName }).appName).toBe(appName);
    },
  );

  it.each(["personal", "acme-corp", "a", "0rg-2", "-acme", "a".repeat(63)])(
    "accepts the organization %j",
    (org) => {
      expect(validateGatewayArgs({ ...MINIMAL, org }).org).toBe(org);
    },
  );

  it.each(["acme_corp", "a".repeat(64), "", "Acme", "acme.corp"])(
    "refuses the organization %j",
    (org) => {
      expect(problemsOf({ ...MINIMAL, org })).toEqual([
        `org: must be an organization slug (lowercase letters, digits and dashes, e.g. "personal"), got ${JSON.stringify(org)}`,
      ]);
    },
  );

  it("refuses arguments that are not an object", () => {
    expect(problemsOf(null)).toEqual(["arguments: must be an object"]);
  });

  it("lists every problem at once in one message", () => {
    let message = "";
    try {
      validateGatewayArgs({
        appName: "Claw",
        regions: ["iad", "iad"],
        memoryMb: 512,
        mode: "private",
        flycast: true,
        volumeSizeGb: 0,
        extraEnv: { NODE_ENV: "development" },
      } as unknown as OpenClawGatewayArgs);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      [
        "OpenClawGateway arguments are invalid (5 problems):",
        '- appName: must be 1 to 63 lowercase letters, digits and dashes, got "Claw"',
        '- regions[1]: "iad" is listed more than once',
        "- volumeSizeGb: must be from 1 to 500 GB",
        `- ${FLOOR}`,
        "- extraEnv.NODE_ENV: reserved (the gateway runs in production mode)",
      ].join("\n"),
    );
  });

  it("never repeats a secret value in its messages", () => {
    const secrets = ["tok-\u00e9-secret-value", "sk-provider-secret-value", "bot-secret-value"];
    let message = "";
    try {
      validateGatewayArgs({
        ...MINIMAL,
        gatewayToken: secrets[0],
        providerKeys: { "bad key": secrets[1], OPENCLAW_GATEWAY_TOKEN: secrets[1] },
        channelTokens: { TELEGRAM_BOT_TOKEN: 42 as unknown as string, bad: secrets[2] },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      [
        "OpenClawGateway arguments are invalid (5 problems):",
        "- gatewayToken: must be at least 24 characters (generate one with: openssl rand -hex 32)",
        "- channelTokens.TELEGRAM_BOT_TOKEN: must be a string",
        '- providerKeys["bad key"]: name "bad key" must start with a letter or underscore and contain only letters, digits and underscores',
        "- providerKeys.OPENCLAW_GATEWAY_TOKEN: reserved (the gateway token is a secret; pass it as gatewayToken)",
        "- channelTokens.bad: must be an upper-case environment variable name matching ^[A-Z][A-Z0-9_]*$",
      ].join("\n"),
    );
    for (const secret of secrets) expect(message).not.toContain(secret);
  });
});

describe("backups and restore arguments", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "a retention beyond Fly's 60 days",
      { backups: { retentionDays: 61 } },
      ["backups.retentionDays: must be from 1 to 60 days"],
    ],
    [
      "a source that is neither a snapshot nor a region",
      { restore: { iad: { volume: "vol_x" } } },
      ['restore.iad: must be { snapshot: "vs_..." } or { fromRegion: "<region>" }'],
    ],
    [
      "a snapshot id that is not one",
      { restore: { iad: { snapshot: "snap-1" } } },
      [
        'restore.iad.snapshot: must be a snapshot id (vs_ and letters or digits, from `fly volumes snapshots list`), got "snap-1"',
      ],
    ],
    [
      "a region the stack does not have",
      { restore: { ams: { snapshot: "vs_abc" } } },
      ["restore.ams: is not one of `regions` (iad, fra)"],
    ],
    [
      "a fork from itself",
      { restore: { fra: { fromRegion: "fra" } } },
      ["restore.fra.fromRegion: must name another region than fra"],
    ],
    [
      "a fork from a region the stack does not have",
      { restore: { fra: { fromRegion: "sin" } } },
      ['restore.fra.fromRegion: must be one of `regions` (iad, fra), got "sin"'],
    ],
    [
      "a chain of forks",
      { restore: { fra: { fromRegion: "iad" }, iad: { fromRegion: "fra" } } },
      [
        "restore.fra.fromRegion: iad is itself restored from another region; fork from the region it is restored from",
        "restore.iad.fromRegion: fra is itself restored from another region; fork from the region it is restored from",
      ],
    ],
  ])("refuses %s, naming the key and the rule", (_label, extra, expected) => {
    expect(problemsOf({ ...MINIMAL, regions: ["iad", "fra"], ...extra })).toEqual(expected);
  });
});
