/**
 * The agent roster's earlier forms, converted as the gateway itself converts them when it reads
 * a config (2026.9.6 dist/legacy.roster-*.mjs `migratePersistedImplicitMainRoster` and
 * `materializeLegacyDefaultAgentRoles`):
 *
 * - `agents.list: [{ id, ... }]` becomes `agents.entries: { <id>: { ... } }` when every id is a
 *   canonical, unique agent id (`parseLegacyAgentRoster`); otherwise it is refused.
 * - A `default: true` marker is retired. With one agent it is dropped. With several, the marked
 *   agent is written as the owner of each surface it used to own implicitly: channel-wide
 *   bindings for the configured channels no binding covers yet, the heartbeat, system work,
 *   auth inheritance, the session store and talk, with `agents.ownership: "explicit"`.
 */
import { normalizeAgentId } from "./openclaw-agent-ids";
import { settingsPath, showForm } from "./openclaw-issue";
import type { LegacyConversion } from "./openclaw-legacy";

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `parseLegacyAgentRoster`: the keyed form, or undefined when an entry is not canonical. */
function keyedRoster(list: unknown[]): Json | undefined {
  const entries: Json = {};
  for (const entry of list) {
    if (!isRecord(entry)) return undefined;
    const { id, ...rest } = entry;
    if (typeof id !== "string" || id === "" || id.trim() !== id) return undefined;
    if (normalizeAgentId(id) !== id || Object.hasOwn(entries, id)) return undefined;
    entries[id] = rest;
  }
  return entries;
}

function convertList(agents: Json, result: LegacyConversion): boolean {
  if (!Object.hasOwn(agents, "list") || agents.list === undefined) return true;
  if (Object.hasOwn(agents, "entries")) {
    result.issues.push({
      path: ["agents", "list"],
      rule: "the 2026.1 form of agents.entries; keep only agents.entries",
    });
    return false;
  }
  const entries = Array.isArray(agents.list) ? keyedRoster(agents.list) : undefined;
  if (entries === undefined) {
    result.issues.push({
      path: ["agents", "list"],
      rule:
        "the 2026.1 form of agents.entries, and not convertible: every entry needs a unique, " +
        'lowercase id of a-z 0-9 _ -; write agents.entries keyed by id instead, e.g. {"main":{}}',
    });
    return false;
  }
  delete agents.list;
  agents.entries = entries;
  result.warnings.push(
    `${settingsPath(["agents", "list"])}: the 2026.1 form; converted to ${settingsPath(["agents", "entries"])}: ${showForm(entries)} (write it so to silence this warning)`,
  );
  return true;
}

/** Channels with a config block that no channel-wide binding routes yet, sorted. */
function unboundChannels(config: Json): string[] {
  const channels = isRecord(config.channels) ? config.channels : {};
  const bindings = Array.isArray(config.bindings) ? config.bindings.filter(isRecord) : [];
  const covered = (channel: string) =>
    bindings.some((binding) => {
      const match = isRecord(binding.match) ? binding.match : {};
      return (
        binding.type !== "acp" &&
        String(match.channel ?? "")
          .trim()
          .toLowerCase() === channel &&
        typeof match.accountId === "string" &&
        match.accountId.trim() === "*" &&
        match.peer === undefined &&
        !match.guildId &&
        !match.teamId &&
        (!Array.isArray(match.roles) || match.roles.length === 0)
      );
    });
  return Object.entries(channels)
    .filter(
      ([id, value]) =>
        id.trim() !== "defaults" &&
        id.trim() !== "modelByChannel" &&
        (!isRecord(value) || value.enabled !== false),
    )
    .map(([id]) => id.trim().toLowerCase())
    .sort()
    .filter((channel) => !covered(channel));
}

/** The surfaces the marked agent owned implicitly, written out; returns what was added. */
function materializeOwner(config: Json, agentId: string): Json {
  const added: Json = {};
  const channels = unboundChannels(config);
  if (channels.length > 0) {
    const bindings = channels.map((channel) => ({ agentId, match: { channel, accountId: "*" } }));
    config.bindings = [...(Array.isArray(config.bindings) ? config.bindings : []), ...bindings];
    added.bindings = bindings;
  }
  const agents = config.agents as Json;
  const defaults: Json = isRecord(agents.defaults) ? agents.defaults : {};
  const entries = isRecord(agents.entries) ? Object.values(agents.entries) : [];
  const unset = (key: string) =>
    defaults[key] === undefined ||
    (isRecord(defaults[key]) && !Object.hasOwn(defaults[key] as Json, "agentId"));
  const own = (key: string, when: boolean) => {
    if (!when) return;
    defaults[key] = { ...(isRecord(defaults[key]) ? (defaults[key] as Json) : {}), agentId };
    added[`agents.defaults.${key}.agentId`] = agentId;
  };
  own(
    "heartbeat",
    defaults.heartbeat === undefined && !entries.some((e) => isRecord(e) && e.heartbeat),
  );
  own("systemAgent", unset("systemAgent"));
  own("authInheritance", agentId !== "main" && unset("authInheritance"));
  const session = isRecord(config.session) ? config.session : {};
  own("sessionStore", session.store === undefined && unset("sessionStore"));
  agents.defaults = defaults;
  const talk = config.talk;
  if (talk === undefined || (isRecord(talk) && !Object.hasOwn(talk, "agentId"))) {
    config.talk = { ...(isRecord(talk) ? talk : {}), agentId };
    added["talk.agentId"] = agentId;
  }
  return added;
}

function convertDefaultMarker(agents: Json, result: LegacyConversion): void {
  const entries = isRecord(agents.entries) ? agents.entries : undefined;
  if (entries === undefined) return;
  const ids = Object.keys(entries).filter((id) => isRecord(entries[id]));
  const markers = ids.filter((id) => Object.hasOwn(entries[id] as Json, "default"));
  // A non-boolean marker is a schema error; more than one, or one beside explicit ownership, is
  // refused by the gateway's own rule (openclaw-rules-agents.ts).
  if (
    markers.length === 0 ||
    markers.some((id) => typeof (entries[id] as Json).default !== "boolean")
  )
    return;
  const marked = markers.filter((id) => (entries[id] as Json).default === true);
  if (marked.length > 1 || (marked.length > 0 && agents.ownership === "explicit")) return;
  for (const id of markers) delete (entries[id] as Json).default;
  const path = settingsPath(["agents", "entries", marked[0] ?? markers[0], "default"]);
  if (ids.length === 1 || marked.length === 0) {
    result.warnings.push(
      `${path}: default markers are retired and mean nothing here; removed (leave them out to silence this warning)`,
    );
    return;
  }
  agents.ownership = "explicit";
  const added = materializeOwner(result.config, marked[0]);
  result.warnings.push(
    `${path}: default markers are retired; converted to agents.ownership: "explicit" with ` +
      `"${marked[0]}" named as the owner of what it owned implicitly: ${showForm(added)} ` +
      "(write it so to silence this warning)",
  );
}

/** Converts `agents.list` and retired `default` markers in `result.config`. */
export function convertAgentRoster(result: LegacyConversion): void {
  const agents = result.config.agents;
  if (!isRecord(agents)) return;
  if (convertList(agents, result)) convertDefaultMarker(agents, result);
}
