/**
 * The gateway's cross-field rules for agents and routing, ported from OpenClaw 2026.9.6. JSON
 * Schema cannot state them (they relate keys to each other), so `openclaw config schema` does
 * not print them; each function names the zod refinement or validation step it mirrors
 * (file names are those of the 2026.9.6 dist/, sources are src/config/ in the repository).
 */
import { posix } from "node:path";
import { STATE_DIR } from "./gateway-constants";
import {
  agentEntryIds,
  DEFAULT_AGENT_ID,
  effectiveAgentIds,
  normalizeAgentId,
} from "./openclaw-agent-ids";
import type { ConfigIssue } from "./openclaw-issue";

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/**
 * zod-schema.agents.ts `AgentsSchema.superRefine`: entry ids unique after normalization, at most
 * one legacy `default` marker, no marker beside `ownership: "explicit"`, several agents only with
 * explicit ownership, and an explicit roster that names at least one agent. (A config without
 * `agents.entries` gets an implicit `main` agent, `legacy.roster.ts`, unless ownership is
 * explicit.)
 */
export function agentRosterIssues(config: Json): ConfigIssue[] {
  if (!isRecord(config.agents)) return [];
  const agents = config.agents;
  const entries = Object.entries(record(agents.entries));
  const issues: ConfigIssue[] = [];
  if (entries.length === 0 && agents.ownership === "explicit") {
    issues.push({
      path: ["agents", "entries"],
      rule: 'must name at least one agent when agents.ownership is "explicit"',
    });
  }
  const firstKeyById = new Map<string, string>();
  for (const [key] of entries) {
    const id = normalizeAgentId(key);
    const first = firstKeyById.get(id);
    if (first === undefined) firstKeyById.set(id, key);
    else
      issues.push({
        path: ["agents", "entries", key],
        rule: `resolves to the same agent id "${id}" as "${first}"; rename one of them`,
      });
  }
  const marked = entries.filter(([, entry]) => isRecord(entry) && entry.default === true);
  if (marked.length > 1) {
    issues.push({
      path: ["agents", "entries"],
      rule: `at most one agent may carry default: true (found ${marked.length}); name each surface's agent instead`,
    });
  }
  if (agents.ownership === "explicit" && marked.length > 0) {
    issues.push({
      path: ["agents", "ownership"],
      rule: '"explicit" cannot be combined with a default: true marker; remove the marker',
    });
  }
  if (entries.length > 1 && marked.length === 0 && agents.ownership !== "explicit") {
    issues.push({
      path: ["agents", "ownership"],
      rule:
        'must be "explicit" when there are several agents; then name the agent of each surface ' +
        "(agents.defaults.systemAgent.agentId, agents.defaults.heartbeat.agentId, talk.agentId, bindings)",
    });
  }
  return issues;
}

function unknownAgent(agentId: string, config: Json): string {
  const known = agentEntryIds(config);
  return `unknown agent "${agentId}" (agents: ${known.length > 0 ? known.join(", ") : `${DEFAULT_AGENT_ID}, implicit`})`;
}

/**
 * zod-schema.ts `OpenClawSchema.superRefine`: every agent a surface names exists. Bindings may
 * always name `main`; `broadcast` lists compare ids exactly, as written in agents.entries.
 */
export function agentReferenceIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = effectiveAgentIds(config);
  const defaults = record(record(config.agents).defaults);
  const targets: [(string | number)[], unknown][] = [
    [["agents", "defaults", "heartbeat", "agentId"], record(defaults.heartbeat).agentId],
    [["agents", "defaults", "systemAgent", "agentId"], record(defaults.systemAgent).agentId],
    [["talk", "agentId"], record(config.talk).agentId],
  ];
  for (const [path, agentId] of targets) {
    if (typeof agentId === "string" && !ids.has(normalizeAgentId(agentId)))
      issues.push({ path, rule: unknownAgent(agentId, config) });
  }
  const bindings = Array.isArray(config.bindings) ? config.bindings : [];
  bindings.forEach((binding, index) => {
    const agentId = isRecord(binding) ? binding.agentId : undefined;
    if (
      typeof agentId === "string" &&
      agentId !== DEFAULT_AGENT_ID &&
      !ids.has(normalizeAgentId(agentId))
    ) {
      issues.push({ path: ["bindings", index, "agentId"], rule: unknownAgent(agentId, config) });
    }
  });
  // Exact ids as written; a config without entries runs the implicit `main` (legacy.roster.ts).
  const explicit = record(config.agents).ownership === "explicit";
  const written = new Set(
    agentEntryIds(config).length > 0 || explicit ? agentEntryIds(config) : [DEFAULT_AGENT_ID],
  );
  for (const [peer, entry] of Object.entries(record(config.broadcast))) {
    if (peer === "strategy" || typeof entry !== "object" || entry === null) continue;
    if (written.size === 0 && !/^[a-z][a-z0-9_-]*:.+$/i.test(peer)) continue;
    const list = Array.isArray(entry) ? entry : record(entry).agents;
    if (!Array.isArray(list)) continue;
    list.forEach((agentId, index) => {
      if (!written.has(String(agentId))) {
        const path = Array.isArray(entry)
          ? ["broadcast", peer, index]
          : ["broadcast", peer, "agents", index];
        issues.push({ path, rule: unknownAgent(String(agentId), config) });
      }
    });
  }
  return issues;
}

