import { z } from "zod";
import {
  formatPath,
  flagField,
  isPlainRecord,
  listOf,
  objectOf,
  recordOf,
  textField,
  typeRule,
  zodIssueLines,
} from "./validation";

/**
 * The openclaw.json settings a deployment may declare, typed and strict. The gateway refuses a
 * config with unknown keys and will not start, so an unknown key here is an error at preview
 * time instead of a machine that never turns healthy. Only settings the OpenClaw 2026.9 docs
 * describe are modelled; anything else belongs in a later, documented extension.
 */
export interface OpenClawSettings {
  /** Agent defaults and named agents (`agents`). */
  agents?: AgentsSettings;
  /** Routing rules from channel traffic to agents (`bindings`). */
  bindings?: BindingSettings[];
  /**
   * Channels by id (`channels.<id>`): channel id -> `{ enabled, allowFrom }`. Channel ids are
   * open-ended (plugins add them), so any lowercase id is accepted. A channel's env token (for
   * example `TELEGRAM_BOT_TOKEN`) only takes effect when its block exists here.
   */
  channels?: Record<string, ChannelSettings>;
  /** The few gateway settings a user controls; port, bind and auth are fixed by deployment. */
  gateway?: GatewaySettings;
}

/** `agents`: defaults for every agent plus named entries. */
export interface AgentsSettings {
  /** `agents.defaults`. */
  defaults?: AgentDefaultsSettings;
  /** `agents.entries.<id>`; ids match {@link AGENT_ID_PATTERN}. */
  entries?: Record<string, AgentEntrySettings>;
}

/**
 * A model choice: `primary` and ordered `fallbacks`, each `provider/model` (for example
 * `anthropic/claude-opus-4-6`). OpenClaw also accepts a bare string; the object form is used
 * everywhere so one shape covers both defaults and entries.
 */
export interface AgentModelSettings {
  primary: string;
  fallbacks?: string[];
}

/** `agents.defaults`. */
export interface AgentDefaultsSettings {
  /** `agents.defaults.model`. */
  model?: AgentModelSettings;
  /** `agents.defaults.maxConcurrent`: concurrent runs per agent (unlimited when absent). */
  maxConcurrent?: number;
}

/** `agents.entries.<id>`: the documented minimal subset of an agent entry. */
export interface AgentEntrySettings {
  /** Marks the agent that handles traffic no binding matches. */
  default?: boolean;
  /** Overrides `agents.defaults.model` for this agent. */
  model?: AgentModelSettings;
  /** Workspace directory (instructions live in its `AGENTS.md`). */
  workspace?: string;
}

/** One routing rule (`bindings[]`): traffic matching `match` goes to `agentId`. */
export interface BindingSettings {
  /** Must name an entry in `agents.entries`. */
  agentId: string;
  match: BindingMatchSettings;
}

/** `bindings[].match`; only `channel` is required. */
export interface BindingMatchSettings {
  channel: string;
  accountId?: string;
  peer?: { kind: "dm" | "group" | "channel"; id: string };
  guildId?: string;
  teamId?: string;
}

/** `channels.<id>`: whether the channel runs and who may talk to it. */
export interface ChannelSettings {
  enabled?: boolean;
  /** Sender ids allowed to message the bot (for Telegram, numeric user ids as strings). */
  allowFrom?: string[];
}

/** `gateway` settings left to the user. */
export interface GatewaySettings {
  /** `gateway.controlUi`. */
  controlUi?: { allowedOrigins?: string[] };
}

/** OpenClaw's rule for `agents.entries` ids. */
export const AGENT_ID_PATTERN = /^[a-z0-9_][a-z0-9_-]{0,63}$/;

/** Channel ids: lowercase, as plugin ids are (`telegram`, `nextcloud-talk`). */
export const CHANNEL_ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

// Keys that sit beside channel ids in `channels` but hold other shapes.
const RESERVED_CHANNEL_KEYS = new Set(["defaults", "modelByChannel"]);

const ORIGIN_RULE =
  "must be an origin such as https://example.com (lowercase scheme and host, optional port, " +
  "no path or trailing slash)";

/** True when `text` is exactly a canonical http(s) origin, as browsers send in `Origin`. */
export function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === text;
  } catch {
    return false;
  }
}

