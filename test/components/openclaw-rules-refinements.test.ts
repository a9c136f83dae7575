import { describe, expect, it } from "vitest";
import { committedSchema } from "../../components/openclaw-schema-check";
import {
  agentModelIssues,
  broadcastShapeIssues,
  browserProfileIssues,
  cloudWorkerIssues,
  execPolicyIssues,
  fileSecretRefIssues,
  httpUrlIssues,
  modelProviderIssues,
  pathIssues,
} from "../../components/openclaw-rules-refinements";

describe("modelProviderIssues (zod-schema.core.ts ModelProvidersSchema.superRefine)", () => {
  const schema = committedSchema("2026.9.6");

  it("lets known providers leave baseUrl and models out, and asks others for both", () => {
    expect(
      modelProviderIssues({ models: { providers: { Anthropic: {}, openrouter: {} } } }, schema),
    ).toEqual([]);
    expect(
      modelProviderIssues(
        { models: { providers: { box: { api: "openai-completions" } } } },
        schema,
      ),
    ).toEqual([
      {
        path: ["models", "providers", "box", "baseUrl"],
        rule: 'is required: "box" is not a provider the gateway knows, so it needs its endpoint',
      },
      {
        path: ["models", "providers", "box", "models"],
        rule: 'is required: "box" is not a provider the gateway knows, so it needs its model list',
      },
    ]);
  });
});

describe("broadcastShapeIssues (zod-schema.core.ts BroadcastSchema.superRefine)", () => {
  it("needs channel-qualified keys for group options and caps threads at 16 agents", () => {
    const many = Array.from({ length: 17 }, (_, i) => `a${i}`);
    expect(
      broadcastShapeIssues({
        broadcast: {
          strategy: "all",
          family: { agents: ["main"] },
          "telegram:1": many,
          list: many,
          "slack:C1": { agents: ["main"] },
        },
      }),
    ).toEqual([
      {
        path: ["broadcast", "family"],
        rule: "group options need a channel-qualified key (<channel>:<peerId>)",
      },
      { path: ["broadcast", "telegram:1"], rule: "an agent group thread takes at most 16 agents" },
    ]);
  });
});

describe("fileSecretRefIssues (zod-schema.core.ts FileSecretRefSchema)", () => {
  it("needs a JSON pointer or value in the core, and leaves channel settings to their schema", () => {
    const ref = (id: string) => ({ source: "file", provider: "vault", id });
    expect(
      fileSecretRefIssues({
        models: {
          providers: {
            a: { apiKey: ref("/a/key") },
            b: { apiKey: ref("value") },
            c: { apiKey: ref("c/key") },
          },
        },
        channels: { telegram: { botToken: ref("x/y") } },
        plugins: { entries: { p: { config: { token: ref("x/y") } } } },
      }),
    ).toEqual([
      {
        path: ["models", "providers", "c", "apiKey", "id"],
        rule: 'must be an absolute JSON pointer (e.g. "/providers/openai/apiKey"), or "value" for a single-value file',
      },
    ]);
  });
});

describe("execPolicyIssues (zod-schema.agent-runtime.ts addExecPolicyModeConflictIssue)", () => {
  it("refuses mode beside security or ask", () => {
    expect(
      execPolicyIssues({
        tools: { exec: { mode: "ask", ask: "always" } },
        agents: { entries: { a: { tools: { exec: { mode: "ask" } } } } },
      }),
    ).toEqual([
      {
        path: ["tools", "exec", "mode"],
        rule: "cannot be combined with security or ask in the same exec policy; keep mode and drop the legacy pair (or the reverse)",
      },
    ]);
  });
});

describe("httpUrlIssues (HttpUrlSchema, proxyUrl, catalogRefresh.url refinements)", () => {
  it("keeps URLs to http(s), the catalog to https or loopback http", () => {
    expect(
      httpUrlIssues({
        mcp: { servers: { a: { url: "https://x.example.com" }, b: { url: "ws://x.example.com" } } },
        proxy: { proxyUrl: "socks5://proxy:1080" },
        models: { catalogRefresh: { url: "http://catalog.example.com" } },
        nodeHost: { mcp: { servers: { c: { url: "http://localhost:9000" } } } },
      }),
    ).toEqual([
      { path: ["proxy", "proxyUrl"], rule: "must use http:// or https://" },
      {
        path: ["models", "catalogRefresh", "url"],
        rule: "must use https (http only on localhost)",
      },
      { path: ["mcp", "servers", "b", "url"], rule: "must use http:// or https://" },
    ]);
  });
});

