/**
 * Where the client's base URL and API token come from, and how the token becomes a header.
 *
 * Both are read at call time, never at module load: a value captured when Pulumi serializes a
 * provider would be written into the state in plain text.
 */

/** The default Machines API endpoint (paths are `/v1/...` below it). */
export const DEFAULT_FLY_API_URL = "https://api.machines.dev";

/** The Pulumi project name, which namespaces its stack config keys. */
const CONFIG_NAMESPACE = "openclaw-fly";

/** Stack config as `configure()` sees it (`ConfigureRequest.config`), or anything with `get`. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Where to reach the Machines API and how to authenticate. */
export interface FlyCredentials {
  /** Base URL without `/v1`, e.g. `https://api.machines.dev`. */
  baseUrl: string;
  /** The API token as the user gave it (with or without a `FlyV1 `/`Bearer ` scheme). */
  token: string;
}

/**
 * Resolves the base URL and token: stack config `flyApiUrl` / `flyApiToken` (bare or as
 * `openclaw-fly:flyApiToken`) first, then the environment variables `FLY_API_URL` /
 * `FLY_API_TOKEN`, read now. The URL defaults to `https://api.machines.dev`.
 *
 * @throws Error naming both the config key and the environment variable when no token is set.
 */
export function resolveFlyCredentials(config?: ConfigSource): FlyCredentials {
  const url = readSetting(config, "flyApiUrl") ?? nonEmpty(process.env.FLY_API_URL);
  const token = readSetting(config, "flyApiToken") ?? nonEmpty(process.env.FLY_API_TOKEN);
  if (token === undefined) {
    throw new Error(
      `No Fly API token: set the stack config "${CONFIG_NAMESPACE}:flyApiToken" ` +
        `(pulumi config set --secret flyApiToken <token>) or the environment variable FLY_API_TOKEN.`,
    );
  }
  return { baseUrl: normalizeBaseUrl(url ?? DEFAULT_FLY_API_URL), token };
}

/**
 * The `Authorization` header value for `token`, following fly-go's rule: a token that already
 * names its scheme is used as is; macaroons (`fm1r_`, `fm1a_`, `fm2_`, possibly several joined
 * by commas) use `FlyV1`; anything else is a `Bearer` token.
 */
export function authorizationHeader(token: string): string {
  const trimmed = token.trim();
  if (/^(FlyV1|Bearer) /.test(trimmed)) return trimmed;
  if (/^(fm1r_|fm1a_|fm2_)/.test(trimmed)) return `FlyV1 ${trimmed}`;
  return `Bearer ${trimmed}`;
}

/**
 * Strips trailing slashes and a trailing `/v1`, since the client appends `/v1/...` itself.
 *
 * @throws Error when `url` is not an http(s) URL.
 */
export function normalizeBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
  if (!/^https?:\/\/[^/]/.test(trimmed)) {
    throw new Error(
      `flyApiUrl must be an http(s) URL such as ${DEFAULT_FLY_API_URL}, got "${url}"`,
    );
  }
  return trimmed;
}

function readSetting(config: ConfigSource | undefined, key: string): string | undefined {
  if (config === undefined) return undefined;
  return nonEmpty(config.get(key)) ?? nonEmpty(config.get(`${CONFIG_NAMESPACE}:${key}`));
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
