/**
 * Types for `channels` in openclaw.json: the access settings every channel family shares (who
 * may DM the bot, which groups it answers in) and the group shapes of the common families. Each
 * channel's full schema comes from the pinned gateway version; keys not typed here pass through
 * and are checked against it at preview.
 */

/**
 * Who may start a direct conversation: `pairing` (default: unknown senders get a code to
 * approve), `allowlist` (only `allowFrom`), `open` (anyone; `allowFrom` must include `"*"`),
 * `disabled`.
 */
export type DmPolicy = "pairing" | "allowlist" | "open" | "disabled";

/** Which groups, guilds or channels the bot answers in: `allowlist` (default), `open`, `disabled`. */
export type GroupPolicy = "allowlist" | "open" | "disabled";

/** A secret by reference: `"${ENV_NAME}"`, or a SecretRef object. */
export type SecretReference =
  `\${${string}}` | { source: "env" | "file" | "exec" | "store"; provider: string; id: string };

/** Access settings of one channel account; a channel block is itself its default account. */
export interface ChannelAccountSettings {
  /** Run this channel or account (default true once the block exists). */
  enabled?: boolean;
  /** Direct-message access (default `pairing`). */
  dmPolicy?: DmPolicy;
  /** Sender ids allowed to DM the bot (Telegram: numeric user ids; `"*"`: anyone). */
  allowFrom?: (string | number)[];
  /** Group access (default `allowlist`). */
  groupPolicy?: GroupPolicy;
  /** Sender ids allowed to trigger the bot in groups. */
  groupAllowFrom?: (string | number)[];
  /**
   * The bot token, as a reference only: give the value in `channelTokens` (a Fly secret, e.g.
   * `DISCORD_BOT_TOKEN`, which most channels read by themselves) and write `"${DISCORD_BOT_TOKEN}"`
   * or `{ source: "env", provider: "default", id: "DISCORD_BOT_TOKEN" }` here if at all. A literal
   * token is refused: it would sit in plain text in the state and the machine config.
   */
  token?: SecretReference;
  [key: string]: unknown;
}

/** Per-group settings (`groups.<id>`, `"*"` for every group) of Telegram, WhatsApp and others. */
export interface GroupSettings {
  enabled?: boolean;
  /** Answer only when mentioned. */
  requireMention?: boolean;
  /** Sender ids allowed in this group. */
  allowFrom?: (string | number)[];
  [key: string]: unknown;
}

/** `channels.discord.guilds.<guildId>`. */
export interface DiscordGuildSettings {
  /** Answer only when mentioned. */
  requireMention?: boolean;
  /** User ids allowed in this guild. */
  users?: string[];
  /** Role ids allowed in this guild. */
  roles?: string[];
  /**
   * Channels by name or id. `{ enabled: true }` allows one; the 2026.1 form `{ allow: true }` is
   * converted to it with a warning.
   */
  channels?: Record<
    string,
    { enabled?: boolean; requireMention?: boolean; [key: string]: unknown }
  >;
  [key: string]: unknown;
}

/** One channel: its default account's settings, further `accounts`, and family-specific keys. */
export interface ChannelSettings extends ChannelAccountSettings {
  /** Further accounts of this channel by id, each with its own access settings. */
  accounts?: Record<string, ChannelAccountSettings>;
  /** Telegram, WhatsApp, Signal, ...: per-group settings. */
  groups?: Record<string, GroupSettings>;
  /** Discord: per-guild allowlists. */
  guilds?: Record<string, DiscordGuildSettings>;
}

/** `channels`: channel ids (`discord`, `telegram`, `slack`, `whatsapp`, `signal`, ...). */
export interface ChannelsSettings {
  /** Defaults every channel inherits, e.g. `groupPolicy`. */
  defaults?: { groupPolicy?: GroupPolicy; [key: string]: unknown };
  /** Model overrides by channel and chat. */
  modelByChannel?: Record<string, Record<string, string>>;
  discord?: ChannelSettings;
  telegram?: ChannelSettings;
  slack?: ChannelSettings;
  whatsapp?: ChannelSettings;
  signal?: ChannelSettings;
  [channel: string]: ChannelSettings | ChannelsSettings["defaults"] | unknown;
}
