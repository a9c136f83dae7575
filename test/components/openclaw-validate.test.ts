import { describe, expect, it } from "vitest";
import { checkOpenClawArgument } from "../../components/openclaw-args";
import {
  checkOpenClawSettings,
  type OpenClawCheckOptions,
} from "../../components/openclaw-validate";

const OPTIONS: OpenClawCheckOptions = {
  appName: "my-claw",
  mode: "public",
  version: { version: "2026.9.6" },
  envNames: ["DISCORD_BOT_TOKEN"],
};

const GATEWAY = {
  mode: "local",
  port: 3000,
  bind: "lan",
  auth: { mode: "token" },
  controlUi: { allowedOrigins: ["https://my-claw.fly.dev"] },
  trustedProxies: ["172.16.0.0/12"],
};

const check = (settings: unknown, options: Partial<OpenClawCheckOptions> = {}) =>
  checkOpenClawSettings(settings, { ...OPTIONS, ...options });

describe("checkOpenClawSettings: what ships", () => {
  it("ships the deployment's gateway block alone for empty settings", () => {
    expect(check({})).toEqual({
      config: { gateway: GATEWAY },
      rendered: { gateway: GATEWAY },
      problems: [],
      warnings: [],
    });
  });

  it("treats absent settings as empty", () => {
    expect(check(undefined).config).toEqual({ gateway: GATEWAY });
  });

  it("ships any section the version's schema accepts, as written", () => {
    const settings = {
      cron: { enabled: true },
      session: { dmScope: "per-channel-peer" },
      logging: { level: "debug" },
      memory: { search: { enabled: true } },
    };
    const result = check(settings);
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({ ...settings, gateway: GATEWAY });
  });

  it("refuses settings that are not an object", () => {
    expect(check(["agents"])).toEqual({
      problems: ["openclaw: must be an object (openclaw.json's sections)"],
      warnings: [],
    });
  });
});

describe("checkOpenClawSettings: keys the deployment owns", () => {
  it.each<[string, unknown, string]>([
    [
      "a port",
      { gateway: { port: 8080 } },
      "openclaw.gateway.port: set by the deployment: the machine's command sets --port 3000, the port Fly's services and checks use; leave it out; reach the gateway through the url, privateAddress or proxyCommand output",
    ],
    [
      "a bind mode",
      { gateway: { bind: "auto" } },
      "openclaw.gateway.bind: set by the deployment: the machine's command sets --bind lan, so that Fly's proxy and Flycast reach the gateway; leave it out; mode: private keeps the gateway off the internet",
    ],
    [
      "a remote gateway mode",
      { gateway: { mode: "remote" } },
      'openclaw.gateway.mode: set by the deployment: the machine runs a local gateway, and the deployment writes "local"; leave it out',
    ],
    [
      "a token",
      { gateway: { auth: { token: "t" } } },
      "openclaw.gateway.auth.token: set by the deployment: the gateway token is a secret and is delivered as one, never written into openclaw.json; set openclaw-fly:gatewayToken (secret; generated when unset), delivered as OPENCLAW_GATEWAY_TOKEN",
    ],
    [
      "password auth",
      { gateway: { auth: { mode: "password" } } },
      "openclaw.gateway.auth.mode: set by the deployment: the gateway uses token auth with the deployment's gateway token; set openclaw-fly:gatewayToken (secret; generated when unset), delivered as OPENCLAW_GATEWAY_TOKEN",
    ],
    [
      "Tailscale exposure",
      { gateway: { tailscale: { mode: "funnel" } } },
      "openclaw.gateway.tailscale: set by the deployment: Tailscale serve and funnel force a loopback bind, which Fly's proxy cannot reach; mode: private, then `fly proxy 3000:3000 -a <app>` (the proxyCommand output) or WireGuard",
    ],
    [
      "TLS",
      { gateway: { tls: { enabled: true } } },
      "openclaw.gateway.tls: set by the deployment: Fly's proxy terminates TLS; its services and checks speak plain HTTP to the gateway; leave it out; public mode serves HTTPS on <app>.fly.dev",
    ],
    [
      "environment variables",
      { env: { vars: { OPENCLAW_STATE_DIR: "/tmp" } } },
      "openclaw.env.vars: set by the deployment: the deployment sets the machine's environment (OPENCLAW_STATE_DIR=/data, the config path, the heap) and delivers secrets as Fly secrets; extraEnv for plain variables; providerKeys or channelTokens for secrets",
    ],
  ])("refuses %s with why and what to use instead", (_label, settings, problem) => {
    expect(check(settings).problems).toEqual([problem]);
  });

  it("only warns when an owned key repeats what the deployment writes", () => {
    const result = check({
      gateway: { mode: "local", port: 3000, bind: "lan", auth: { mode: "token" } },
    });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      'openclaw.gateway.mode: already written by the deployment; leave it out (the machine runs a local gateway, and the deployment writes "local")',
      "openclaw.gateway.port: already written by the deployment; leave it out (the machine's command sets --port 3000, the port Fly's services and checks use)",
      "openclaw.gateway.bind: already written by the deployment; leave it out (the machine's command sets --bind lan, so that Fly's proxy and Flycast reach the gateway)",
      "openclaw.gateway.auth.mode: already written by the deployment; leave it out (the gateway uses token auth with the deployment's gateway token)",
    ]);
    expect(result.config?.gateway).toEqual(GATEWAY);
  });

  it("merges trusted origins instead of owning them", () => {
    const result = check({
      gateway: { controlUi: { allowedOrigins: ["https://claw.example.com"] } },
    });
    expect(result.config?.gateway.controlUi).toEqual({
      allowedOrigins: ["https://my-claw.fly.dev", "https://claw.example.com"],
    });
  });

  it("merges trusted proxies instead of owning them, and checks the user's with the schema", () => {
    const result = check({ gateway: { trustedProxies: ["203.0.113.0/24"] } });
    expect(result.problems).toEqual([]);
    expect(result.config?.gateway.trustedProxies).toEqual(["172.16.0.0/12", "203.0.113.0/24"]);
    expect(check({ gateway: { trustedProxies: [42] } }).problems).toEqual([
      "openclaw.gateway.trustedProxies[1]: must be a string",
    ]);
  });

  it("trusts Fly's proxy in private mode only with Flycast, which the argument check passes on", () => {
    const privately = (flycast: boolean) =>
      checkOpenClawArgument({ appName: "my-claw", mode: "private", flycast, openclaw: {} }).config
        ?.gateway.trustedProxies;
    expect(privately(true)).toEqual(["172.16.0.0/12"]);
    expect(privately(false)).toBeUndefined();
  });

  it("warns about an origin no browser sends", () => {
    const result = check({
      gateway: { controlUi: { allowedOrigins: ["https://claw.example.com/ui"] } },
    });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      'openclaw.gateway.controlUi.allowedOrigins[1]: "https://claw.example.com/ui" never matches a browser\'s Origin header, which is scheme, host and port only (e.g. https://claw.example.com)',
    ]);
  });
});

