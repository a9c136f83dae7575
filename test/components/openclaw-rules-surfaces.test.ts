import { describe, expect, it } from "vitest";
import { committedSchema } from "../../components/openclaw-schema-check";
import {
  bundledNames,
  channelAcpBindingIssues,
  heartbeatTargetIssues,
  pluginReferenceIssues,
  secretProviderSourceIssues,
  unknownChannelIssues,
  webSearchIssues,
} from "../../components/openclaw-rules-channels";
import {
  gatewayRoleIssues,
  hookMappingIssues,
  mcpServerIssues,
  portalIssues,
  publicOriginIssues,
  sandboxOriginIssues,
  talkProviderIssues,
} from "../../components/openclaw-rules-gateway";

const schema = committedSchema("2026.9.6");
const bundled = bundledNames(schema);

describe("bundledNames: the registry the image's gateway has", () => {
  it("reads the channels and plugins 2026.9.6 bundles from its schema", () => {
    expect(bundled.channels.has("telegram")).toBe(true);
    expect(bundled.channels.has("defaults")).toBe(false);
    expect(bundled.plugins.has("memory-core")).toBe(true);
    expect(bundled.plugins.has("voice-call")).toBe(false);
    expect(bundled.channels.size).toBe(27);
  });
});

describe("unknownChannelIssues (validatePreparedConfigWithPlugins, unknown channel ids)", () => {
  it("refuses a channel the gateway does not have, and only warns when its plugin is configured", () => {
    expect(
      unknownChannelIssues({ channels: { telegram: {}, defaults: {}, telegarm: {} } }, bundled)
        .issues,
    ).toEqual([
      {
        path: ["channels", "telegarm"],
        rule: expect.stringMatching(
          /^unknown channel id "telegarm" \(channels: a2a, .*zalouser\)$/,
        ),
      },
    ]);
    expect(
      unknownChannelIssues({ channels: { wechat: {} }, plugins: { allow: ["wechat"] } }, bundled),
    ).toEqual({
      issues: [],
      warnings: [
        {
          path: ["channels", "wechat"],
          rule: 'unknown channel id "wechat": its plugin is not installed, so the gateway ignores this block',
        },
      ],
    });
  });
});

describe("channelAcpBindingIssues (ChannelsSchema.superRefine)", () => {
  it("finds channel-local ACP bindings at any depth", () => {
    expect(
      channelAcpBindingIssues({
        channels: { discord: { accounts: { a: { bindings: { acp: {} } } } } },
      }),
    ).toEqual([
      {
        path: ["channels", "discord", "accounts", "a", "bindings", "acp"],
        rule: 'channel-local ACP bindings were removed; use top-level bindings[] entries with type: "acp"',
      },
    ]);
  });
});

describe("heartbeatTargetIssues (validateHeartbeatTarget)", () => {
  it("accepts owner, last, none and channels; refuses others and empty targets", () => {
    const of = (target: string) =>
      heartbeatTargetIssues({ agents: { defaults: { heartbeat: { target } } } }, bundled);
    for (const ok of ["owner", "last", "none", "Telegram", "discord"]) expect(of(ok)).toEqual([]);
    expect(of("pager")).toEqual([
      {
        path: ["agents", "defaults", "heartbeat", "target"],
        rule: 'unknown heartbeat target "pager": use owner, last, none or a channel id',
      },
    ]);
    expect(of(" ")).toEqual([
      { path: ["agents", "defaults", "heartbeat", "target"], rule: "must not be empty" },
    ]);
    expect(
      heartbeatTargetIssues(
        { agents: { entries: { a: { heartbeat: { target: "x" } } } } },
        bundled,
      ),
    ).toEqual([
      {
        path: ["agents", "entries", "a", "heartbeat", "target"],
        rule: 'unknown heartbeat target "x": use owner, last, none or a channel id',
      },
    ]);
  });
});

