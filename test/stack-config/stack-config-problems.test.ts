import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../components/validation";
import { readStackFile } from "../../engine/stack-files";
import { CONFIG_KEYS } from "../../stack-config/configuration-table";
import { readGatewayStackConfig } from "../../stack-config/stack-config-reader";

const ROOT = join(__dirname, "..", "..");
const stackValues = (stack: string) => readStackFile(ROOT, "openclaw-fly", stack).plain;
const KNOWN_KEYS =
  "appName, org, regions, mode, flycast, domains, vmSize, memoryMb, allowLowMemory, " +
  "volumeSizeGb, image, build, gatewayToken, providerKeys, channelTokens, openclaw, extraEnv, " +
  "healthCheck, healthTimeoutSeconds, rollout, retainVolumes, snapshotBeforeDelete, " +
  "takeOverFrom, upgradeRehearsal, backups, restore, flyApiToken, flyApiUrl, providerTuning";
const MINIMAL = { "openclaw-fly:appName": "my-claw", "openclaw-fly:regions": '["iad"]' };

/**
 * Every problem the reader reports for `values` (of the project openclaw-fly), none if it reads
 * them. The secret keys are taken as set with `--secret` unless `isSecret` says otherwise.
 */
function stackConfigProblems(
  values: Record<string, string>,
  isSecret: (key: string) => boolean = (key) =>
    CONFIG_KEYS[key.replace(/^openclaw-fly:/, "")]?.secret === true,
): readonly string[] {
  try {
    readGatewayStackConfig(values, "openclaw-fly", isSecret);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
}

/** The same, with the program's working directory (the project directory) set to `dir`. */
function problemsIn(dir: string, values: Record<string, string>): readonly string[] {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return stackConfigProblems(values);
  } finally {
    process.chdir(cwd);
  }
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "stack-config-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the stack config's problems", () => {
  it.each(["dev", "prod", "local"])("accepts the %s stack file as it is", (stack) => {
    expect(stackConfigProblems(stackValues(stack))).toEqual([]);
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      "an unknown key",
      { "openclaw-fly:region": "iad" },
      [`openclaw-fly:region: unknown config key (known: ${KNOWN_KEYS})`],
    ],
    [
      "regions as plain text",
      { "openclaw-fly:regions": "iad" },
      ["openclaw-fly:regions: must be a list"],
    ],
    [
      "an unknown region",
      { "openclaw-fly:regions": '["iad","mars"]' },
      [
        'openclaw-fly:regions[1]: unknown Fly region "mars" (known: ams arn bom cdg dfw ewr fra ' +
          "gru iad jnb lax lhr nrt ord sin sjc syd yyz)",
      ],
    ],
    [
      "memory that is not a number",
      { "openclaw-fly:memoryMb": "2GB" },
      ["openclaw-fly:memoryMb: must be a number"],
    ],
    [
      "memory below the gateway's floor",
      { "openclaw-fly:memoryMb": "512" },
      [
        "openclaw-fly:memoryMb: the OpenClaw gateway needs at least 1536 MB to run with headroom; 2048 MB " +
          "is recommended (set allowLowMemory: true to accept the risk), got 512",
      ],
    ],
    [
      "a flag that is not a boolean",
      { "openclaw-fly:retainVolumes": "yes" },
      ["openclaw-fly:retainVolumes: must be true or false"],
    ],
    [
      "a moving image tag",
      { "openclaw-fly:image": "ghcr.io/openclaw/openclaw:latest" },
      [
        'openclaw-fly:image: "ghcr.io/openclaw/openclaw:latest" uses the moving tag "latest"; ' +
          "pin a version tag (e.g. ghcr.io/openclaw/openclaw:2026.9.6) or an @sha256: digest",
      ],
    ],
    [
      "a bad rollout",
      { "openclaw-fly:rollout": "rolling" },
      ['openclaw-fly:rollout: must be "canary", "serial" or "parallel"'],
    ],
    [
      "provider tuning that is not an object",
      { "openclaw-fly:providerTuning": "fast" },
      ["openclaw-fly:providerTuning: must be a JSON object, got fast"],
    ],
    [
      "an unknown provider tuning setting",
      { "openclaw-fly:providerTuning": '{"pollMs":5}' },
      [
        "openclaw-fly:providerTuning.pollMs: is not a setting (known: pollIntervalMs, checkPollMs, " +
          "leaseWaitMs, leaseTtlSeconds, pacing, retryBaseDelayMs, adoptLookupDelayMs, " +
          "settleTimeoutMs)",
      ],
    ],
    [
      "an unknown openclaw setting",
      { "openclaw-fly:openclaw": '{"multiAgnet":true}' },
      [
        "openclaw-fly:openclaw.multiAgnet: unknown key (the gateway refuses keys its schema does not name)",
      ],
    ],
    [
      "health check timing without units",
      { "openclaw-fly:healthCheck": '{"interval":"15"}' },
      [
        'openclaw-fly:healthCheck.interval: must be a Go duration such as "15s", "2m" or ' +
          '"1m30s", got "15"',
      ],
    ],
    [
      "provider keys that are not a map",
      { "openclaw-fly:providerKeys": "sk-not-json" },
      ["openclaw-fly:providerKeys: must be an object"],
    ],
    [
      "a daily-snapshot retention Fly does not allow",
      { "openclaw-fly:backups": '{"retentionDays":0}' },
      ["openclaw-fly:backups.retentionDays: must be from 1 to 60 days"],
    ],
    [
      "a daily-snapshot retention that is not a whole number of days",
      { "openclaw-fly:backups": '{"retentionDays":7.5}' },
      ["openclaw-fly:backups.retentionDays: must be a whole number of days"],
    ],
    [
      "a restore source that is not a snapshot id, and one of a region not in the stack",
      {
        "openclaw-fly:restore": '{"iad":{"snapshot":"latest"},"ams":{"fromRegion":"iad"}}',
      },
      [
        'openclaw-fly:restore.iad.snapshot: must be a snapshot id (vs_ and letters or digits, from `fly volumes snapshots list`), got "latest"',
        "openclaw-fly:restore.ams: is not one of `regions` (iad)",
      ],
    ],
    [
      "a lower-case provider key name",
      { "openclaw-fly:providerKeys": '{"openai_api_key":"sk-1"}' },
      [
        "openclaw-fly:providerKeys.openai_api_key: must be an upper-case environment variable " +
          "name matching ^[A-Z][A-Z0-9_]*$",
      ],
    ],
    [
      "a domain in private mode",
      { "openclaw-fly:mode": "private", "openclaw-fly:domains": '["gw.example.com"]' },
      [
        'openclaw-fly:domains: only apply to mode "public": a private gateway has no public ' +
          "address to certify",
      ],
    ],
    [
      "a short gateway token",
      { "openclaw-fly:gatewayToken": "short-secret" },
      [
        "openclaw-fly:gatewayToken: must be at least 24 characters (generate one with: openssl " +
          "rand -hex 32)",
      ],
    ],
    [
      "flycast in public mode",
      { "openclaw-fly:flycast": "true" },
      [
        'openclaw-fly:flycast: only applies to mode "private"; public mode is served on ' +
          "<app>.fly.dev",
      ],
    ],
    [
      "a Fly API URL that is not http(s)",
      { "openclaw-fly:flyApiUrl": "api.machines.dev" },
      [
        "openclaw-fly:flyApiUrl: must be an http(s) URL such as https://api.machines.dev " +
          "(the value is not shown: it may be a credential)",
      ],
    ],
    [
      "a Fly API URL that carries credentials",
      { "openclaw-fly:flyApiUrl": "https://me:fo1_secret-password@api.machines.dev" },
      [
        "openclaw-fly:flyApiUrl: must not carry credentials (user:password@); the Fly token " +
          "belongs in the secret flyApiToken or FLY_API_TOKEN",
      ],
    ],
    [
      "a blank Fly API token",
      { "openclaw-fly:flyApiToken": " " },
      ["openclaw-fly:flyApiToken: must not be empty (unset it to use FLY_API_TOKEN instead)"],
    ],
  ])("reports %s under its key", (_label, change, problems) => {
    expect(stackConfigProblems({ ...MINIMAL, ...change })).toEqual(problems);
  });

  it("reports a build context that does not exist, resolved against the project directory", () => {
    const values = { ...MINIMAL, "openclaw-fly:build": '{"context":"missing"}' };
    expect(problemsIn(scratch, values)).toEqual([
      `openclaw-fly:build.context: no directory at ${JSON.stringify(join(scratch, "missing"))}`,
    ]);
  });

  it("reports a missing Dockerfile in an existing build context", () => {
    writeFileSync(join(scratch, "Containerfile"), "FROM scratch\n");
    const values = {
      ...MINIMAL,
      "openclaw-fly:build": '{"context":".","dockerfile":"Dockerfile"}',
    };
    expect(problemsIn(scratch, values)).toEqual([
      `openclaw-fly:build.dockerfile: no file at ${JSON.stringify(join(scratch, "Dockerfile"))}`,
    ]);
    const named = {
      ...MINIMAL,
      "openclaw-fly:build": '{"context":".","dockerfile":"Containerfile"}',
    };
    expect(problemsIn(scratch, named)).toEqual([]);
  });

  it("refuses both image and build", () => {
    writeFileSync(join(scratch, "Dockerfile"), "FROM scratch\n");
    const values = {
      ...MINIMAL,
      "openclaw-fly:image": "ghcr.io/openclaw/openclaw:2026.9.6",
      "openclaw-fly:build": '{"context":"."}',
    };
    expect(problemsIn(scratch, values)).toEqual([
      "openclaw-fly:build: only one of `image` or `build` can be provided",
    ]);
  });

  it("reports the required keys of an empty config", () => {
    expect(stackConfigProblems({})).toEqual([
      "openclaw-fly:appName: is required",
      "openclaw-fly:regions: is required",
    ]);
  });

  it("reads the keys of the namespace it is given: the Pulumi project's name", () => {
    const values = { "claw-two:appName": "my-claw", "claw-two:regions": '["iad"]' };
    expect(readGatewayStackConfig(values, "claw-two").appName).toBe("my-claw");
    expect(stackConfigProblems(values)).toEqual([
      "openclaw-fly:appName: is required",
      "openclaw-fly:regions: is required",
    ]);
  });

  it("refuses each secret key given in plain text, with the command that sets it encrypted", () => {
    const values = {
      ...MINIMAL,
      "openclaw-fly:gatewayToken": "0123456789abcdef0123456789abcdef",
      "openclaw-fly:providerKeys": '{"ANTHROPIC_API_KEY":"sk-ant-plain-1"}',
      "openclaw-fly:channelTokens": '{"TELEGRAM_BOT_TOKEN":"123:plain"}',
      "openclaw-fly:flyApiToken": "fo1_plain-token-value",
    };
    const problems = stackConfigProblems(values, () => false);
    expect(problems).toEqual(
      [
        ["gatewayToken", "<value>"],
        ["providerKeys", "'<json>'"],
        ["channelTokens", "'<json>'"],
        ["flyApiToken", "<value>"],
      ].map(
        ([key, value]) =>
          `openclaw-fly:${key}: is a secret but was set in plain text; set it encrypted with ` +
          `\`pulumi config set --secret openclaw-fly:${key} ${value}\``,
      ),
    );
    expect(stackConfigProblems(values, (key) => key !== "openclaw-fly:providerKeys")).toEqual([
      problems[1],
    ]);
  });

  it("never quotes a secret value given under a plain key, nor the environment's Fly token", () => {
    const token = "fo1_env-token-0123456789";
    const previous = process.env.FLY_API_TOKEN;
    process.env.FLY_API_TOKEN = token;
    try {
      const problems = stackConfigProblems({
        ...MINIMAL,
        "openclaw-fly:flyApiToken": "fo1_config-token-987654",
        "openclaw-fly:appName": "fo1_config-token-987654",
        "openclaw-fly:org": token,
      });
      expect(problems.join("\n")).not.toMatch(/fo1_/);
      expect(problems.every((line) => /^openclaw-fly:(appName|org)\b/.test(line))).toBe(true);
      expect(problems.some((line) => line.includes("[secret]"))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.FLY_API_TOKEN;
      else process.env.FLY_API_TOKEN = previous;
    }
  });

  it("ignores keys of other namespaces", () => {
    expect(stackConfigProblems({ ...MINIMAL, "aws:region": "us-east-1" })).toEqual([]);
  });
});