/** zod-schema.agents.ts `AcpBindingSchema.superRefine`: ACP bindings target one conversation. */
export function acpBindingIssues(config: Json): ConfigIssue[] {
  const bindings = Array.isArray(config.bindings) ? config.bindings : [];
  return bindings.flatMap((binding, index) => {
    if (!isRecord(binding) || binding.type !== "acp") return [];
    const peerId = record(record(binding.match).peer).id;
    return typeof peerId === "string" && peerId.trim() !== ""
      ? []
      : [
          {
            path: ["bindings", index, "match", "peer"],
            rule: "ACP bindings need match.peer.id, the conversation they serve",
          },
        ];
  });
}

/**
 * validation-core.ts `validateIdentityAvatar`: an avatar is an http(s) URL, a data URI, or a
 * path inside the agent's workspace. The workspace is the entry's, else agents.defaults
 * .workspace/<id>, else the state directory's (`resolveAgentWorkspaceDir`).
 */
export function avatarIssues(config: Json): ConfigIssue[] {
  const defaults = record(record(config.agents).defaults);
  return Object.entries(record(record(config.agents).entries)).flatMap(([id, entry]) => {
    const avatar = record(record(entry).identity).avatar;
    if (typeof avatar !== "string") return [];
    const text = avatar.trim();
    if (text === "" || /^data:image\//i.test(text) || /^https?:\/\//i.test(text)) return [];
    const path = ["agents", "entries", id, "identity", "avatar"];
    if (text.startsWith("~") || /^[a-z][a-z0-9+.-]*:/i.test(text)) {
      return [{ path, rule: "must be a workspace-relative path, an http(s) URL or a data URI" }];
    }
    const own = record(entry).workspace;
    const workspace =
      typeof own === "string" && own.trim() !== ""
        ? own.trim()
        : typeof defaults.workspace === "string" && defaults.workspace.trim() !== ""
          ? posix.join(defaults.workspace.trim(), normalizeAgentId(id))
          : posix.join(STATE_DIR, `workspace-${normalizeAgentId(id)}`);
    const resolved = posix.resolve(workspace, text);
    const inside =
      resolved === posix.resolve(workspace) || resolved.startsWith(`${posix.resolve(workspace)}/`);
    return inside ? [] : [{ path, rule: `must stay within the agent's workspace (${workspace})` }];
  });
}

/**
 * validation-core.ts `collectModelPolicyAllowIssues` with agent-scope-config.ts
 * `createModelPolicyRefValidator`: each allow entry is a configured alias, an exact
 * `provider/model`, `provider/*` (or `provider/namespace/*`), or an OpenRouter selector.
 */
export function modelPolicyIssues(config: Json): ConfigIssue[] {
  const defaults = record(record(config.agents).defaults);
  const aliasesOf = (...maps: unknown[]) =>
    new Set(
      maps
        .flatMap((map) =>
          Object.values(record(map)).map((m) =>
            String(record(m).alias ?? "")
              .trim()
              .toLowerCase(),
          ),
        )
        .filter(Boolean),
    );
  const segmentOk = (s: string) =>
    s.length > 0 &&
    !s.includes("*") &&
    !/\s/u.test(s) &&
    ![...s].some((c) => (c.codePointAt(0) ?? 0) <= 31 || c.codePointAt(0) === 127);
  const valid = (raw: string, aliases: Set<string>) => {
    const text = raw.trim();
    if (
      aliases.has(text.toLowerCase()) ||
      ["openrouter:auto", "openrouter:free"].includes(text.toLowerCase())
    )
      return true;
    // parseModelPolicyWildcardRef trims each segment; parseProviderModelRef trims provider and model only.
    const parts = text.split("/").map((p) => p.trim());
    if (parts.at(-1) === "*") return parts.length >= 2 && parts.slice(0, -1).every(segmentOk);
    const slash = text.indexOf("/");
    if (slash <= 0) return false;
    const [provider, model] = [text.slice(0, slash).trim(), text.slice(slash + 1).trim()];
    return provider !== "" && model !== "" && [provider, ...model.split("/")].every(segmentOk);
  };
  const check = (allow: unknown, path: (string | number)[], aliases: Set<string>): ConfigIssue[] =>
    Array.isArray(allow)
      ? allow.flatMap((raw, index) =>
          typeof raw === "string" && !valid(raw, aliases)
            ? [
                {
                  path: [...path, index],
                  rule: `${JSON.stringify(raw)} is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"`,
                },
              ]
            : [],
        )
      : [];
  const issues = check(
    record(defaults.modelPolicy).allow,
    ["agents", "defaults", "modelPolicy", "allow"],
    aliasesOf(defaults.models),
  );
  for (const [id, entry] of Object.entries(record(record(config.agents).entries))) {
    const agent = record(entry);
    issues.push(
      ...check(
        record(agent.modelPolicy).allow,
        ["agents", "entries", id, "modelPolicy", "allow"],
        aliasesOf(defaults.models, agent.models),
      ),
    );
  }
  return issues;
}

/**
 * validation-core.ts `collectSandboxContainerEnvIssues` (container-env-file.ts): Docker and
 * Podman sandboxes pass env through a line-based file, so names must be portable and values one
 * line without NUL.
 */
export function sandboxEnvIssues(config: Json): ConfigIssue[] {
  const scopes: [(string | number)[], unknown][] = [
    [["agents", "defaults", "sandbox"], record(record(config.agents).defaults).sandbox],
  ];
  for (const [id, entry] of Object.entries(record(record(config.agents).entries))) {
    scopes.push([["agents", "entries", id, "sandbox"], record(entry).sandbox]);
  }
  return scopes.flatMap(([path, sandbox]) => {
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
