/**
 * Settings the gateway accepts but that will not do what they seem to, ported from the warnings
 * OpenClaw 2026.9.6 prints when it reads a config (dist/validation-core-*.mjs and
 * dist/io.snapshot-preparation-*.mjs). They never fail a preview; they reach the user through
 * Pulumi's log.
 */
import { agentEntryIds } from "./openclaw-agent-ids";
import type { ConfigIssue } from "./openclaw-issue";
import { HEARTBEAT_OWNER_PATH, isRecord, record, type Json } from "./openclaw-json";

/**
 * `collectChannelDmPolicyDependencyWarnings`: `dmPolicy: "open"` without `"*"` in `allowFrom`,
 * or `"allowlist"` with an empty `allowFrom`, drops every DM. Accounts inherit the channel's
 * `allowFrom` when they set none.
 */
export function dmPolicyWarnings(config: Json): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  const check = (scope: Json, parent: Json | undefined, path: (string | number)[]) => {
    if (scope.enabled === false) return;
    const policy =
      scope.dmPolicy ?? record(scope.dm).policy ?? parent?.dmPolicy ?? record(parent?.dm).policy;
    const own = scope.allowFrom ?? record(scope.dm).allowFrom;
    const allowFrom = own ?? parent?.allowFrom ?? record(parent?.dm).allowFrom;
    const list = Array.isArray(allowFrom) ? allowFrom.map(String) : [];
    if (policy === "open" && !list.includes("*")) {
      warnings.push({
        path: [...path, "allowFrom"],
        rule: 'dmPolicy is "open" but allowFrom does not include "*": every DM will be dropped; add "*" or set dmPolicy to "pairing" or "allowlist"',
      });
    } else if (policy === "allowlist" && list.length === 0) {
      warnings.push({
        path: [...path, "allowFrom"],
        rule: 'dmPolicy is "allowlist" but allowFrom is empty: every DM will be dropped; add a sender id or change dmPolicy',
      });
    }
  };
  for (const [id, channel] of Object.entries(record(config.channels))) {
    if (["defaults", "modelByChannel", "tools"].includes(id) || !isRecord(channel)) continue;
    check(channel, undefined, ["channels", id]);
    if (channel.enabled === false) continue;
    for (const [accountId, account] of Object.entries(record(channel.accounts))) {
      if (isRecord(account)) check(account, channel, ["channels", id, "accounts", accountId]);
    }
  }
  return warnings;
}

/**
 * `collectHeartbeatOwnerWarnings`: with several agents and nobody named to own heartbeats (no
 * agent heartbeat, no `agents.defaults.heartbeat`, no system agent), heartbeats stay off.
 */
export function heartbeatOwnerWarnings(config: Json): ConfigIssue[] {
  const agents = record(config.agents);
  const defaults = record(agents.defaults);
  const entries = Object.values(record(agents.entries));
  if (agentEntryIds(config).length < 2) return [];
  if (
    entries.some((entry) => isRecord(entry) && entry.heartbeat) ||
    defaults.heartbeat !== undefined
  )
    return [];
  if (typeof record(defaults.systemAgent).agentId === "string") return [];
  return [
    {
      path: HEARTBEAT_OWNER_PATH,
      rule: "several agents and no heartbeat owner: heartbeats stay off until agents.defaults.heartbeat.agentId or agents.defaults.systemAgent.agentId is set",
    },
  ];
}

/**
 * Env references (`"${NAME}"`) the machine's environment does not set: the gateway reads them as
 * missing and turns the feature off ("Missing env var ... feature using this value will be
 * unavailable").
 */
export function missingEnvWarnings(config: Json, envNames: ReadonlySet<string>): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string") {
      for (const [, name] of value.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)\}/g)) {
        if (!envNames.has(name)) {
          warnings.push({
            path,
            rule: `refers to \${${name}}, which the machine's environment does not set (add it to providerKeys, channelTokens or extraEnv); the gateway turns the feature off without it`,
          });
        }
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isRecord(value))
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  visit(config, []);
  return warnings;
}

/**
 * Control UI origins that no browser sends: a browser's `Origin` is scheme, host and port only,
 * so an entry with a path, a trailing slash or capitals never matches ("origin not allowed").
 * The gateway accepts any string here; only `*` is a wildcard.
 */
export function originWarnings(config: Json): ConfigIssue[] {
  const origins = record(record(config.gateway).controlUi).allowedOrigins;
  if (!Array.isArray(origins)) return [];
  return origins.flatMap((origin, index) => {
    if (typeof origin !== "string" || origin === "*") return [];
    const canonical = URL.canParse(origin) && new URL(origin).origin === origin;
    return canonical
      ? []
      : [
          {
            path: ["gateway", "controlUi", "allowedOrigins", index],
            rule: `${JSON.stringify(origin)} never matches a browser's Origin header, which is scheme, host and port only (e.g. https://claw.example.com)`,
          },
        ];
  });
}

/**
 * State the gateway keeps outside the volume: a workspace, agent directory or session store at
 * an absolute path not under the state directory lives on the machine's root filesystem, which
 * Fly replaces with the machine (every update, every image change).
 */
export function volumePathWarnings(config: Json, stateDir: string): ConfigIssue[] {
  const candidates: [(string | number)[], unknown][] = [
    [["agents", "defaults", "workspace"], record(record(config.agents).defaults).workspace],
    [["session", "store"], record(config.session).store],
  ];
  for (const [id, entry] of Object.entries(record(record(config.agents).entries))) {
    candidates.push([["agents", "entries", id, "workspace"], record(entry).workspace]);
    candidates.push([["agents", "entries", id, "agentDir"], record(entry).agentDir]);
  }
  return candidates.flatMap(([path, value]) => {
    if (typeof value !== "string" || !value.startsWith("/")) return [];
    const inside = value === stateDir || value.startsWith(`${stateDir}/`);
    return inside
      ? []
      : [
          {
            path,
            rule: `${value} is outside the volume at ${stateDir}: what the gateway writes there is lost when the machine is replaced`,
          },
        ];
  });
}
