import { appNameProblem } from "../rules/fly-names";
import { GATEWAY_BIND, GATEWAY_PORT, flyDevOrigin, type GatewayMode } from "./gateway-constants";
import {
  parseOpenClawSettings,
  type AgentEntrySettings,
  type AgentModelSettings,
  type BindingSettings,
  type ChannelSettings,
  type OpenClawSettings,
} from "./openclaw-settings";
import { ValidationError, isPlainRecord } from "./validation";

export type {
  AgentDefaultsSettings,
  AgentEntrySettings,
  AgentModelSettings,
  AgentsSettings,
  BindingMatchSettings,
  BindingSettings,
  ChannelSettings,
  GatewaySettings,
  OpenClawSettings,
} from "./openclaw-settings";

export type { GatewayMode } from "./gateway-constants";

/** Context the settings alone do not carry. */
export interface RenderOptions {
  /** Fly app name; in public mode `https://<app>.fly.dev` becomes an allowed UI origin. */
  appName: string;
  mode: GatewayMode;
  /** Custom domains; in public mode `https://<domain>` becomes an allowed UI origin for each. */
  domains?: readonly string[];
}

/** openclaw.json as rendered: OpenClaw's own key names, only the sections in use. */
export interface OpenClawConfigJson {
  agents?: {
    defaults?: { model?: AgentModelSettings; maxConcurrent?: number };
    entries?: Record<string, AgentEntrySettings>;
  };
  bindings?: BindingSettings[];
  channels?: Record<string, ChannelSettings>;
  gateway: {
    mode: "local";
    port: number;
    bind: "lan";
    /** The token itself comes from the OPENCLAW_GATEWAY_TOKEN secret, never from this file. */
    auth: { mode: "token" };
    controlUi?: { allowedOrigins: string[] };
  };
}

// Copies only the keys that are set, so absent settings never appear as `undefined` or `{}`.
function definedOnly<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

function renderModel(model: AgentModelSettings | undefined): AgentModelSettings | undefined {
  if (model === undefined) return undefined;
  return definedOnly({ primary: model.primary, fallbacks: model.fallbacks });
}

function renderAgents(settings: OpenClawSettings): OpenClawConfigJson["agents"] {
  const { defaults, entries } = settings.agents ?? {};
  const renderedEntries =
    entries === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(entries).map(([id, entry]) => [
            id,
            definedOnly({
              default: entry.default,
              model: renderModel(entry.model),
              workspace: entry.workspace,
            }) ?? {},
          ]),
        );
  return definedOnly({
    defaults:
      defaults === undefined
        ? undefined
        : definedOnly({
            model: renderModel(defaults.model),
            maxConcurrent: defaults.maxConcurrent,
          }),
    entries:
      renderedEntries !== undefined && Object.keys(renderedEntries).length > 0
        ? renderedEntries
        : undefined,
  });
}

function renderBindings(bindings: BindingSettings[] | undefined): BindingSettings[] | undefined {
  if (bindings === undefined || bindings.length === 0) return undefined;
  return bindings.map(({ agentId, match }) => ({
    agentId,
    match: {
      channel: match.channel,
      ...definedOnly({
        accountId: match.accountId,
        peer: match.peer && { kind: match.peer.kind, id: match.peer.id },
        guildId: match.guildId,
        teamId: match.teamId,
      }),
    },
  }));
}

function renderChannels(
  channels: Record<string, ChannelSettings> | undefined,
): Record<string, ChannelSettings> | undefined {
  if (channels === undefined || Object.keys(channels).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(channels).map(([id, channel]) => [
      id,
      definedOnly({ enabled: channel.enabled, allowFrom: channel.allowFrom }) ?? {},
    ]),
  );
}

/**
 * Allowed Control UI origins. Public mode puts the app's own HTTPS origin first, then its custom
 * domains', and keeps the user's after them, each once. When the list would be empty the key is
 * left out: the gateway then seeds origins from its own `--bind`/`--port`, which is what
 * `fly proxy 3000:3000` browsers need.
 */
function allowedOrigins(settings: OpenClawSettings, options: RenderOptions): string[] {
  const origins =
    options.mode === "public"
      ? [flyDevOrigin(options.appName), ...(options.domains ?? []).map((d) => `https://${d}`)]
      : [];
  for (const origin of settings.gateway?.controlUi?.allowedOrigins ?? []) {
    if (!origins.includes(origin)) origins.push(origin);
  }
  return origins;
}

/**
 * Renders validated openclaw.json content from typed settings. The gateway section is fixed:
 * local mode, port 3000, LAN bind and token auth, matching the machine's command line.
 *
 * @throws ValidationError listing every problem, one `openclaw.<path>: <rule>` line each
 */
export function renderOpenClawConfig(
  settings: OpenClawSettings,
  options: RenderOptions,
): OpenClawConfigJson {
  const problems: string[] = [];
  const appName = appNameProblem(options.appName);
  if (appName !== undefined) problems.push(`appName: ${appName}`);
  if (options.mode !== "public" && options.mode !== "private") {
    problems.push(`mode: must be "public" or "private", got ${JSON.stringify(options.mode)}`);
  }
  const parsed = parseOpenClawSettings(settings);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (problems.length > 0 || !parsed.ok) {
    throw new ValidationError("openclaw settings are invalid", problems);
  }
  return renderCheckedOpenClawConfig(parsed.settings, options);
}

/**
 * Renders openclaw.json from settings that already met every rule (the component's arguments
 * are checked once, where they come in), without checking them again.
 */
export function renderCheckedOpenClawConfig(
  valid: OpenClawSettings,
  options: RenderOptions,
): OpenClawConfigJson {
  const origins = allowedOrigins(valid, options);
  const config: OpenClawConfigJson = {
    ...definedOnly({
      agents: renderAgents(valid),
      bindings: renderBindings(valid.bindings),
      channels: renderChannels(valid.channels),
    }),
    gateway: {
      mode: "local",
      port: GATEWAY_PORT,
      bind: GATEWAY_BIND,
      auth: { mode: "token" },
      ...(origins.length > 0 ? { controlUi: { allowedOrigins: origins } } : {}),
    },
  };
  return config;
}

function writeJson(value: unknown, indent: string, path: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item, i) => inner + writeJson(item, inner, `${path}[${i}]`));
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  if (isPlainRecord(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    if (keys.length === 0) return "{}";
    const members = keys.map(
      (key) => `${inner}${JSON.stringify(key)}: ${writeJson(value[key], inner, `${path}.${key}`)}`,
    );
    return `{\n${members.join(",\n")}\n${indent}}`;
  }
  if (
    typeof value === "string" ||
    typeof value === "boolean" ||
    value === null ||
    (typeof value === "number" && Number.isFinite(value))
  ) {
    return JSON.stringify(value);
  }
  throw new TypeError(`${path}: ${String(value)} (${typeof value}) has no JSON form`);
}

/**
 * Stable JSON text: keys sorted at every level, 2-space indent, trailing newline. The text is
 * what the machine receives, so the same config must always give the same bytes; otherwise a
 * re-render would show as a change and restart the gateway for nothing.
 *
 * @throws TypeError for values JSON cannot hold (undefined in arrays, NaN, functions, ...)
 */
export function serializeOpenClawConfig(config: unknown): string {
  return `${writeJson(config, "", "$")}\n`;
}
