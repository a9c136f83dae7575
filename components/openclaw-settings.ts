/**
 * Types for the `openclaw` argument: openclaw.json as the gateway reads it, with the parts most
 * deployments set typed and documented for autocompletion. Every other section and key of the
 * pinned gateway version's schema passes through as written; preview checks all of it against
 * that version's schema and rules (see `openclaw-validate.ts`). The keys the deployment owns
 * (`openclaw-owned-keys.ts`) are refused with what to use instead.
 *
 * Names and doc lines follow the OpenClaw 2026.9 configuration reference and schema help.
 */
import type { ChannelsSettings } from "./openclaw-channel-settings";

export type {
  ChannelAccountSettings,
  ChannelSettings,
  ChannelsSettings,
  DiscordGuildSettings,
  DmPolicy,
  GroupPolicy,
  GroupSettings,
} from "./openclaw-channel-settings";

/** openclaw.json settings. Any other top-level section of the schema may be given too. */
export interface OpenClawSettings {
  /** Agent defaults and named agents (`agents`). */
  agents?: AgentsSettings;
  /** Model providers and their catalogs (`models`). */
  models?: ModelsSettings;
  /** Model-provider auth profiles and their order (`auth`). */
  auth?: AuthSettings;
  /** Routing rules from channel traffic to agents (`bindings`), first match wins. */
  bindings?: BindingSettings[];
  /**
   * Channels by id (`channels.<id>`): Discord, Telegram, Slack, WhatsApp, Signal and the others
   * the gateway bundles. A channel's env token (e.g. `DISCORD_BOT_TOKEN`, given in
   * `channelTokens`) only takes effect when its block exists here.
   */
  channels?: ChannelsSettings;
  /** Gateway settings left to the user; port, bind, mode and auth belong to the deployment. */
  gateway?: GatewaySettings;
  /** Plugins (`plugins`): which load, and each plugin's own settings. */
  plugins?: PluginsSettings;
  /** Any other section of openclaw.json (`session`, `cron`, `memory`, `tools`, `logging`, ...). */
  [section: string]: unknown;
}

/** A model: `provider/model` (e.g. `anthropic/claude-opus-4-6`), or primary plus fallbacks. */
export type ModelChoice = string | { primary?: string; fallbacks?: string[] };

/** `agents`. */
export interface AgentsSettings {
  /**
   * `"explicit"`: each surface names its agent (`agents.defaults.systemAgent.agentId`,
   * `heartbeat.agentId`, `talk.agentId`, bindings). Required once there is more than one agent.
   */
  ownership?: "explicit";
  /** Defaults every agent inherits (`agents.defaults`). */
  defaults?: AgentDefaultsSettings;
  /** Agents by id (`agents.entries.<id>`); ids are 1-64 of `a-z 0-9 _ -`. */
  entries?: Record<string, AgentEntrySettings>;
  [key: string]: unknown;
}

/** `agents.defaults`. */
export interface AgentDefaultsSettings {
  /** The model agents use, with fallbacks tried in order. */
  model?: ModelChoice;
  /** Model catalog entries by `provider/model`, e.g. an `alias` for the model picker. */
  models?: Record<string, { alias?: string; [key: string]: unknown }>;
  /** Concurrent runs per agent. */
  maxConcurrent?: number;
  /** Workspace directory; keep it under /data so it survives machine replacement. */
  workspace?: string;
  /** Periodic heartbeat runs: `every` ("30m"), `target` channel, owning `agentId`. */
  heartbeat?: { every?: string; target?: string; agentId?: string; [key: string]: unknown };
  /** The agent that owns system work (maintenance, notices) in a multi-agent roster. */
  systemAgent?: { agentId?: string };
  [key: string]: unknown;
}

