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
import { HEARTBEAT_OWNER_PATH, isRecord, record, type Json } from "./openclaw-json";

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
    [HEARTBEAT_OWNER_PATH, record(defaults.heartbeat).agentId],
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

/** `BroadcastSchema.superRefine`: group options need a `<channel>:<peer>` key; threads take 16 agents. */
export function broadcastShapeIssues(config: Json): ConfigIssue[] {
  return Object.entries(record(config.broadcast)).flatMap(([peer, entry]): ConfigIssue[] => {
    if (typeof entry !== "object" || entry === null) return [];
    const qualified = /^[a-z][a-z0-9_-]*:.+$/i.test(peer);
    if (!Array.isArray(entry) && !qualified)
      return [
        {
          path: ["broadcast", peer],
          rule: "group options need a channel-qualified key (<channel>:<peerId>)",
        },
      ];
    if (Array.isArray(entry) && qualified && entry.length > 16)
      return [{ path: ["broadcast", peer], rule: "an agent group thread takes at most 16 agents" }];
    return [];
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
