import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../../emulator/server";
import type { OperationResult, StepRecord } from "../../engine/engine-types";
import { OfflineEngine } from "../../engine/offline-engine";
import { UNKNOWN } from "../../engine/property-values";
import { DEFAULT_TEST_PASSPHRASE } from "../../engine/secrets-crypter";

// index.ts run the way `pulumi preview` runs it (Pulumi's language runtime, ts-node, the real
// dynamic-provider host) for each stack file of the project, against a running emulator.
const ROOT = join(__dirname, "..", "..");
const TYPE = {
  stack: "pulumi:pulumi:Stack",
  gateway: "openclaw:fly:Gateway",
  token: "pulumi-nodejs:dynamic/openclaw:GeneratedToken",
  app: "pulumi-nodejs:dynamic/fly:FlyApp",
  secrets: "pulumi-nodejs:dynamic/fly:FlySecrets",
  ip: "pulumi-nodejs:dynamic/fly:FlyIpAddress",
  volume: "pulumi-nodejs:dynamic/fly:FlyVolume",
  machine: "pulumi-nodejs:dynamic/fly:FlyMachine",
};

// docs/platforms/fly.md for 2026.1: agents.list and a guild channel's allow, both earlier forms.
const LEGACY_GUIDE = {
  agents: {
    defaults: { model: { primary: "anthropic/claude-opus-4-6" }, maxConcurrent: 4 },
    list: [{ id: "main", default: true }],
  },
  bindings: [{ agentId: "main", match: { channel: "discord" } }],
  channels: {
    discord: {
      enabled: true,
      groupPolicy: "allowlist",
      guilds: { "123": { channels: { general: { allow: true } }, requireMention: false } },
    },
  },
};

const REFUSED = {
  gateway: { port: 8080 },
  bindings: [{ agentId: "ghost", match: { channel: "telegram" } }],
  channels: { telegarm: {} },
};

let emulator: EmulatorHandle;
let stateDirectory: string;
const results: Record<string, OperationResult> = {};

function engine(stack: string, config: Record<string, string> = {}): OfflineEngine {
  return new OfflineEngine({
    projectDir: ROOT,
    stack,
    // A state directory of its own: a developer's offline stacks in the project stay untouched.
    stateDirectory,
    config: { flyApiUrl: emulator.url, ...config },
    secretConfig: { flyApiToken: emulator.token },
    env: { PULUMI_CONFIG_PASSPHRASE: DEFAULT_TEST_PASSPHRASE, OPENCLAW_FLY_QUIET: "1" },
    timeoutMs: 150_000,
  });
}

/** `<op> <type> <name>` per step, sorted: the whole plan in one comparable list. */
const plan = (steps: readonly StepRecord[]) =>
  steps.map((step) => `${step.op} ${step.type} ${step.name}`).sort();

const creates = (...entries: [keyof typeof TYPE, string][]) =>
  entries.map(([type, name]) => `create ${TYPE[type]} ${name}`).sort();

beforeAll(async () => {
  emulator = await startEmulator({ token: "program-test-token" });
  stateDirectory = mkdtempSync(join(tmpdir(), "program-preview-"));
  // The runs are independent processes; running them together halves the wait.
  const runs = {
    dev: engine("dev").preview(),
    prod: engine("prod").preview(),
    local: engine("local").preview(),
    invalid: engine("dev", { memoryMb: "512", rollout: "blue-green" }).preview(),
    // The Fly guide's example for OpenClaw 2026.1, with a port the deployment owns.
    guide: engine("dev", { openclaw: JSON.stringify(LEGACY_GUIDE) }).preview(),
    refused: engine("dev", { openclaw: JSON.stringify(REFUSED) }).preview(),
  };
  for (const [name, run] of Object.entries(runs)) results[name] = await run;
}, 180_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(stateDirectory, { recursive: true, force: true });
});

const unknown = { value: UNKNOWN, secret: false };
const known = (value: unknown) => ({ value, secret: false });

