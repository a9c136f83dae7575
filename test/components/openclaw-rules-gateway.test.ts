import { describe, expect, it } from "vitest";
import {
  gatewayRoleIssues,
  portalIssues,
  publicOriginIssues,
  sandboxOriginIssues,
  talkProviderIssues,
} from "../../components/openclaw-rules-gateway";

describe("gateway and talk rules (GatewayConfigSchema, TalkSchema and their refinements)", () => {
  it("publicOriginIssues: a bare HTTPS origin, or HTTP on loopback", () => {
    for (const ok of [
      "https://claw.example.com",
      "http://localhost:3000",
      "http://127.0.0.1",
      "not a url",
    ]) {
      expect(publicOriginIssues({ gateway: { publicOrigin: ok } })).toEqual([]);
    }
    for (const bad of [
      "http://claw.example.com",
      "https://claw.example.com/ui",
      "https://u:p@claw.example.com",
    ]) {
      expect(publicOriginIssues({ gateway: { publicOrigin: bad } })).toEqual([
        {
          path: ["gateway", "publicOrigin"],
          rule: "must be a bare HTTPS origin such as https://claw.example.com (HTTP only for localhost, 127.0.0.1 or [::1])",
        },
      ]);
    }
  });

  it("sandboxOriginIssues: an HTTP(S) origin without a path", () => {
    expect(
      sandboxOriginIssues({ mcp: { apps: { sandboxOrigin: "https://apps.example.com" } } }),
    ).toEqual([]);
    expect(
      sandboxOriginIssues({ mcp: { apps: { sandboxOrigin: "https://apps.example.com/x" } } }),
    ).toEqual([
      {
        path: ["mcp", "apps", "sandboxOrigin"],
        rule: "must be an HTTP(S) origin without a path, query, or credentials",
      },
    ]);
  });

  it("portalIssues: its own domain, apart from the gateway's origins, on another port", () => {
    const gateway = (ingress: Record<string, unknown>) => ({
      gateway: { port: 3000, publicOrigin: "https://claw.example.com", portals: { ingress } },
    });
    expect(portalIssues(gateway({ domain: "portals.example.net", port: 4000 }))).toEqual([]);
    expect(portalIssues(gateway({ domain: "example.com", port: 3000 }))).toEqual([
      {
        path: ["gateway", "portals", "ingress", "domain"],
        rule: "must be a domain apart from the Gateway's and the Control UI's origins",
      },
      {
        path: ["gateway", "portals", "ingress", "port"],
        rule: "must differ from the gateway's port (3000)",
      },
    ]);
    expect(portalIssues(gateway({ domain: "10.0.0.1" }))).toEqual([
      { path: ["gateway", "portals", "ingress", "domain"], rule: "must be a bare DNS domain" },
    ]);
  });

  it("gatewayRoleIssues: at least one definition, and a default among them", () => {
    expect(
      gatewayRoleIssues({ gateway: { roles: { default: "a", definitions: { a: {} } } } }),
    ).toEqual([]);
    expect(
      gatewayRoleIssues({ gateway: { roles: { default: "b", definitions: { a: {} } } } }),
    ).toEqual([
      {
        path: ["gateway", "roles", "default"],
        rule: "must name a role in gateway.roles.definitions (a)",
      },
    ]);
    expect(gatewayRoleIssues({ gateway: { roles: { default: "a", definitions: {} } } })).toEqual([
      { path: ["gateway", "roles", "definitions"], rule: "must define at least one role" },
    ]);
  });

  it("talkProviderIssues: the provider is a configured one, and is required among several", () => {
    expect(talkProviderIssues({ talk: { provider: "OpenAI", providers: { openai: {} } } })).toEqual(
      [],
    );
    expect(
      talkProviderIssues({
        talk: {
          provider: "x",
          providers: { openai: {} },
          realtime: { providers: { a: {}, b: {} } },
        },
      }),
    ).toEqual([
      { path: ["talk", "provider"], rule: "must be one of the configured providers (openai)" },
      {
        path: ["talk", "realtime", "provider"],
        rule: "is required when several providers are configured (a, b)",
      },
    ]);
  });
});
