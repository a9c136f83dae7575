/**
 * Earlier forms of openclaw.json that users meet in older guides (the Fly guide's example for
 * 2026.1 among them). Each is either converted to the current form, with a warning that shows
 * the form to write, or refused with that form in the message; none reaches a gateway that
 * would refuse it. The conversions follow the gateway's own migrations (2026.9.6 dist/
 * `legacy.roster-*.mjs` for agents, the doctor's legacy rules for the rest), so the converted
 * config means what the gateway would have made of the old one.
 */
import { convertAgentRoster } from "./openclaw-legacy-agents";
import { settingsPath, showForm, type ConfigIssue } from "./openclaw-issue";

/** A converted config, what was converted, and what could not be. */
export interface LegacyConversion {
  config: Record<string, unknown>;
  /** One line per conversion: the old path and the current form. */
  warnings: string[];
  issues: ConfigIssue[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface Rename {
  from: readonly string[];
  to: readonly string[];
  /** The release notes' words for the change. */
  note: string;
}

// Moves whose value keeps its meaning (the doctor's legacy rules, 2026.9.6 dist/legacy-*.mjs).
const RENAMES: readonly Rename[] = [
  {
    from: ["agents", "defaults", "embeddedPi"],
    to: ["agents", "defaults", "embeddedAgent"],
    note: "embeddedPi was renamed",
  },
  {
    from: ["session", "threadBindings", "ttlHours"],
    to: ["session", "threadBindings", "idleHours"],
    note: "ttlHours was renamed",
  },
  {
    from: ["session", "resetByType", "dm"],
    to: ["session", "resetByType", "direct"],
    note: "the dm key was renamed",
  },
  {
    from: ["channels", "telegram", "requireMention"],
    to: ["channels", "telegram", "groups", "*", "requireMention"],
    note: "requireMention moved to the groups wildcard",
  },
  {
    from: ["session", "typingMode"],
    to: ["agents", "defaults", "typingMode"],
    note: "typingMode moved to agent defaults",
  },
];

// Keys that were removed or whose new form depends on what they meant: refused, with the form.
const RETIRED: readonly { path: readonly string[]; message: string }[] = [
  {
    path: ["routing"],
    message:
      'routing was removed: allowFrom moved to channels.whatsapp.allowFrom, groupChat.requireMention to channels.<channel>.groups."*".requireMention, groupChat.historyLimit and mentionPatterns to messages.groupChat',
  },
  { path: ["memorySearch"], message: "memorySearch moved to memory.search" },
  {
    path: ["agents", "defaults", "memorySearch"],
    message: "agents.defaults.memorySearch moved to memory.search",
  },
  {
    path: ["heartbeat"],
    message:
      "there is no top-level heartbeat: use agents.defaults.heartbeat (cadence, target, model) or channels.defaults.heartbeat (showOk, showAlerts, useIndicator)",
  },
  {
    path: ["multiAgent"],
    message:
      'there is no multiAgent key: name agents in agents.entries, set agents.ownership to "explicit", and route with bindings',
  },
  {
    path: ["gateway", "webchat"],
    message: "gateway.webchat is retired: the Control UI serves chat",
  },
  {
    path: ["channels", "webchat"],
    message: "channels.webchat is retired: the Control UI serves chat",
  },
  { path: ["cron", "webhook"], message: "cron.webhook was retired: set delivery on each cron job" },
];

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function removeAt(root: Json, path: readonly string[]): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (isRecord(parent)) delete parent[path[path.length - 1]];
}

function setAt(root: Json, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]] = value;
}

function applyRenames(config: Json, result: LegacyConversion): void {
  for (const { from, to, note } of RENAMES) {
    const value = valueAt(config, from);
    if (value === undefined) continue;
    if (valueAt(config, to) !== undefined) {
      result.issues.push({
        path: [...from],
        rule: `the earlier form of ${settingsPath(to)} (${note}); keep only ${settingsPath(to)}`,
      });
      continue;
    }
    removeAt(config, from);
    setAt(config, to, value);
    result.warnings.push(
      `${settingsPath(from)}: ${note}; converted to ${settingsPath(to)}: ${showForm(value)} (write it so to silence this warning)`,
    );
  }
}

/** Discord's guild channel `allow` (2026.1) is `enabled` now. */
function convertGuildChannelAllow(config: Json, result: LegacyConversion): void {
  const discord = valueAt(config, ["channels", "discord"]);
  if (!isRecord(discord)) return;
  const scopes: [Json, (string | number)[]][] = [[discord, ["channels", "discord"]]];
  if (isRecord(discord.accounts)) {
    for (const [id, account] of Object.entries(discord.accounts)) {
      if (isRecord(account)) scopes.push([account, ["channels", "discord", "accounts", id]]);
    }
  }
  for (const [scope, base] of scopes) {
    if (!isRecord(scope.guilds)) continue;
    for (const [guildId, guild] of Object.entries(scope.guilds)) {
      if (!isRecord(guild) || !isRecord(guild.channels)) continue;
      for (const [name, channel] of Object.entries(guild.channels)) {
        if (!isRecord(channel) || !Object.hasOwn(channel, "allow")) continue;
        const path = [...base, "guilds", guildId, "channels", name, "allow"];
        if (typeof channel.allow !== "boolean" || Object.hasOwn(channel, "enabled")) {
          result.issues.push({
            path,
            rule: "the 2026.1 form of enabled; write enabled: true or false instead",
          });
          continue;
        }
        const { allow, ...rest } = channel;
        guild.channels[name] = { ...rest, enabled: allow };
        result.warnings.push(
          `${settingsPath(path)}: the 2026.1 form; converted to ${settingsPath([...path.slice(0, -1), "enabled"])}: ${allow} (write it so to silence this warning)`,
        );
      }
    }
  }
}

/** `bindings[].match.peer.kind: "dm"` is `"direct"` now. */
function convertPeerKind(config: Json, result: LegacyConversion): void {
  if (!Array.isArray(config.bindings)) return;
  config.bindings.forEach((binding, index) => {
    const peer = isRecord(binding) && isRecord(binding.match) ? binding.match.peer : undefined;
    if (!isRecord(peer) || peer.kind !== "dm") return;
    peer.kind = "direct";
    result.warnings.push(
      `${settingsPath(["bindings", index, "match", "peer", "kind"])}: "dm" is the earlier name; converted to "direct" (write it so to silence this warning)`,
    );
  });
}

/**
 * Converts the earlier forms in `settings` (a plain object; it is not modified) and lists those
 * that cannot be converted.
 */
export function convertLegacyForms(settings: Json): LegacyConversion {
  const result: LegacyConversion = { config: structuredClone(settings), warnings: [], issues: [] };
  for (const { path, message } of RETIRED) {
    if (valueAt(result.config, path) !== undefined)
      result.issues.push({ path: [...path], rule: message });
  }
  convertAgentRoster(result);
  applyRenames(result.config, result);
  convertGuildChannelAllow(result.config, result);
  convertPeerKind(result.config, result);
  return result;
}
