/**
 * The client's endpoint and token: how the token becomes a header and what a base URL must look
 * like. Where both come from (stack config, environment) is the caller's business.
 */

/** The default Machines API endpoint (paths are `/v1/...` below it). */
export const DEFAULT_FLY_API_URL = "https://api.machines.dev";

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
 * The reason `url` cannot be the Machines API base URL, or undefined when it can. The reason
 * never quotes `url`: a token pasted under the wrong key would be printed with it.
 */
export function baseUrlProblem(url: string): string | undefined {
  const text = url.trim();
  if (!/^https?:\/\/[^/]/.test(text)) {
    return `must be an http(s) URL such as ${DEFAULT_FLY_API_URL} (the value is not shown: it may be a credential)`;
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return `must be a valid http(s) URL such as ${DEFAULT_FLY_API_URL} (the value is not shown: it may be a credential)`;
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return "must not carry credentials (user:password@); the Fly token belongs in the secret flyApiToken or FLY_API_TOKEN";
  }
  return undefined;
}

/**
 * Strips trailing slashes and a trailing `/v1`, since the client appends `/v1/...` itself.
 *
 * @throws Error when `url` is not an http(s) URL.
 */
export function normalizeBaseUrl(url: string): string {
  const problem = baseUrlProblem(url);
  if (problem !== undefined) throw new Error(`The Machines API base URL ${problem}`);
  return url.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
}
