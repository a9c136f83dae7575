/**
 * The gateway's rules for what agents may run: sandbox environments and security, tool and exec
 * policies, ported from OpenClaw 2026.9.6 (dist/validation-core-*.mjs and
 * dist/zod-schema.agent-runtime-*.mjs; sources in src/config/).
 */
import type { ConfigIssue } from "./openclaw-issue";
import {
  entriesOf,
  isRecord,
  record,
  sandboxScopes,
  type Json,
  type JsonPath,
} from "./openclaw-json";

/**
 * validation-core.ts `collectSandboxContainerEnvIssues` (container-env-file.ts): Docker and
 * Podman sandboxes pass env through a line-based file, so names must be portable and values one
 * line without NUL.
 */
export function sandboxEnvIssues(config: Json): ConfigIssue[] {
  return sandboxScopes(config).flatMap(([path, sandbox]) => {
    const backend = String(record(sandbox).backend ?? "docker").trim() || "docker";
    if (backend !== "docker" && backend !== "podman") return [];
    return Object.entries(record(record(record(sandbox).docker).env)).flatMap(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        return [
          {
            path: [...path, "docker", "env", name],
            rule: "must be a portable variable name (letters, digits and underscores, not starting with a digit)",
          },
        ];
      }
      return typeof value === "string" && /[\n\r\0]/.test(value)
        ? [
            {
              path: [...path, "docker", "env", name],
              rule: "must be one line without NUL: the sandbox's env file is line-based",
            },
          ]
        : [];
    });
  });
}

/** `SandboxDockerSchema` and `SandboxBrowserSchema` refinements: no host network, no unconfined profiles. */
export function sandboxSecurityIssues(config: Json): ConfigIssue[] {
  return sandboxScopes(config).flatMap(([path, sandbox]) => {
    const docker = record(record(sandbox).docker);
    const browser = record(record(sandbox).browser);
    const issues: ConfigIssue[] = [];
    const network = String(docker.network ?? "")
      .trim()
      .toLowerCase();
    const joinAllowed = docker.dangerouslyAllowContainerNamespaceJoin === true;
    if (network === "host")
      issues.push({
        path: [...path, "docker", "network"],
        rule: 'network mode "host" is blocked; use "bridge" or "none"',
      });
    if (network.startsWith("container:") && !joinAllowed)
      issues.push({
        path: [...path, "docker", "network"],
        rule: 'network mode "container:*" is blocked unless docker.dangerouslyAllowContainerNamespaceJoin is true',
      });
    for (const key of ["seccompProfile", "apparmorProfile"]) {
      if (
        String(docker[key] ?? "")
          .trim()
          .toLowerCase() === "unconfined"
      )
        issues.push({
          path: [...path, "docker", key],
          rule: 'profile "unconfined" is blocked; name a profile or leave it out',
        });
    }
    const browserNetwork = String(browser.network ?? "")
      .trim()
      .toLowerCase();
    if (browserNetwork === "host")
      issues.push({
        path: [...path, "browser", "network"],
        rule: 'browser network mode "host" is blocked; use "bridge" or a custom bridge network',
      });
    if (browserNetwork.startsWith("container:") && !joinAllowed)
      issues.push({
        path: [...path, "browser", "network"],
        rule: 'browser network mode "container:*" is blocked unless docker.dangerouslyAllowContainerNamespaceJoin is true',
      });
    return issues;
  });
}

/**
 * `ToolPolicySchema`, `AgentToolsSchema` and `ToolsSchema` refinements: a tool policy scope sets
 * `allow` or `alsoAllow`, not both.
 */
export function toolPolicyIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: JsonPath) => {
    if (!isRecord(value)) return;
    const both = [value.allow, value.alsoAllow].every(
      (list) => Array.isArray(list) && list.length > 0,
    );
    if (both)
      issues.push({
        path: [...path, "alsoAllow"],
        rule: "a tool policy cannot set both allow and alsoAllow (merge alsoAllow into allow, or drop allow and use profile + alsoAllow)",
      });
    for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  visit(config.tools, ["tools"]);
  for (const [id, entry] of Object.entries(record(record(config.agents).entries)))
    visit(record(entry).tools, ["agents", "entries", id, "tools"]);
  return issues;
}

/** `addExecPolicyModeConflictIssue`: an exec policy uses `mode`, or the legacy `security`/`ask`, not both. */
export function execPolicyIssues(config: Json): ConfigIssue[] {
  const scopes: [JsonPath, unknown][] = [[["tools", "exec"], record(config.tools).exec]];
  for (const [id, entry] of entriesOf(config))
    scopes.push([["agents", "entries", id, "tools", "exec"], record(entry.tools).exec]);
  return scopes.flatMap(([path, exec]): ConfigIssue[] => {
    const e = record(exec);
    return e.mode !== undefined && (e.security !== undefined || e.ask !== undefined)
      ? [
          {
            path: [...path, "mode"],
            rule: "cannot be combined with security or ask in the same exec policy; keep mode and drop the legacy pair (or the reverse)",
          },
        ]
      : [];
  });
}