describe("pluginReferenceIssues (validateExplicitPluginConfig)", () => {
  const notBundled = (id: string) =>
    `plugin "${id}" is not bundled with OpenClaw 2026.9.6, so the gateway ignores it until the plugin is installed in the image (openclaw plugins install <package>)`;

  it("warns about entries, allow and deny naming plugins the image does not bundle", () => {
    expect(
      pluginReferenceIssues(
        {
          plugins: {
            entries: {
              "voice-call": { enabled: true },
              "memory-core": {},
              old: { enabled: false },
            },
            allow: ["telegram", "x"],
            deny: ["y"],
          },
        },
        bundled,
        "2026.9.6",
      ),
    ).toEqual({
      issues: [],
      warnings: [
        { path: ["plugins", "entries", "voice-call"], rule: notBundled("voice-call") },
        { path: ["plugins", "allow", 1], rule: notBundled("x") },
        { path: ["plugins", "deny", 0], rule: notBundled("y") },
      ],
    });
  });

  it("refuses a memory slot naming a missing plugin, except memory-lancedb which it warns about", () => {
    expect(
      pluginReferenceIssues({ plugins: { slots: { memory: "memory-x" } } }, bundled, "2026.9.6")
        .issues,
    ).toEqual([
      {
        path: ["plugins", "slots", "memory"],
        rule: 'plugin "memory-x" is not bundled with OpenClaw 2026.9.6; name one the image has (memory-core, memory-wiki) or "none"',
      },
    ]);
    expect(
      pluginReferenceIssues(
        { plugins: { slots: { memory: "memory-lancedb" } } },
        bundled,
        "2026.9.6",
      ).issues,
    ).toEqual([]);
    expect(
      pluginReferenceIssues({ plugins: { slots: { memory: "none" } } }, bundled, "2026.9.6"),
    ).toEqual({ issues: [], warnings: [] });
  });
});

describe("secretProviderSourceIssues (collectSecretRefProviderSourceIssues)", () => {
  it("refuses a reference asking a provider for another source", () => {
    expect(
      secretProviderSourceIssues({
        secrets: { providers: { vault: { source: "file" } } },
        channels: {
          discord: { token: { source: "env", provider: "vault", id: "X" } },
          slack: { token: { source: "file", provider: "vault", id: "/k" } },
        },
      }),
    ).toEqual([
      {
        path: ["channels", "discord", "token"],
        rule: 'secret provider "vault" has source "file", but this reference asks for "env"',
      },
    ]);
  });
});

describe("webSearchIssues (validateWebSearchProvider, ToolsWebSearchSchema.superRefine)", () => {
  const of = (config: Record<string, unknown>) => webSearchIssues(config, schema);
  const path = ["tools", "web", "search", "provider"];

  it("accepts a provider a bundled plugin serves", () => {
    expect(of({ tools: { web: { search: { provider: "gemini" } } } })).toEqual({
      issues: [],
      warnings: [],
    });
  });

  it("refuses a provider whose plugin is not bundled, or warns when plugins config names it", () => {
    expect(of({ tools: { web: { search: { provider: "kimi" } } } }).issues).toEqual([
      {
        path,
        rule: 'web search provider "kimi" needs the plugin "moonshot", which the image does not bundle (available: gemini, grok, minimax, ollama)',
      },
    ]);
    expect(
      of({
        tools: { web: { search: { provider: "kimi" } } },
        plugins: { entries: { moonshot: {} } },
      }).warnings,
    ).toEqual([
      {
        path,
        rule: 'web search provider "kimi" needs the plugin "moonshot", which the image does not bundle; the gateway ignores this setting until it is installed',
      },
    ]);
  });

  it("refuses an unknown provider, an empty one, and provider blocks of the retired form", () => {
    expect(
      of({ tools: { web: { search: { provider: "altavista", brave: { x: 1 }, apiKey: "${K}" } } } })
        .issues,
    ).toEqual([
      {
        path: ["tools", "web", "search", "brave"],
        rule: "the retired form of provider settings; use plugins.entries.<plugin>.config.webSearch",
      },
      {
        path: ["tools", "web", "search", "apiKey"],
        rule: "the retired form of provider settings; use plugins.entries.<plugin>.config.webSearch",
      },
      {
        path,
        rule: expect.stringMatching(
          /^unknown web search provider "altavista" \(providers: brave, duckduckgo, .*tavily\)$/,
        ),
      },
    ]);
    expect(of({ tools: { web: { search: { provider: "" } } } }).issues).toEqual([
      { path, rule: "must not be empty" },
    ]);
  });
});

