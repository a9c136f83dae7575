/**
 * `gateway.trustedProxies`: the peers whose `X-Forwarded-For` the gateway believes.
 *
 * Fly's proxy connects to a machine from Fly's internal 172.16.0.0/12 range and adds
 * `X-Forwarded-For`, whose rightmost entry is the app's own IP address the client connected to,
 * with the client's address left of it. Since 2026.8 the gateway refuses a request that carries
 * forwarded headers from a peer it does not trust (403 `proxy_attribution_required`), so without
 * this list every request through Fly's proxy (public mode, custom domains, Flycast) is refused.
 * The gateway walks `X-Forwarded-For` from the right, skipping trusted entries, and takes the
 * first untrusted one as the client (dist/net-*.mjs `resolveForwardedClientIp`): trusting the
 * app's own addresses too makes that the real client rather than the app's address, so
 * per-client rate limits and the failed-token tarpit apply to the client alone, not to everyone
 * at once.
 *
 * The list is merged, not owned: the deployment's entries come first and the user's follow, so
 * a user who puts another proxy in front of Fly (a CDN) can trust it too, while the entries
 * Fly's proxy needs cannot be left out.
 */
import type { GatewayMode } from "./gateway-constants";
import type { OpenClawConfigJson } from "./openclaw-config";

/** The source range of Fly's proxy inside Fly's network, as seen by a machine. */
export const FLY_PROXY_SOURCE_RANGE = "172.16.0.0/12";

/** How requests reach the gateway, as far as its trusted proxies depend on it. */
export interface ProxyPath {
  mode: GatewayMode;
  /** Private mode with a Flycast address: requests come through Fly's proxy too. */
  flycast?: boolean;
  /** The app's allocated IP addresses (public IPv4 and IPv6, or the Flycast address). */
  appAddresses?: readonly string[];
}

/**
 * Whether requests reach the machine through Fly's proxy. Private mode without Flycast is
 * reached by `fly proxy` or WireGuard, which forward TCP and add no headers.
 */
export function reachedThroughFlyProxy(path: ProxyPath): boolean {
  return path.mode === "public" || path.flycast === true;
}

/** The entries the deployment trusts: Fly's proxy range, then the app's own addresses. */
export function deploymentTrustedProxies(path: ProxyPath): string[] {
  return reachedThroughFlyProxy(path) ? [FLY_PROXY_SOURCE_RANGE, ...(path.appAddresses ?? [])] : [];
}

/**
 * The deployment's entries first, then the user's, each once. A user value that is not a list
 * is kept as it is, for the schema check to report; an empty result is left out.
 */
export function mergeTrustedProxies(path: ProxyPath, userEntries: unknown): unknown {
  if (userEntries !== undefined && !Array.isArray(userEntries)) return userEntries;
  const merged: unknown[] = deploymentTrustedProxies(path);
  for (const entry of (userEntries as unknown[] | undefined) ?? []) {
    if (!merged.includes(entry)) merged.push(entry);
  }
  return merged.length > 0 ? merged : undefined;
}

/**
 * The shipped document: `config` (checked at preview, with Fly's proxy range) with the app's
 * addresses added once Fly has allocated them.
 */
export function withAppAddresses(config: OpenClawConfigJson, path: ProxyPath): OpenClawConfigJson {
  const trustedProxies = mergeTrustedProxies(path, config.gateway.trustedProxies);
  const { trustedProxies: _previous, ...gateway } = config.gateway;
  return {
    ...config,
    gateway: { ...gateway, ...(trustedProxies !== undefined ? { trustedProxies } : {}) },
  };
}
