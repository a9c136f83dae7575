import { describe, expect, it } from "vitest";
import {
  dmPolicyWarnings,
  heartbeatOwnerWarnings,
  missingEnvWarnings,
  originWarnings,
  volumePathWarnings,
} from "../../components/openclaw-warnings";

describe("warnings the gateway prints for settings it accepts", () => {
  it("dmPolicyWarnings: open DMs without a wildcard, allowlists without entries, accounts inheriting", () => {
    expect(
      dmPolicyWarnings({
        channels: {
          telegram: { dmPolicy: "open", allowFrom: ["1"] },
          slack: { dmPolicy: "allowlist", accounts: { work: {}, home: { allowFrom: ["u1"] } } },
          discord: { enabled: false, dmPolicy: "allowlist" },
          signal: { dmPolicy: "open", allowFrom: ["*"] },
        },
      }),
    ).toEqual([
      {
        path: ["channels", "telegram", "allowFrom"],
        rule: 'dmPolicy is "open" but allowFrom does not include "*": every DM will be dropped; add "*" or set dmPolicy to "pairing" or "allowlist"',
      },
      {
        path: ["channels", "slack", "allowFrom"],
        rule: 'dmPolicy is "allowlist" but allowFrom is empty: every DM will be dropped; add a sender id or change dmPolicy',
      },
      {
        path: ["channels", "slack", "accounts", "work", "allowFrom"],
        rule: 'dmPolicy is "allowlist" but allowFrom is empty: every DM will be dropped; add a sender id or change dmPolicy',
      },
    ]);
  });

  it("heartbeatOwnerWarnings: several agents and nobody owning heartbeats", () => {
    const agents = { ownership: "explicit", entries: { a: {}, b: {} } };
    expect(heartbeatOwnerWarnings({ agents })).toEqual([
      {
        path: ["agents", "defaults", "heartbeat", "agentId"],
        rule: "several agents and no heartbeat owner: heartbeats stay off until agents.defaults.heartbeat.agentId or agents.defaults.systemAgent.agentId is set",
      },
    ]);
    expect(
      heartbeatOwnerWarnings({
        agents: { ...agents, defaults: { systemAgent: { agentId: "a" } } },
      }),
    ).toEqual([]);
  });

  it("missingEnvWarnings: references to variables the machine lacks, not escaped ones", () => {
    expect(
      missingEnvWarnings({ a: "${ONE}", b: ["x ${TWO} y", "$${THREE}"] }, new Set(["ONE"])),
    ).toEqual([
      {
        path: ["b", 0],
        rule: "refers to ${TWO}, which the machine's environment does not set (add it to providerKeys, channelTokens or extraEnv); the gateway turns the feature off without it",
      },
    ]);
  });

  it("originWarnings: origins no browser sends", () => {
    expect(
      originWarnings({
        gateway: {
          controlUi: {
            allowedOrigins: [
              "*",
              "https://a.example.com",
              "https://a.example.com/",
              "HTTPS://B.example.com",
            ],
          },
        },
      }).map((w) => w.path),
    ).toEqual([
      ["gateway", "controlUi", "allowedOrigins", 2],
      ["gateway", "controlUi", "allowedOrigins", 3],
    ]);
  });
});

describe("volumePathWarnings (the deployment's volume at /data)", () => {
  it("warns about state kept outside the volume, not about relative paths or paths under it", () => {
    expect(
      volumePathWarnings(
        {
          agents: {
            defaults: { workspace: "/data/workspace" },
            entries: { a: { workspace: "/home/node/w", agentDir: "rel/dir" } },
          },
          session: { store: "/tmp/sessions" },
        },
        "/data",
      ),
    ).toEqual([
      {
        path: ["session", "store"],
        rule: "/tmp/sessions is outside the volume at /data: what the gateway writes there is lost when the machine is replaced",
      },
      {
        path: ["agents", "entries", "a", "workspace"],
        rule: "/home/node/w is outside the volume at /data: what the gateway writes there is lost when the machine is replaced",
      },
    ]);
  });
});
