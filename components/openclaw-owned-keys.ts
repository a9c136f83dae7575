/**
 * The openclaw.json keys this deployment writes itself. The machine's command line, its
 * services and checks, and its secrets depend on them, so a user's value would either be
 * overridden by the command line without a word or make the machine unreachable. Each is refused
 * with the reason and what to use instead.
 *
 * Decided not to own:
 * - `gateway.controlUi.allowedOrigins` is merged: public mode puts `https://<app>.fly.dev` first
 *   and keeps the user's origins (custom domains, `http://localhost:3000` for `fly proxy`).
 * - `gateway.trustedProxies` is merged: where Fly's proxy forwards requests, its range and the
 *   app's addresses come first and the user's entries (a CDN in front of Fly) follow
 *   (`openclaw-trusted-proxies.ts`).
 * - `gateway.publicOrigin`, `gateway.controlUi.*`, `gateway.http`,
 *   `gateway.reload` and the rest of `gateway.auth` (`rateLimit`, `allowTailscale`) pass through:
 *   they tune a gateway this deployment reaches the same way whatever they say.
 */
import { GATEWAY_BIND, GATEWAY_PORT, STATE_DIR } from "./gateway-constants";
import type { ConfigIssue } from "./openclaw-issue";

interface OwnedKey {
  path: readonly string[];
  /** The value the deployment writes; the same value given by the user only draws a warning. */
  written?: unknown;
  /** Why the deployment owns it. */
  why: string;
  /** What to do instead. */
  instead: string;
}

const TOKEN_INSTEAD =
  "set openclaw-fly:gatewayToken (secret; generated when unset), delivered as OPENCLAW_GATEWAY_TOKEN";

/** Every owned key, in the order problems are reported. */
export const OWNED_KEYS: readonly OwnedKey[] = [
  {
    path: ["gateway", "mode"],
    written: "local",
    why: 'the machine runs a local gateway, and the deployment writes "local"',
    instead: "leave it out",
  },
  {
    path: ["gateway", "port"],
    written: GATEWAY_PORT,
    why: `the machine's command sets --port ${GATEWAY_PORT}, the port Fly's services and checks use`,
    instead:
      "leave it out; reach the gateway through the url, privateAddress or proxyCommand output",
  },
  {
    path: ["gateway", "bind"],
    written: GATEWAY_BIND,
    why: `the machine's command sets --bind ${GATEWAY_BIND}, so that Fly's proxy and Flycast reach the gateway`,
    instead: "leave it out; mode: private keeps the gateway off the internet",
  },
  {
    path: ["gateway", "customBindHost"],
    why: `the machine's command sets --bind ${GATEWAY_BIND}`,
    instead: "leave it out",
  },
  {
    path: ["gateway", "auth", "mode"],
    written: "token",
    why: "the gateway uses token auth with the deployment's gateway token",
    instead: TOKEN_INSTEAD,
  },
  {
    path: ["gateway", "auth", "token"],
    why: "the gateway token is a secret and is delivered as one, never written into openclaw.json",
    instead: TOKEN_INSTEAD,
  },
  {
    path: ["gateway", "auth", "password"],
    why: "password auth is not used; the gateway token is the shared secret",
    instead: TOKEN_INSTEAD,
  },
  {
    path: ["gateway", "auth", "trustedProxy"],
    why: "trusted-proxy auth is not used (Fly's proxy does not authenticate users)",
    instead: TOKEN_INSTEAD,
  },
  {
    path: ["gateway", "tailscale"],
    why: "Tailscale serve and funnel force a loopback bind, which Fly's proxy cannot reach",
    instead:
      "mode: private, then `fly proxy 3000:3000 -a <app>` (the proxyCommand output) or WireGuard",
  },
  {
    path: ["gateway", "tls"],
    why: "Fly's proxy terminates TLS; its services and checks speak plain HTTP to the gateway",
    instead: "leave it out; public mode serves HTTPS on <app>.fly.dev",
  },
  {
    path: ["env", "vars"],
    why: `the deployment sets the machine's environment (OPENCLAW_STATE_DIR=${STATE_DIR}, the config path, the heap) and delivers secrets as Fly secrets`,
    instead: "extraEnv for plain variables; providerKeys or channelTokens for secrets",
  },
];

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The owned keys the user's settings set: a problem for each value the deployment would replace,
 * a warning for each that only repeats what the deployment writes (as the Fly guide's example
 * does with gateway.mode "local").
 */
export function ownedKeyIssues(settings: unknown): {
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
} {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const key of OWNED_KEYS) {
    const value = valueAt(settings, key.path);
    if (value === undefined) continue;
    if (key.written !== undefined && value === key.written) {
      warnings.push({
        path: [...key.path],
        rule: `already written by the deployment; leave it out (${key.why})`,
      });
    } else {
      issues.push({
        path: [...key.path],
        rule: `set by the deployment: ${key.why}; ${key.instead}`,
      });
    }
  }
  return { issues, warnings };
}
