/**
 * Agent ids as the gateway reads them (packages/normalization-core/src/agent-id.ts and
 * src/agents/agent-scope-config.ts, 2026.9.6), shared by the legacy conversions and the ported
 * cross-field rules.
 */

/** The id the gateway gives the single agent of a config that names none. */
export const DEFAULT_AGENT_ID = "main";

const VALID_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** `normalizeAgentId`: trimmed and lowercased; other characters become dashes. */
export function normalizeAgentId(value: string): string {
  const trimmed = value.trim();
  const lower = trimmed.toLowerCase();
  if (VALID_ID.test(trimmed)) return lower;
  const id = lower
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+/, "")
    .replace(/-+$/, "")
    .slice(0, 64);
  return id === "" ? DEFAULT_AGENT_ID : id;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The ids of `agents.entries` whose value is an object, in the order written. */
export function agentEntryIds(config: unknown): string[] {
  const agents = isRecord(config) ? config.agents : undefined;
  const entries = isRecord(agents) ? agents.entries : undefined;
  return isRecord(entries) ? Object.keys(entries).filter((id) => isRecord(entries[id])) : [];
}

/**
 * The agent ids a reference may name: the normalized entry ids, or `main` alone when there are
 * no entries (the gateway then runs one implicit `main` agent).
 */
export function effectiveAgentIds(config: unknown): Set<string> {
  const ids = agentEntryIds(config);
  return new Set(ids.length > 0 ? ids.map(normalizeAgentId) : [DEFAULT_AGENT_ID]);
}