const nonEmpty = textField().min(1, "must not be empty");
const modelSchema = objectOf({ primary: nonEmpty, fallbacks: listOf(nonEmpty).optional() });
const originSchema = textField().superRefine((text, ctx) => {
  if (!isOrigin(text)) ctx.addIssue({ code: "custom", message: `${ORIGIN_RULE}, got "${text}"` });
});

// Annotated with the documented type so the compiler proves the two agree.
const settingsSchema: z.ZodType<OpenClawSettings> = objectOf({
  agents: objectOf({
    defaults: objectOf({
      model: modelSchema.optional(),
      maxConcurrent: z
        .int({ error: typeRule("a whole number") })
        .min(1, "must be at least 1")
        .optional(),
    }).optional(),
    entries: recordOf(
      objectOf({
        default: flagField().optional(),
        model: modelSchema.optional(),
        workspace: nonEmpty.optional(),
      }),
    ).optional(),
  }).optional(),
  bindings: listOf(
    objectOf({
      agentId: nonEmpty,
      match: objectOf({
        channel: nonEmpty,
        accountId: nonEmpty.optional(),
        peer: objectOf({
          kind: z.enum(["dm", "group", "channel"], {
            error: () => 'must be "dm", "group" or "channel"',
          }),
          id: nonEmpty,
        }).optional(),
        guildId: nonEmpty.optional(),
        teamId: nonEmpty.optional(),
      }),
    }),
  ).optional(),
  channels: recordOf(
    objectOf({ enabled: flagField().optional(), allowFrom: listOf(nonEmpty).optional() }),
  ).optional(),
  gateway: objectOf({
    controlUi: objectOf({ allowedOrigins: listOf(originSchema).optional() }).optional(),
  }).optional(),
});

// Rules zod cannot state per field: record key patterns and references between sections. They
// read the raw input defensively so they still run when other parts fail, and every problem is
// reported in one pass.
function crossReferenceProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const agents = isPlainRecord(raw.agents) ? raw.agents : {};
  const entries = isPlainRecord(agents.entries) ? agents.entries : {};
  const agentIds = Object.keys(entries);
  for (const id of agentIds) {
    if (!AGENT_ID_PATTERN.test(id)) {
      problems.push(
        `${formatPath("openclaw.agents.entries", [id])}: agent id must match ${AGENT_ID_PATTERN.source}`,
      );
    }
  }
  const bindings = Array.isArray(raw.bindings) ? raw.bindings : [];
  bindings.forEach((binding, index) => {
    const agentId = isPlainRecord(binding) ? binding.agentId : undefined;
    // OpenClaw checks every binding's agentId against agents.entries; the docs give no
    // exception for an implicit default agent, so neither does this check.
    if (typeof agentId === "string" && agentId !== "" && !agentIds.includes(agentId)) {
      const defined = agentIds.length > 0 ? agentIds.join(", ") : "none";
      problems.push(
        `openclaw.bindings[${index}].agentId: unknown agent "${agentId}" (defined agents: ${defined})`,
      );
    }
  });
  const channels = isPlainRecord(raw.channels) ? raw.channels : {};
  for (const id of Object.keys(channels)) {
    if (RESERVED_CHANNEL_KEYS.has(id)) {
      problems.push(`openclaw.channels.${id}: reserved by OpenClaw for non-channel settings`);
    } else if (!CHANNEL_ID_PATTERN.test(id)) {
      problems.push(
        `${formatPath("openclaw.channels", [id])}: channel id must match ${CHANNEL_ID_PATTERN.source}`,
      );
    }
  }
  return problems;
}

/** Parse result: the settings, or every problem as `openclaw.<path>: <rule>` lines. */
export type OpenClawSettingsResult =
  { ok: true; settings: OpenClawSettings } | { ok: false; problems: string[] };

/** Validates untrusted settings (stack config, user code) and lists every problem at once. */
export function parseOpenClawSettings(raw: unknown): OpenClawSettingsResult {
  const parsed = settingsSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : zodIssueLines(
        "openclaw",
        parsed.error.issues,
        "unknown key (the gateway refuses unknown keys)",
      );
  if (isPlainRecord(raw)) problems.push(...crossReferenceProblems(raw));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, settings: parsed.data };
}
