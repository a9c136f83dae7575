/**
 * The gateway's rules for `gateway` and `talk`, ported from OpenClaw 2026.9.6
 * (dist/zod-schema-*.mjs; sources in src/config/). These are zod refinements, which the printed
 * JSON Schema leaves out.
 */
import { isIP } from "node:net";
import type { ConfigIssue } from "./openclaw-issue";
import { LOOPBACK_HOSTS, isRecord, record, type Json } from "./openclaw-json";

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text.trim());
  } catch {
    return undefined;
  }
}

/** `validateHttpOrigin`: an http(s) URL with no path, query, fragment or credentials. */
function isHttpOrigin(text: string): boolean {
  const url = parseUrl(text);
  return (
    url !== undefined &&
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.pathname === "/" &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !url.password
  );
}

/** `validateGatewayPublicOrigin`: HTTPS, or HTTP on a loopback host. */
export function publicOriginIssues(config: Json): ConfigIssue[] {
  const origin = record(config.gateway).publicOrigin;
  if (typeof origin !== "string" || !URL.canParse(origin.trim())) return [];
  const url = new URL(origin.trim());
  const loopback = LOOPBACK_HOSTS.includes(url.hostname);
  return isHttpOrigin(origin) && (url.protocol === "https:" || loopback)
    ? []
    : [
        {
          path: ["gateway", "publicOrigin"],
          rule: "must be a bare HTTPS origin such as https://claw.example.com (HTTP only for localhost, 127.0.0.1 or [::1])",
        },
      ];
}

/** `mcp.apps.sandboxOrigin` refine: an HTTP(S) origin without path, query or credentials. */
export function sandboxOriginIssues(config: Json): ConfigIssue[] {
  const origin = record(record(config.mcp).apps).sandboxOrigin;
  return typeof origin === "string" && URL.canParse(origin.trim()) && !isHttpOrigin(origin)
    ? [
        {
          path: ["mcp", "apps", "sandboxOrigin"],
          rule: "must be an HTTP(S) origin without a path, query, or credentials",
        },
      ]
    : [];
}

function isPortalDomain(domain: string): boolean {
  const url = parseUrl(`https://portal.${domain}`);
  return (
    url !== undefined &&
    url.hostname === `portal.${domain.toLowerCase()}` &&
    domain.length <= 220 &&
    domain.includes(".") &&
    isIP(domain) === 0 &&
    domain.split(".").every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/iu.test(label))
  );
}

/**
 * `GatewayConfigSchema.superRefine` and `isValidPortalIngressDomain`: portals live on a domain
 * of their own, apart from the Gateway's and Control UI's origins, and on another port.
 */
export function portalIssues(config: Json): ConfigIssue[] {
  const gateway = record(config.gateway);
  const domainPath = ["gateway", "portals", "ingress", "domain"];
  const ingress = record(record(gateway.portals).ingress);
  const domain = ingress.domain;
  if (typeof domain !== "string") return [];
  if (!isPortalDomain(domain)) {
    return [{ path: domainPath, rule: "must be a bare DNS domain" }];
  }
  const issues: ConfigIssue[] = [];
  const origins = [
    gateway.publicOrigin,
    ...(Array.isArray(record(gateway.controlUi).allowedOrigins)
      ? (record(gateway.controlUi).allowedOrigins as unknown[])
      : []),
  ];
  const conflicts = origins.some((origin) => {
    const host = typeof origin === "string" ? parseUrl(origin)?.hostname.toLowerCase() : undefined;
    return (
      host !== undefined &&
      (host === domain.toLowerCase() || host.endsWith(`.${domain.toLowerCase()}`))
    );
  });
  if (conflicts)
    issues.push({
      path: domainPath,
      rule: "must be a domain apart from the Gateway's and the Control UI's origins",
    });
  if (ingress.port === (gateway.port ?? 18789)) {
    issues.push({
      path: ["gateway", "portals", "ingress", "port"],
      rule: `must differ from the gateway's port (${String(gateway.port ?? 18789)})`,
    });
  }
  return issues;
}

/** `gateway.roles`: at least one definition, and the default names one of them. */
export function gatewayRoleIssues(config: Json): ConfigIssue[] {
  const roles = record(config.gateway).roles;
  if (!isRecord(roles) || !isRecord(roles.definitions)) return [];
  if (Object.keys(roles.definitions).length === 0) {
    return [{ path: ["gateway", "roles", "definitions"], rule: "must define at least one role" }];
  }
  return typeof roles.default === "string" && !Object.hasOwn(roles.definitions, roles.default)
    ? [
        {
          path: ["gateway", "roles", "default"],
          rule: `must name a role in gateway.roles.definitions (${Object.keys(roles.definitions).join(", ")})`,
        },
      ]
    : [];
}

/**
 * `TalkSchema.superRefine` and `TalkRealtimeSchema.superRefine`: the selected provider is one of
 * the configured ones, and must be chosen when there are several.
 */
export function talkProviderIssues(config: Json): ConfigIssue[] {
  const check = (scope: Json, path: string[]): ConfigIssue[] => {
    const provider = String(scope.provider ?? "").toLowerCase();
    const providers = Object.keys(record(scope.providers));
    if (provider && providers.length > 0 && !providers.includes(provider)) {
      return [
        {
          path: [...path, "provider"],
          rule: `must be one of the configured providers (${providers.join(", ")})`,
        },
      ];
    }
    if (!provider && providers.length > 1) {
      return [
        {
          path: [...path, "provider"],
          rule: `is required when several providers are configured (${providers.join(", ")})`,
        },
      ];
    }
    return [];
  };
  const talk = config.talk;
  if (!isRecord(talk)) return [];
  return [
    ...check(talk, ["talk"]),
    ...(isRecord(talk.realtime) ? check(talk.realtime, ["talk", "realtime"]) : []),
  ];
}
