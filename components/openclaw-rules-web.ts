/**
 * The gateway's rules for what it reaches on the web: web search providers and the URLs of MCP
 * servers, proxies and model catalogs, ported from OpenClaw 2026.9.6
 * (dist/io.snapshot-preparation-*.mjs `validateWebSearchProvider`, dist/zod-schema-*.mjs and
 * dist/zod-schema.core-*.mjs refinements).
 */
import type { ConfigIssue } from "./openclaw-issue";
import {
  LOOPBACK_HOSTS,
  isRecord,
  mcpServerScopes,
  record,
  type Json,
  type JsonPath,
} from "./openclaw-json";
import { mentionsPlugin } from "./openclaw-rules-channels";

/** `x-openclaw-facts` of the committed schema (scripts/openclaw-schema/probe-gateway-facts.ts). */
interface SchemaFacts {
  webSearchProviders?: { active?: string[]; installable?: Record<string, string> };
}

// web-search-legacy-provider-keys.ts: provider blocks that moved to plugins.entries.<plugin>.config.webSearch.
const LEGACY_SEARCH_KEYS = new Set([
  "brave",
  "duckduckgo",
  "exa",
  "firecrawl",
  "gemini",
  "grok",
  "kimi",
  "minimax",
  "ollama",
  "perplexity",
  "searxng",
  "tavily",
]);

/**
 * `validateWebSearchProvider` and `ToolsWebSearchSchema.superRefine`: the provider is one the
 * bundled plugins serve. One whose plugin is not bundled is refused ("not available"), or only
 * warned about when plugins config mentions it (the gateway then ignores the setting). Provider
 * blocks under tools.web.search are the retired form of plugin settings.
 */
export function webSearchIssues(
  config: Json,
  schema: unknown,
): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const search = record(record(record(config.tools).web).search);
  for (const [key, value] of Object.entries(search)) {
    if (key === "apiKey" || (LEGACY_SEARCH_KEYS.has(key) && isRecord(value))) {
      issues.push({
        path: ["tools", "web", "search", key],
        rule: "the retired form of provider settings; use plugins.entries.<plugin>.config.webSearch",
      });
    }
  }
  const provider = search.provider;
  if (typeof provider !== "string") return { issues, warnings };
  const path = ["tools", "web", "search", "provider"];
  const id = provider.trim();
  const facts = record(record(schema)["x-openclaw-facts"]) as SchemaFacts;
  const active = facts.webSearchProviders?.active ?? [];
  const installable = facts.webSearchProviders?.installable ?? {};
  const known = [...active, ...Object.keys(installable)].sort();
  if (id === "") issues.push({ path, rule: "must not be empty" });
  else if (active.includes(id) || known.length === 0) return { issues, warnings };
  else if (installable[id] !== undefined) {
    const plugin = installable[id];
    const evidence = mentionsPlugin(config, id) || mentionsPlugin(config, plugin);
    const rule = `web search provider "${id}" needs the plugin "${plugin}", which the image does not bundle`;
    (evidence ? warnings : issues).push({
      path,
      rule: evidence
        ? `${rule}; the gateway ignores this setting until it is installed`
        : `${rule} (available: ${active.join(", ")})`,
    });
  } else if (mentionsPlugin(config, id)) {
    warnings.push({
      path,
      rule: `unknown web search provider "${id}": its plugin is not installed, so the gateway ignores this setting`,
    });
  } else {
    issues.push({
      path,
      rule: `unknown web search provider "${id}" (providers: ${known.join(", ")})`,
    });
  }
  return { issues, warnings };
}

const isHttp = (text: string, loopbackOnlyHttp = false) => {
  if (!URL.canParse(text)) return true; // not a URL at all: the schema's format says so
  const url = new URL(text);
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && (!loopbackOnlyHttp || LOOPBACK_HOSTS.includes(url.hostname));
};

/**
 * `HttpUrlSchema` (MCP server URLs), `McpOAuthClientMetadataUrlSchema`, `proxy.proxyUrl` and
 * `models.catalogRefresh.url` refinements: http(s) only, OAuth client metadata over HTTPS at a
 * path, the catalog over HTTPS (HTTP on loopback).
 */
export function httpUrlIssues(config: Json): ConfigIssue[] {
  const checks: [JsonPath, unknown, boolean][] = [
    [["proxy", "proxyUrl"], record(config.proxy).proxyUrl, false],
    [["models", "catalogRefresh", "url"], record(record(config.models).catalogRefresh).url, true],
  ];
  const issues: ConfigIssue[] = [];
  for (const [base, servers] of mcpServerScopes(config)) {
    for (const [name, server] of Object.entries(servers)) {
      checks.push([[...base, name, "url"], record(server).url, false]);
      // McpOAuthClientMetadataUrlSchema: an HTTPS URL with a path of its own.
      const metadata = record(record(server).oauth).clientMetadataUrl;
      if (typeof metadata === "string" && URL.canParse(metadata)) {
        const url = new URL(metadata);
        if (url.protocol !== "https:" || url.pathname === "/") {
          issues.push({
            path: [...base, name, "oauth", "clientMetadataUrl"],
            rule: "must be an https:// URL with a path (not just /)",
          });
        }
      }
    }
  }
  for (const [path, value, loopbackOnlyHttp] of checks) {
    if (typeof value === "string" && !isHttp(value.trim(), loopbackOnlyHttp)) {
      issues.push({
        path,
        rule: loopbackOnlyHttp
          ? "must use https (http only on localhost)"
          : "must use http:// or https://",
      });
    }
  }
  return issues;
}