/** `agents.entries.<id>`. There is no `instructions` key: write them in the workspace's AGENTS.md. */
export interface AgentEntrySettings {
  /** Display name. */
  name?: string;
  /** Overrides `agents.defaults.model` for this agent. */
  model?: ModelChoice;
  /** Workspace directory; keep it under /data so it survives machine replacement. */
  workspace?: string;
  /** Name, emoji, theme and avatar (workspace-relative path, http(s) URL or data URI). */
  identity?: { name?: string; emoji?: string; theme?: string; avatar?: string };
  /** Per-agent heartbeat. */
  heartbeat?: { every?: string; target?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `models`. */
export interface ModelsSettings {
  /** `"merge"` (default) adds providers to the built-in catalog; `"replace"` replaces it. */
  mode?: "merge" | "replace";
  /** Providers by id: `baseUrl`, `api`, `apiKey` (a `${ENV}` reference, never the key), models. */
  providers?: Record<
    string,
    { baseUrl?: string; api?: string; models?: unknown[]; [key: string]: unknown }
  >;
  [key: string]: unknown;
}

/** `auth`. */
export interface AuthSettings {
  /** Profiles by id such as `anthropic:default`; the credentials come from env or login. */
  profiles?: Record<
    string,
    {
      provider: string;
      mode: "api_key" | "aws-sdk" | "oauth" | "token";
      email?: string;
      displayName?: string;
    }
  >;
  /** Profile order per provider. */
  order?: Record<string, string[]>;
  [key: string]: unknown;
}

/** One routing rule (`bindings[]`): traffic matching `match` goes to `agentId`. */
export interface BindingSettings {
  /** `"route"` (default) or `"acp"`. */
  type?: "route" | "acp";
  /** An agent in `agents.entries` (or `main`). */
  agentId: string;
  match: BindingMatchSettings;
  comment?: string;
  [key: string]: unknown;
}

/** `bindings[].match`; only `channel` is required. */
export interface BindingMatchSettings {
  channel: string;
  /** Omitted: the channel's default account; `"*"`: every account; else that account. */
  accountId?: string;
  peer?: { kind: "direct" | "group" | "channel"; id: string };
  guildId?: string;
  teamId?: string;
  /** Discord role ids for role-based routing. */
  roles?: string[];
}

/** `gateway` settings left to the user. */
export interface GatewaySettings {
  /** `gateway.controlUi`. */
  controlUi?: ControlUiSettings;
  [key: string]: unknown;
}

/** `gateway.controlUi`. */
export interface ControlUiSettings {
  /** Serve the Control UI (default true). */
  enabled?: boolean;
  /** Path prefix of the Control UI. */
  basePath?: string;
  /**
   * Browser origins allowed to open the Control UI. Public mode adds `https://<app>.fly.dev`
   * first; add custom domains or `http://localhost:3000` (for `fly proxy`) here.
   */
  allowedOrigins?: string[];
  [key: string]: unknown;
}

/** `plugins`. */
export interface PluginsSettings {
  /** Load plugins at all (default true). */
  enabled?: boolean;
  /** Only these plugin ids may load. */
  allow?: string[];
  /** These plugin ids never load. */
  deny?: string[];
  /** Plugin ids owning a slot, e.g. `{ memory: "memory-core" }`. */
  slots?: { memory?: string; contextEngine?: string };
  /** Plugins by id: `enabled` and the plugin's own `config`. */
  entries?: Record<string, PluginEntrySettings>;
  [key: string]: unknown;
}

/** `plugins.entries.<id>`. */
export interface PluginEntrySettings {
  enabled?: boolean;
  /** The plugin's own settings, checked against its schema when the gateway bundles it. */
  config?: PluginConfigSettings;
  [key: string]: unknown;
}

/** A plugin's `config`; `tunnel` is the webhook tunnel of plugins such as `voice-call`. */
export interface PluginConfigSettings {
  /**
   * How webhooks reach a private gateway (`voice-call`): `{ provider: "ngrok" }`,
   * `"tailscale-serve"` or `"tailscale-funnel"`, run inside the machine, so the app needs no
   * public IP (the private-mode recipe in the README).
   */
  tunnel?: {
    provider: "ngrok" | "tailscale-serve" | "tailscale-funnel" | (string & {});
    [key: string]: unknown;
  };
  [key: string]: unknown;
}
