import { describe, expect, it } from "vitest";
import {
  browserProfileIssues,
  hookMappingIssues,
  mcpServerIssues,
} from "../../components/openclaw-rules-integrations";

describe("MCP servers and hook mappings (McpServerSchema, hooks refinements)", () => {
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
