import { GATEWAY_BIND, GATEWAY_PORT, flyDevOrigin, type GatewayMode } from "./gateway-constants";
import { mergeTrustedProxies } from "./openclaw-trusted-proxies";
import { isPlainRecord } from "./validation";

export type * from "./openclaw-settings";

export type { GatewayMode } from "./gateway-constants";

/** Context the settings alone do not carry. */
export interface RenderOptions {
  /** Fly app name; in public mode `https://<app>.fly.dev` becomes an allowed UI origin. */
  appName: string;
  mode: GatewayMode;
  /** Custom domains; in public mode `https://<domain>` becomes an allowed UI origin for each. */
  domains?: readonly string[];
  /** Private mode with a Flycast address: Fly's proxy forwards its requests, as in public mode. */
  flycast?: boolean;
}

/** The gateway block the deployment writes (see `openclaw-owned-keys.ts` for why). */
export interface DeploymentGatewayBlock {
  mode: "local";
  port: number;
  bind: "lan";
  /** The token itself comes from the OPENCLAW_GATEWAY_TOKEN secret, never from this file. */
  auth: { mode: "token"; [key: string]: unknown };
  /** The user's Control UI settings, with the app's origin merged into `allowedOrigins`. */
  controlUi?: Record<string, unknown>;
  [key: string]: unknown;
}

/** openclaw.json as rendered: the user's settings with the deployment's gateway block merged in. */
export interface OpenClawConfigJson {
  gateway: DeploymentGatewayBlock;
  [section: string]: unknown;
}

function record(value: unknown): Record<string, unknown> {
  return isPlainRecord(value) ? value : {};
}

/**
 * Allowed Control UI origins. Public mode puts the app's own HTTPS origin first, then its custom
 * domains', and keeps the user's after them, each once. When the list would be empty the key is
 * left out: the gateway then seeds origins from its own `--bind`/`--port`, which is what
 * `fly proxy 3000:3000` browsers need.
 */
function allowedOrigins(userOrigins: unknown, options: RenderOptions): unknown {
  if (userOrigins !== undefined && !Array.isArray(userOrigins)) return userOrigins;
  const origins: unknown[] =
    options.mode === "public"
      ? [flyDevOrigin(options.appName), ...(options.domains ?? []).map((d) => `https://${d}`)]
      : [];
  for (const origin of userOrigins ?? []) {
    if (!origins.includes(origin)) origins.push(origin);
  }
  return origins.length > 0 ? origins : undefined;
}

/**
 * Renders openclaw.json from `settings` (already converted from legacy forms): every section as
 * given, plus the gateway block the machine's command line and checks depend on: local mode,
 * port 3000, LAN bind and token auth. A value the settings give for one of those keys is
 * replaced (and refused by `checkOpenClawSettings`, which says why); a user's other gateway keys
 * stay, their Control UI origins are merged with the app's, and their trusted proxies with
 * Fly's proxy range when Fly's proxy forwards requests (`openclaw-trusted-proxies.ts`; the app's
 * own addresses join when allocated). Empty results are left out, so absent settings never
 * appear as `{}`.
 */
export function renderOpenClawConfig(
  settings: Record<string, unknown>,
  options: RenderOptions,
): OpenClawConfigJson {
  const { gateway: userGateway, ...sections } = settings;
  const gateway = record(userGateway);
  const controlUi = record(gateway.controlUi);
  const origins = allowedOrigins(controlUi.allowedOrigins, options);
  const { allowedOrigins: _origins, ...otherUi } = controlUi;
  const ui = { ...otherUi, ...(origins !== undefined ? { allowedOrigins: origins } : {}) };
  const trustedProxies = mergeTrustedProxies(options, gateway.trustedProxies);
  const {
    mode: _mode,
    port: _port,
    bind: _bind,
    customBindHost: _host,
    auth: userAuth,
    controlUi: _ui,
    trustedProxies: _proxies,
    ...otherGateway
  } = gateway;
  const {
    mode: _authMode,
    token: _token,
    password: _password,
    trustedProxy: _proxy,
    ...otherAuth
  } = record(userAuth);
  return {
    ...sections,
    gateway: {
      ...otherGateway,
      mode: "local",
      port: GATEWAY_PORT,
      bind: GATEWAY_BIND,
      auth: { ...otherAuth, mode: "token" },
      ...(Object.keys(ui).length > 0 ? { controlUi: ui } : {}),
      ...(trustedProxies !== undefined ? { trustedProxies } : {}),
    },
  };
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