describe("pathIssues (worktreeRoot, desktop passwordFile, hook transform module refinements)", () => {
  it("refuses relative roots and files, and unsafe modules", () => {
    expect(
      pathIssues({
        worktreeRoot: "~/trees",
        desktop: { host: { passwordFile: "/data/vnc" } },
        hooks: { mappings: [{ transform: { module: "hooks/gh.js" } }] },
      }),
    ).toEqual([]);
    expect(
      pathIssues({
        worktreeRoot: "trees",
        desktop: { host: { passwordFile: "vnc" } },
        hooks: {
          mappings: [{ transform: { module: "../x.js" } }, { transform: { module: "/x.js" } }],
        },
      }),
    ).toEqual([
      { path: ["worktreeRoot"], rule: "must be an absolute path or start with ~" },
      { path: ["desktop", "host", "passwordFile"], rule: "must be an absolute path" },
      {
        path: ["hooks", "mappings", 0, "transform", "module"],
        rule: "must be a safe relative path (no absolute path, ~, drive or ..)",
      },
      {
        path: ["hooks", "mappings", 1, "transform", "module"],
        rule: "must be a safe relative path (no absolute path, ~, drive or ..)",
      },
    ]);
  });
});

describe("agentModelIssues (DecisionModelSchema, pickerRuntimes refinements)", () => {
  it("needs provider/model decision models and named picker runtimes", () => {
    expect(
      agentModelIssues({
        agents: {
          defaults: { decisionModel: "", models: { "a/b": { pickerRuntimes: ["codex", "auto"] } } },
          entries: { w: { decisionModel: "gpt-5.4" }, x: { decisionModel: " openai / gpt-5.4 " } },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "models", "a/b", "pickerRuntimes", 1],
        rule: "must name a runtime; auto and default are not runtimes",
      },
      {
        path: ["agents", "entries", "w", "decisionModel"],
        rule: 'must be "provider/model", or "" to turn decision models off',
      },
    ]);
  });
});

describe("browserProfileIssues (browser.profiles refinements)", () => {
  it("needs an endpoint, keeps userDataDir to existing sessions and cdpUrl away from the extension", () => {
    expect(
      browserProfileIssues({
        browser: {
          profiles: {
            a: { cdpPort: 1 },
            b: { driver: "existing-session", userDataDir: "/d" },
            c: {},
            d: { cdpUrl: "http://x", userDataDir: "/d" },
            e: { driver: "extension", cdpUrl: "http://x" },
          },
        },
      }),
    ).toEqual([
      { path: ["browser", "profiles", "c"], rule: "must set cdpPort or cdpUrl" },
      {
        path: ["browser", "profiles", "d", "userDataDir"],
        rule: 'is only supported with driver "existing-session"',
      },
      {
        path: ["browser", "profiles", "e", "cdpUrl"],
        rule: 'is not supported with driver "extension" (the relay owns the endpoint)',
      },
    ]);
  });
});

describe("cloudWorkerIssues (zod-schema.cloud-workers.ts refinements)", () => {
  it("needs trimmed profile ids and a suspendAfter of at least a minute, with its unit", () => {
    expect(
      cloudWorkerIssues({
        cloudWorkers: {
          profiles: {
            ok: { suspendAfter: "45m" },
            " x": {},
            y: { suspendAfter: "30s" },
            z: { suspendAfter: "90" },
          },
        },
      }),
    ).toEqual([
      {
        path: ["cloudWorkers", "profiles", " x"],
        rule: "profile ids must not have surrounding spaces",
      },
      {
        path: ["cloudWorkers", "profiles", "y", "suspendAfter"],
        rule: "must be a duration of at least 1m (e.g. 45m, 2h)",
      },
      {
        path: ["cloudWorkers", "profiles", "z", "suspendAfter"],
        rule: "must be a duration of at least 1m (e.g. 45m, 2h)",
      },
    ]);
  });
});