describe("checkOpenClawSettings: secrets", () => {
  const SECRET_RULE =
    'a secret written here would sit in plain text in the Pulumi state and the machine config; give the value in providerKeys or channelTokens (delivered as a Fly secret) and write its environment name here as "${NAME}", or leave the key out where the gateway reads the variable by itself (e.g. DISCORD_BOT_TOKEN)';

  it("refuses a literal secret wherever the schema takes a secret input", () => {
    const result = check({
      channels: { discord: { token: "MTIz.abc.def" } },
      models: {
        providers: { x: { baseUrl: "https://x.example.com", apiKey: "sk-1", models: [] } },
      },
    });
    expect(result.problems).toEqual([
      `openclaw.channels.discord.token: ${SECRET_RULE}`,
      `openclaw.models.providers.x.apiKey: ${SECRET_RULE}`,
    ]);
    expect(result.problems.join("\n")).not.toContain("sk-1");
    expect(result.problems.join("\n")).not.toContain("MTIz");
  });

  it("refuses a literal hook token, and only warns about literal MCP env and headers", () => {
    const result = check({
      hooks: { token: "hook-secret" },
      mcp: {
        servers: {
          docs: {
            command: "docs-mcp",
            env: { DOCS_KEY: "k-1", DEBUG: "${DEBUG_DOCS}" },
            headers: { "X-Org": "acme" },
          },
        },
      },
    });
    expect(result.problems).toEqual([`openclaw.hooks.token: ${SECRET_RULE}`]);
    const plain =
      'sits in plain text in the Pulumi state and the machine config; if it is a secret, give it in providerKeys and write "${NAME}" here';
    expect(result.warnings).toEqual([
      "openclaw.mcp.servers.docs.env.DEBUG_DOCS: refers to ${DEBUG_DOCS}, which the machine's environment does not set (add it to providerKeys, channelTokens or extraEnv); the gateway turns the feature off without it".replace(
        "env.DEBUG_DOCS",
        "env.DEBUG",
      ),
      `openclaw.mcp.servers.docs.env.DOCS_KEY: ${plain}`,
      `openclaw.mcp.servers.docs.headers.X-Org: ${plain}`,
    ]);
  });

  it("accepts env references, as a template or a SecretRef", () => {
    const result = check({
      channels: {
        discord: { token: "${DISCORD_BOT_TOKEN}" },
        telegram: { botToken: { source: "env", provider: "default", id: "TELEGRAM_BOT_TOKEN" } },
      },
    });
    expect(result.problems).toEqual([]);
  });

  it("warns when a reference names a variable the machine will not have", () => {
    const result = check({ channels: { discord: { token: "${DISCORD_TOKEN}" } } });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      "openclaw.channels.discord.token: refers to ${DISCORD_TOKEN}, which the machine's environment does not set (add it to providerKeys, channelTokens or extraEnv); the gateway turns the feature off without it",
    ]);
  });
});

