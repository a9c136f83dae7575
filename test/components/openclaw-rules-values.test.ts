import { describe, expect, it } from "vitest";
import {
  activeHoursIssues,
  byteSizeIssues,
  durationIssues,
  modelMapIssues,
  parseByteSize,
  parseDurationMs,
  sandboxSecurityIssues,
  toolPolicyIssues,
} from "../../components/openclaw-rules-values";
import {
  dmPolicyWarnings,
  heartbeatOwnerWarnings,
  missingEnvWarnings,
  originWarnings,
} from "../../components/openclaw-warnings";

describe("parseDurationMs (src/cli/parse-duration.ts)", () => {
  it.each<[string, string, number | undefined]>([
    ["30s", "ms", 30_000],
    ["1h30m", "ms", 5_400_000],
    ["1.5h", "ms", 5_400_000],
    ["45", "d", 45 * 86_400_000],
    ["45", "m", 2_700_000],
    [" 2D ", "ms", 172_800_000],
    ["1h 30m", "ms", undefined],
    ["30x", "ms", undefined],
    ["", "ms", undefined],
    ["soon", "d", undefined],
  ])("%j with default unit %s is %j", (text, unit, ms) => {
    expect(parseDurationMs(text, unit)).toBe(ms);
  });
});

describe("parseByteSize (src/cli/parse-bytes.ts)", () => {
  it.each<[string, number | undefined]>([
    ["500", 500],
    ["2mb", 2 * 1024 ** 2],
    ["1.5G", Math.round(1.5 * 1024 ** 3)],
    ["10 mb", undefined],
    ["lots", undefined],
    ["5pb", undefined],
  ])("%j is %j", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });
});

describe("durationIssues (PositiveDurationSchema, cron and heartbeat refinements)", () => {
  it("accepts durations, numbers in the default unit, and false where it is allowed", () => {
    expect(
      durationIssues({
        session: {
          maintenance: {
            pruneAfter: "30d",
            preserveRecent: false,
            archiveDashboardAfter: 0,
            resetArchiveRetention: 7,
          },
        },
        cron: { sessionRetention: "24h" },
        agents: {
          defaults: { heartbeat: { every: "30m" } },
          entries: { a: { heartbeat: { every: "2h" } } },
        },
      }),
    ).toEqual([]);
  });

  it("refuses text that is no duration, and zero where it must be positive", () => {
    expect(
      durationIssues({
        session: { maintenance: { pruneAfter: "soon", resetArchiveRetention: "0d" } },
        cron: { sessionRetention: "a while" },
        agents: { entries: { a: { heartbeat: { every: "hourly" } } } },
      }),
    ).toEqual([
      {
        path: ["session", "maintenance", "pruneAfter"],
        rule: "is not a duration (use ms, s, m, h, d, e.g. 30d)",
      },
      {
        path: ["session", "maintenance", "resetArchiveRetention"],
        rule: "must be a positive duration (use ms, s, m, h, d, e.g. 30d)",
      },
      { path: ["cron", "sessionRetention"], rule: "is not a duration (use ms, s, m, h, d)" },
      {
        path: ["agents", "entries", "a", "heartbeat", "every"],
        rule: "is not a duration (use ms, s, m, h, e.g. 30m)",
      },
    ]);
  });
});

describe("activeHoursIssues (HeartbeatSchema.superRefine)", () => {
  const of = (start: string, end: string) =>
    activeHoursIssues({ agents: { defaults: { heartbeat: { activeHours: { start, end } } } } });
  const at = (which: string) => ["agents", "defaults", "heartbeat", "activeHours", which];

  it("accepts HH:MM, with 24:00 as an end", () => {
    expect(of("08:00", "24:00")).toEqual([]);
  });

  it("refuses other times", () => {
    expect(of("8:00", "24:30")).toEqual([
      { path: at("start"), rule: 'must be a time as "HH:MM" (24-hour)' },
      { path: at("end"), rule: "24:00 is the only 24:xx time" },
    ]);
    expect(of("24:00", "08:00")).toEqual([
      { path: at("start"), rule: "cannot be 24:00 (only the end can)" },
    ]);
  });
});

