import { GATEWAY_PORT, flyDevOrigin } from "./gateway-constants";
import type { GatewayMode } from "./openclaw-config";

/** How a user reaches the gateway, by mode. */
export interface GatewayConnection {
  /** Public mode: the HTTPS URL Fly's proxy serves. */
  url?: string;
  /** Private mode: the address inside the organization's private network (WireGuard, 6PN). */
  privateAddress?: string;
  /** Private mode: the command that forwards the gateway to localhost:3000. */
  proxyCommand?: string;
}

/** The command that forwards a private gateway to `http://localhost:3000`. */
export function proxyCommand(appName: string): string {
  return `fly proxy ${GATEWAY_PORT}:${GATEWAY_PORT} -a ${appName}`;
}

/**
 * Where the gateway answers. Public: `https://<app>.fly.dev`. Private with Flycast: the app's
 * Flycast name, which Fly's proxy serves on port 80 inside the private network. Private without
 * Flycast: the machines' own 6PN name and the gateway port, reachable over WireGuard; from a
 * laptop, `fly proxy` is the simpler way in.
 */
export function gatewayConnection(
  appName: string,
  mode: GatewayMode,
  flycast: boolean,
): GatewayConnection {
  if (mode === "public") return { url: flyDevOrigin(appName) };
  return {
    privateAddress: flycast
      ? `http://${appName}.flycast`
      : `http://${appName}.internal:${GATEWAY_PORT}`,
    proxyCommand: proxyCommand(appName),
  };
}
