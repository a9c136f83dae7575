/**
 * The gateway's rules for what it is wired to: MCP servers, hook mappings and browser
 * profiles, ported from OpenClaw 2026.9.6 (dist/zod-schema-*.mjs; sources in src/config/).
 */
import type { ConfigIssue } from "./openclaw-issue";
import { isRecord, mcpServerScopes, record, type Json } from "./openclaw-json";

const MCP_LEGACY_KEYS = [
  "connectTimeout",
  "connect_timeout",
  "timeout",
  "workingDirectory",
  "supports_parallel_tool_calls",
  "ssl_verify",
  "client_cert",
  "client_key",
];

/**
 * `McpServerNameSchema`, `NodeHostMcpServerNameSchema` and `McpServerSchema.superRefine`: server
 * names are not `__proto__` (node host names are also trimmed and non-empty), the legacy
 * snake-case keys and `disabled` are refused with their current form.
 */
export function mcpServerIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // Node host server names are also trimmed and non-empty (NodeHostMcpServerNameSchema).
  for (const [base, servers] of mcpServerScopes(config)) {
    const strictNames = base[0] === "nodeHost";
    for (const [name, server] of Object.entries(servers)) {
      if (name === "__proto__" || (strictNames && (name === "" || name !== name.trim()))) {
        issues.push({
          path: [...base, name],
          rule:
            name === "__proto__"
              ? 'server name "__proto__" is reserved; rename the server'
              : "server names must be non-empty, without surrounding whitespace",
        });
      }
      if (!isRecord(server)) continue;
      for (const key of MCP_LEGACY_KEYS) {
        if (Object.hasOwn(server, key))
          issues.push({
            path: [...base, name, key],
            rule: "a retired key; use connectionTimeoutMs and requestTimeoutMs, cwd, and the camelCase spellings",
          });
      }
      if (Object.hasOwn(record(server.codex), "default_tools_approval_mode")) {
        issues.push({
          path: [...base, name, "codex", "default_tools_approval_mode"],
          rule: "a retired key; use codex.defaultToolsApprovalMode",
        });
      }
      if (Object.hasOwn(server, "disabled")) {
        const disabled = server.disabled;
        issues.push({
          path: [...base, name, "disabled"],
          rule:
            typeof disabled === "boolean"
              ? `not supported; write enabled: ${!disabled} instead`
              : 'not supported; use the "enabled" boolean instead',
        });
      }
    }
  }
  return issues;
}

/** `hooks.superRefine`: a persistent agent mapping needs a session key or a transform. */
export function hookMappingIssues(config: Json): ConfigIssue[] {
  const hooks = record(config.hooks);
  const hasDefault =
    typeof hooks.defaultSessionKey === "string" && hooks.defaultSessionKey.trim() !== "";
  const mappings = Array.isArray(hooks.mappings) ? hooks.mappings : [];
  return mappings.flatMap((mapping, index) => {
    const m = record(mapping);
    const persistentAgent = (m.action ?? "agent") === "agent" && m.sessionMode === "persistent";
    const keyed = typeof m.sessionKey === "string" && m.sessionKey.trim() !== "";
    return persistentAgent && !keyed && !hasDefault && !m.transform
      ? [
          {
            path: ["hooks", "mappings", index, "sessionKey"],
            rule: "persistent hook mappings need sessionKey, hooks.defaultSessionKey, or a transform",
          },
        ]
      : [];
  });
}

/**
 * `browser.profiles` refinements: a profile attaches through cdpPort or cdpUrl (unless it is an
 * existing session or the extension), userDataDir belongs to existing sessions, and the
 * extension owns its endpoint.
 */
export function browserProfileIssues(config: Json): ConfigIssue[] {
  return Object.entries(record(record(config.browser).profiles)).flatMap(
    ([name, value]): ConfigIssue[] => {
      const profile = record(value);
      const path = ["browser", "profiles", name];
      const driver = profile.driver;
      const issues: ConfigIssue[] = [];
      if (
        driver !== "existing-session" &&
        driver !== "extension" &&
        !profile.cdpPort &&
        !profile.cdpUrl
      )
        issues.push({ path, rule: "must set cdpPort or cdpUrl" });
      if (driver !== "existing-session" && profile.userDataDir)
        issues.push({
          path: [...path, "userDataDir"],
          rule: 'is only supported with driver "existing-session"',
        });
      if (driver === "extension" && profile.cdpUrl)
        issues.push({
          path: [...path, "cdpUrl"],
          rule: 'is not supported with driver "extension" (the relay owns the endpoint)',
        });
      return issues;
    },
  );
}