describe("gateway rules (GatewayConfigSchema and its refinements)", () => {
  it("publicOriginIssues: a bare HTTPS origin, or HTTP on loopback", () => {
    for (const ok of [
      "https://claw.example.com",
      "http://localhost:3000",
      "http://127.0.0.1",
      "not a url",
    ]) {
      expect(publicOriginIssues({ gateway: { publicOrigin: ok } })).toEqual([]);
    }
    for (const bad of [
      "http://claw.example.com",
      "https://claw.example.com/ui",
      "https://u:p@claw.example.com",
    ]) {
      expect(publicOriginIssues({ gateway: { publicOrigin: bad } })).toEqual([
        {
          path: ["gateway", "publicOrigin"],
          rule: "must be a bare HTTPS origin such as https://claw.example.com (HTTP only for localhost, 127.0.0.1 or [::1])",
        },
      ]);
    }
  });

  it("sandboxOriginIssues: an HTTP(S) origin without a path", () => {
    expect(
      sandboxOriginIssues({ mcp: { apps: { sandboxOrigin: "https://apps.example.com" } } }),
    ).toEqual([]);
    expect(
      sandboxOriginIssues({ mcp: { apps: { sandboxOrigin: "https://apps.example.com/x" } } }),
    ).toEqual([
      {
        path: ["mcp", "apps", "sandboxOrigin"],
        rule: "must be an HTTP(S) origin without a path, query, or credentials",
      },
    ]);
  });

  it("portalIssues: its own domain, apart from the gateway's origins, on another port", () => {
    const gateway = (ingress: Record<string, unknown>) => ({
      gateway: { port: 3000, publicOrigin: "https://claw.example.com", portals: { ingress } },
    });
    expect(portalIssues(gateway({ domain: "portals.example.net", port: 4000 }))).toEqual([]);
    expect(portalIssues(gateway({ domain: "example.com", port: 3000 }))).toEqual([
      {
        path: ["gateway", "portals", "ingress", "domain"],
        rule: "must be a domain apart from the Gateway's and the Control UI's origins",
      },
      {
        path: ["gateway", "portals", "ingress", "port"],
        rule: "must differ from the gateway's port (3000)",
      },
    ]);
    expect(portalIssues(gateway({ domain: "10.0.0.1" }))).toEqual([
      { path: ["gateway", "portals", "ingress", "domain"], rule: "must be a bare DNS domain" },
    ]);
  });

  it("gatewayRoleIssues: at least one definition, and a default among them", () => {
    expect(
      gatewayRoleIssues({ gateway: { roles: { default: "a", definitions: { a: {} } } } }),
    ).toEqual([]);
    expect(
      gatewayRoleIssues({ gateway: { roles: { default: "b", definitions: { a: {} } } } }),
    ).toEqual([
      {
        path: ["gateway", "roles", "default"],
        rule: "must name a role in gateway.roles.definitions (a)",
      },
    ]);
    expect(gatewayRoleIssues({ gateway: { roles: { default: "a", definitions: {} } } })).toEqual([
      { path: ["gateway", "roles", "definitions"], rule: "must define at least one role" },
    ]);
  });

  it("talkProviderIssues: the provider is a configured one, and is required among several", () => {
    expect(talkProviderIssues({ talk: { provider: "OpenAI", providers: { openai: {} } } })).toEqual(
      [],
    );
    expect(
      talkProviderIssues({
        talk: {
          provider: "x",
          providers: { openai: {} },
          realtime: { providers: { a: {}, b: {} } },
        },
      }),
    ).toEqual([
      { path: ["talk", "provider"], rule: "must be one of the configured providers (openai)" },
      {
        path: ["talk", "realtime", "provider"],
        rule: "is required when several providers are configured (a, b)",
      },
    ]);
  });

  it("mcpServerIssues: reserved and untrimmed names, retired keys, disabled", () => {
    expect(
      mcpServerIssues({
        mcp: {
          servers: JSON.parse(
            '{"__proto__": {}, "ok": {"timeout": 5, "disabled": true, "codex": {"default_tools_approval_mode": "auto"}}}',
          ),
        },
        nodeHost: { mcp: { servers: { " x": {} } } },
      }),
    ).toEqual([
      {
        path: ["mcp", "servers", "__proto__"],
        rule: 'server name "__proto__" is reserved; rename the server',
      },
      {
        path: ["mcp", "servers", "ok", "timeout"],
        rule: "a retired key; use connectionTimeoutMs and requestTimeoutMs, cwd, and the camelCase spellings",
      },
      {
        path: ["mcp", "servers", "ok", "codex", "default_tools_approval_mode"],
        rule: "a retired key; use codex.defaultToolsApprovalMode",
      },
      {
        path: ["mcp", "servers", "ok", "disabled"],
        rule: "not supported; write enabled: false instead",
      },
      {
        path: ["nodeHost", "mcp", "servers", " x"],
        rule: "server names must be non-empty, without surrounding whitespace",
      },
    ]);
  });

  it("hookMappingIssues: persistent agent mappings need a session key", () => {
    const mapping = { action: "agent", sessionMode: "persistent" };
    expect(
      hookMappingIssues({
        hooks: {
          mappings: [mapping, { ...mapping, sessionKey: "k" }, { ...mapping, transform: {} }],
        },
      }),
    ).toEqual([
      {
        path: ["hooks", "mappings", 0, "sessionKey"],
        rule: "persistent hook mappings need sessionKey, hooks.defaultSessionKey, or a transform",
      },
    ]);
    expect(hookMappingIssues({ hooks: { defaultSessionKey: "d", mappings: [mapping] } })).toEqual(
      [],
    );
  });
});
