import { describe, expect, it } from "vitest";
import { httpUrlIssues, webSearchIssues } from "../../components/openclaw-rules-web";
import { committedSchema } from "../../components/openclaw-schema-check";

const schema = committedSchema("2026.9.6");

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

describe("MCP OAuth client metadata (McpOAuthClientMetadataUrlSchema)", () => {
  it("needs an https URL with a path", () => {
    const of = (clientMetadataUrl: string) =>
      httpUrlIssues({
        mcp: { servers: { x: { url: "https://a.example.com/mcp", oauth: { clientMetadataUrl } } } },
      });
    expect(of("https://a.example.com/oauth/client.json")).toEqual([]);
    for (const bad of ["https://a.example.com", "http://a.example.com/client.json"]) {
      expect(of(bad)).toEqual([
        {
          path: ["mcp", "servers", "x", "oauth", "clientMetadataUrl"],
          rule: "must be an https:// URL with a path (not just /)",
        },
      ]);
    }
  });
});