describe("index.ts previewed for each stack against the emulator", () => {
  it("dev: plans one public region with a generated token", () => {
    const result = results.dev;
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    expect(plan(result.steps)).toEqual(
      creates(
        ["stack", "openclaw-fly-dev"],
        ["gateway", "gateway"],
        ["token", "gateway-token"],
        ["app", "gateway-app"],
        ["secrets", "gateway-secrets"],
        ["ip", "gateway-ipv4"],
        ["ip", "gateway-ipv6"],
        ["volume", "gateway-iad-volume"],
        ["machine", "gateway-iad-machine"],
      ),
    );
    expect(result.outputs).toEqual({
      appName: known("my-openclaw-dev"),
      url: known("https://my-openclaw-dev.fly.dev"),
      machineIds: unknown,
      volumeIds: unknown,
      secretsVersion: unknown,
      image: known("ghcr.io/openclaw/openclaw:2026.9.6"),
      monthlyCost: known({
        currency: "USD",
        priceTableDate: "2026-09",
        perRegion: { compute: 8.19, volume: 0.15, snapshots: 0.4 },
        rehearsalPerUpgrade: 0,
        ipAddresses: 0,
        total: 8.74,
      }),
      // Unknown during a preview, and already marked secret: the SDK sends the secret flag with
      // an unknown value, and the engine records it as it was registered.
      gatewayToken: { value: UNKNOWN, secret: true },
    });
  });

  it("prod: plans two private regions without public addresses", () => {
    const result = results.prod;
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    expect(plan(result.steps)).toEqual(
      creates(
        ["stack", "openclaw-fly-prod"],
        ["gateway", "gateway"],
        ["token", "gateway-token"],
        ["app", "gateway-app"],
        ["secrets", "gateway-secrets"],
        ["volume", "gateway-iad-volume"],
        ["volume", "gateway-ams-volume"],
        ["machine", "gateway-iad-machine"],
        ["machine", "gateway-ams-machine"],
      ),
    );
    expect(result.outputs.privateAddress).toEqual(known("http://my-openclaw-prod.internal:3000"));
    expect(result.outputs.proxyCommand).toEqual(known("fly proxy 3000:3000 -a my-openclaw-prod"));
    expect(result.outputs.url).toBeUndefined();
    expect(result.outputs.monthlyCost.value).toEqual({
      currency: "USD",
      priceTableDate: "2026-09",
      perRegion: { compute: 11.38, volume: 0.45, snapshots: 3.36 },
      rehearsalPerUpgrade: 0.01,
      ipAddresses: 0,
      total: 30.38,
    });
  });

  it("local: plans two public regions on the emulator", () => {
    const result = results.local;
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 11, update: 0, replace: 0, delete: 0, same: 0 });
    expect(plan(result.steps)).toEqual(
      creates(
        ["stack", "openclaw-fly-local"],
        ["gateway", "gateway"],
        ["token", "gateway-token"],
        ["app", "gateway-app"],
        ["secrets", "gateway-secrets"],
        ["ip", "gateway-ipv4"],
        ["ip", "gateway-ipv6"],
        ["volume", "gateway-iad-volume"],
        ["volume", "gateway-ams-volume"],
        ["machine", "gateway-iad-machine"],
        ["machine", "gateway-ams-machine"],
      ),
    );
    expect(result.outputs.url).toEqual(known("https://openclaw-local.fly.dev"));
  });

  it("a bad config fails the program with every problem, before any resource", () => {
    const result = results.invalid;
    expect(result.ok).toBe(false);
    // Only the root stack, which Pulumi registers before the program's own code runs.
    expect(plan(result.steps)).toEqual(creates(["stack", "openclaw-fly-dev"]));
    expect(result.error).toBe(
      [
        "Stack config is invalid (2 problems):",
        '- openclaw-fly:rollout: must be "canary", "serial" or "parallel"',
        "- openclaw-fly:memoryMb: the OpenClaw gateway needs at least 1536 MB to run with headroom; " +
          "2048 MB is recommended (set allowLowMemory: true to accept the risk), got 512",
      ].join("\n"),
    );
  });

  it("converts the guide's 2026.1 openclaw settings and says so in Pulumi's log", () => {
    const result = results.guide;
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    const warnings = result.logs
      .filter((log) => log.severity === "warning" && log.source === "program")
      .map((log) => log.message.trim());
    expect(warnings).toEqual([
      'openclaw.agents.list: the 2026.1 form; converted to openclaw.agents.entries: {"main":{"default":true}} (write it so to silence this warning)',
      "openclaw.agents.entries.main.default: default markers are retired and mean nothing here; removed (leave them out to silence this warning)",
      "openclaw.channels.discord.guilds.123.channels.general.allow: the 2026.1 form; converted to openclaw.channels.discord.guilds.123.channels.general.enabled: true (write it so to silence this warning)",
    ]);
    // The warnings are about the component, where the settings were given.
    const gateway = result.steps.find((step) => step.type === TYPE.gateway);
    expect(result.logs.filter((log) => log.severity === "warning").map((log) => log.urn)).toEqual(
      warnings.map(() => gateway?.urn),
    );
  });

  it("refuses openclaw settings with every problem under openclaw-fly:openclaw, before any resource", () => {
    const result = results.refused;
    expect(result.ok).toBe(false);
    expect(plan(result.steps)).toEqual(creates(["stack", "openclaw-fly-dev"]));
    expect(result.error).toBe(
      [
        "Stack config is invalid (3 problems):",
        "- openclaw-fly:openclaw.gateway.port: set by the deployment: the machine's command sets --port 3000, the port Fly's services and checks use; leave it out; reach the gateway through the url, privateAddress or proxyCommand output",
        '- openclaw-fly:openclaw.bindings[0].agentId: unknown agent "ghost" (agents: main, implicit)',
        '- openclaw-fly:openclaw.channels.telegarm: unknown channel id "telegarm" (channels: a2a, buzz, clickclack, discord, feishu, googlechat, imessage, irc, line, matrix, mattermost, msteams, nextcloud-talk, nostr, qa-channel, raft, reef, signal, slack, sms, synology-chat, telegram, tlon, twitch, whatsapp, zalo, zalouser)',
      ].join("\n"),
    );
  });

  it("previews changing nothing on Fly: it only asks whether each new app is another stack's", () => {
    const asked = emulator.emulator.log.entries.map((e) => `${e.method} ${e.path} ${e.status}`);
    // dev is previewed twice (its own config, and with the guide's openclaw settings).
    expect(asked.sort()).toEqual(
      ["my-openclaw-dev", "my-openclaw-dev", "my-openclaw-prod", "openclaw-local"]
        .map((app) => `GET /v1/apps/${app} 404`)
        .sort(),
    );
  });
});