describe("byteSizeIssues (session maintenance refinement, NonNegativeByteSizeSchema)", () => {
  it("accepts sizes and numbers, refuses other text", () => {
    expect(
      byteSizeIssues({
        session: { maintenance: { maxDiskBytes: false, highWaterBytes: "400mb" } },
        agents: { defaults: { compaction: { maxActiveTranscriptBytes: 0 } } },
      }),
    ).toEqual([]);
    expect(
      byteSizeIssues({
        session: { maintenance: { maxDiskBytes: "lots" } },
        agents: {
          defaults: { compaction: { memoryFlush: { forceFlushTranscriptBytes: "2 mb" } } },
        },
      }),
    ).toEqual([
      {
        path: ["session", "maintenance", "maxDiskBytes"],
        rule: "is not a byte size (use b, kb, mb, gb, tb, e.g. 20mb)",
      },
      {
        path: ["agents", "defaults", "compaction", "memoryFlush", "forceFlushTranscriptBytes"],
        rule: "is not a byte size (use b, kb, mb, gb, tb, e.g. 20mb)",
      },
    ]);
  });
});

describe("toolPolicyIssues (ToolPolicySchema, AgentToolsSchema, ToolsSchema refinements)", () => {
  it("refuses allow beside alsoAllow in any tool policy scope", () => {
    const rule =
      "a tool policy cannot set both allow and alsoAllow (merge alsoAllow into allow, or drop allow and use profile + alsoAllow)";
    expect(
      toolPolicyIssues({
        tools: {
          allow: ["read"],
          alsoAllow: ["exec"],
          byProvider: { openai: { allow: ["a"], alsoAllow: [] } },
        },
        agents: {
          entries: { a: { tools: { sandbox: { tools: { allow: ["x"], alsoAllow: ["y"] } } } } },
        },
      }),
    ).toEqual([
      { path: ["tools", "alsoAllow"], rule },
      { path: ["agents", "entries", "a", "tools", "sandbox", "tools", "alsoAllow"], rule },
    ]);
  });
});

describe("sandboxSecurityIssues (SandboxDockerSchema, SandboxBrowserSchema refinements)", () => {
  it("blocks the host network, container joins unless allowed, and unconfined profiles", () => {
    expect(
      sandboxSecurityIssues({
        agents: {
          defaults: {
            sandbox: {
              docker: { network: "host", seccompProfile: "Unconfined" },
              browser: { network: "container:x" },
            },
          },
          entries: {
            a: {
              sandbox: {
                docker: { network: "container:db", dangerouslyAllowContainerNamespaceJoin: true },
              },
            },
          },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "sandbox", "docker", "network"],
        rule: 'network mode "host" is blocked; use "bridge" or "none"',
      },
      {
        path: ["agents", "defaults", "sandbox", "docker", "seccompProfile"],
        rule: 'profile "unconfined" is blocked; name a profile or leave it out',
      },
      {
        path: ["agents", "defaults", "sandbox", "browser", "network"],
        rule: 'browser network mode "container:*" is blocked unless docker.dangerouslyAllowContainerNamespaceJoin is true',
      },
    ]);
  });
});

describe("modelMapIssues (AgentModelMapSchema.superRefine)", () => {
  it("needs exact provider/model keys for picker runtimes and Code Mode", () => {
    expect(
      modelMapIssues({
        agents: {
          defaults: {
            models: {
              "openai/gpt-5.4": { codeMode: true },
              "openai/*": { codeMode: true },
              opus: { pickerRuntimes: ["x"] },
              "a/b": { alias: "b" },
            },
          },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "models", "openai/*", "codeMode"],
        rule: "needs an exact provider/model entry (no wildcard, no bare model id)",
      },
      {
        path: ["agents", "defaults", "models", "opus", "pickerRuntimes"],
        rule: "needs an exact provider/model entry (no wildcard, no bare model id)",
      },
    ]);
  });
});

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