describe("checkOpenClawSettings: versions", () => {
  it("refuses settings for a version without a committed schema, with the command that adds it", () => {
    const result = check({ cron: { enabled: true } }, { version: { version: "2026.9.7" } });
    expect(result.config).toBeUndefined();
    expect(result.problems).toEqual([
      "openclaw: cannot be checked: OpenClaw 2026.9.7 has no committed schema to check them against; run `npm run openclaw-schema -- 2026.9.7` (it installs nothing into the program; see the README) and commit components/openclaw-schemas/openclaw-schema-2026.9.7.json, or pin a version with a committed schema: 2026.9.5, 2026.9.6",
    ]);
  });

  it("ships empty settings for such a version and says they were not checked", () => {
    const result = check({}, { version: { version: "2026.9.7" } });
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({ gateway: GATEWAY });
    expect(result.warnings).toEqual([
      "openclaw: not checked (only the deployment's own gateway block ships): OpenClaw 2026.9.7 has no committed schema to check them against; run `npm run openclaw-schema -- 2026.9.7` (it installs nothing into the program; see the README) and commit components/openclaw-schemas/openclaw-schema-2026.9.7.json, or pin a version with a committed schema: 2026.9.5, 2026.9.6",
    ]);
  });

  it("checks against the pinned version's own schema", () => {
    // decisionModel is new in 2026.9.6; 2026.9.5 refuses it.
    const settings = { agents: { defaults: { decisionModel: "openai/gpt-5.4" } } };
    expect(check(settings, { version: { version: "2026.9.6" } }).problems).toEqual([]);
    expect(check(settings, { version: { version: "2026.9.5" } }).problems).toEqual([
      "openclaw.agents.defaults.decisionModel: unknown key (the gateway refuses keys its schema does not name)",
    ]);
  });

  it("takes the version from the image tag of the arguments", () => {
    const settings = { agents: { defaults: { decisionModel: "openai/gpt-5.4" } } };
    const of = (image: string) =>
      checkOpenClawArgument({ appName: "my-claw", image, openclaw: settings }).problems;
    expect(of("ghcr.io/openclaw/openclaw:2026.9.6")).toEqual([]);
    expect(of(`ghcr.io/openclaw/openclaw:2026.9.6-browser@sha256:${"a".repeat(64)}`)).toEqual([]);
    expect(of("ghcr.io/openclaw/openclaw:2026.9.5")).toHaveLength(1);
    expect(of(`ghcr.io/openclaw/openclaw@sha256:${"a".repeat(64)}`)).toEqual([
      `openclaw: cannot be checked: the OpenClaw version is unknown: image "ghcr.io/openclaw/openclaw@sha256:${"a".repeat(64)}" is pinned by digest alone; put the version in the tag, e.g. ghcr.io/openclaw/openclaw:2026.9.6@sha256:${"a".repeat(64)} (versions with a committed schema: 2026.9.5, 2026.9.6)`,
    ]);
  });

  it("uses the default image's version when no image is given", () => {
    expect(checkOpenClawArgument({ appName: "my-claw", openclaw: { cron: {} } }).problems).toEqual(
      [],
    );
  });
});

describe("checkOpenClawSettings: how problems read", () => {
  it("lists every problem at once, one line each, after the owned and legacy ones", () => {
    const result = check({
      gateway: { port: 8080 },
      agents: { list: [{ id: "Main" }], defaults: { maxConcurrent: "4" } },
      bindings: [{ agentId: "ghost", match: { channel: "telegram" } }],
      channels: { telegarm: {} },
    });
    expect(result.problems).toEqual([
      "openclaw.gateway.port: set by the deployment: the machine's command sets --port 3000, the port Fly's services and checks use; leave it out; reach the gateway through the url, privateAddress or proxyCommand output",
      'openclaw.agents.list: the 2026.1 form of agents.entries, and not convertible: every entry needs a unique, lowercase id of a-z 0-9 _ -; write agents.entries keyed by id instead, e.g. {"main":{}}',
      "openclaw.agents.defaults.maxConcurrent: must be a whole number",
      'openclaw.bindings[0].agentId: unknown agent "ghost" (agents: main, implicit)',
      'openclaw.channels.telegarm: unknown channel id "telegarm" (channels: a2a, buzz, clickclack, discord, feishu, googlechat, imessage, irc, line, matrix, mattermost, msteams, nextcloud-talk, nostr, qa-channel, raft, reef, signal, slack, sms, synology-chat, telegram, tlon, twitch, whatsapp, zalo, zalouser)',
    ]);
  });

  it("gives the same answer for the same input without checking twice", () => {
    const settings = { cron: { enabled: true } };
    expect(check(settings)).toBe(check(structuredClone(settings)));
  });
});
