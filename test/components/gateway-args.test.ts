import { describe, expect, it } from "vitest";
import {
  validateGatewayArgs,
  type NormalizedGatewayArgs,
  type OpenClawGatewayArgs,
} from "../../components/gateway-args";
import { ValidationError } from "../../components/validation";

const MINIMAL = { appName: "my-claw", org: "personal", regions: ["iad"] };

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

const DEFAULTS: NormalizedGatewayArgs = {
  appName: "my-claw",
  org: "personal",
  regions: ["iad"],
  primaryRegion: "iad",
  mode: "public",
  flycast: false,
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
  extraEnv: {},
  openclaw: {},
  providerKeys: {},
  channelTokens: {},
};

describe("validateGatewayArgs defaults", () => {
  it("fills every default from the three required arguments", () => {
    expect(validateGatewayArgs(MINIMAL)).toEqual(DEFAULTS);
  });

  it("keeps every given value and resolves the guest from size and memory", () => {
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
      image: "ghcr.io/openclaw/openclaw@sha256:" + "a".repeat(64),
      rollout: "serial",
      healthCheck: { interval: "30s" },
      healthTimeoutSeconds: 900,
      retainVolumes: false,
      snapshotBeforeDelete: false,
      extraEnv: { OPENCLAW_LOG_LEVEL: "debug" },
      openclaw: { channels: { telegram: { allowFrom: ["42"] } } },
      gatewayToken: "0123456789abcdef0123456789abcdef",
      providerKeys: { ANTHROPIC_API_KEY: "sk-ant-x" },
      channelTokens: { TELEGRAM_BOT_TOKEN: "123:abc" },
    };
    expect(validateGatewayArgs(args)).toEqual({
      ...args,
      primaryRegion: "fra",
      guest: { cpuKind: "performance", cpus: 2, memoryMb: 8192 },
      healthCheck: { gracePeriod: "2m", interval: "30s", timeout: "5s" },
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
    const normalized = validateGatewayArgs({ ...MINIMAL, build: { context: "./image" } });
    expect(normalized.build).toEqual({ context: "./image", dockerfile: "Dockerfile" });
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
    "memoryMb: the OpenClaw gateway runs out of memory below 1024 MB; 2048 MB is recommended " +
    "(set allowLowMemory: true to accept the risk), got 512";

  it.each<[string, Record<string, unknown>, string[]]>([
    ["missing appName", { appName: undefined }, ["appName: is required"]],
    [
      "appName with a leading dash",
      { appName: "-claw" },
      [
        'appName: must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash, got "-claw"',
      ],
    ],
    [
      "appName with a trailing dash",
      { appName: "claw-" },
      [
        'appName: must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash, got "claw-"',
      ],
    ],
    [
      "appName of 64 characters",
      { appName: "a".repeat(64) },
      [
        `appName: must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash, got "${"a".repeat(64)}"`,
      ],
    ],
    [
      "appName with an underscore",
      { appName: "my_claw" },
      [
        'appName: must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash, got "my_claw"',
      ],
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
        "memoryMb: performance-1x takes 2048..8192 MB (Fly allows 2048..8192 MB per performance CPU), got 1024",
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
      { image: "ghcr.io/openclaw/openclaw:2026.9.6", build: { context: "." } },
      ["build: only one of `image` or `build` can be provided"],
    ],
    ["build without context", { build: {} }, ["build.context: is required"]],
    [
      "unknown build key",
      { build: { context: ".", target: "runtime" } },
      ["build.target: unknown argument"],
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
        'extraEnv["MY VAR"]: must be an environment variable name matching ^[A-Za-z_][A-Za-z0-9_]*$',
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
      { extraEnv: { OPENAI_API_KEY: "x" }, providerKeys: { OPENAI_API_KEY: "sk-1" } },
      ["providerKeys.OPENAI_API_KEY: also given in extraEnv; each name may have only one value"],
    ],
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
      ['openclaw.bindings[0].agentId: unknown agent "x" (defined agents: none)'],
    ],
    ["unknown argument", { region: "iad" }, ["region: unknown argument"]],
  ])("reports %s", (_label, change, problems) => {
    expect(problemsOf({ ...MINIMAL, ...change })).toEqual(problems);
  });

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
        "OpenClawGateway arguments are invalid (6 problems):",
        '- appName: must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash, got "Claw"',
        "- org: is required",
        "- volumeSizeGb: must be from 1 to 500 GB",
        '- regions[1]: "iad" is listed more than once',
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
        '- providerKeys["bad key"]: must be an upper-case environment variable name matching ^[A-Z][A-Z0-9_]*$',
        "- providerKeys.OPENCLAW_GATEWAY_TOKEN: reserved (the gateway token is a secret; pass it as gatewayToken)",
        "- channelTokens.bad: must be an upper-case environment variable name matching ^[A-Z][A-Z0-9_]*$",
      ].join("\n"),
    );
    for (const secret of secrets) expect(message).not.toContain(secret);
  });
});
