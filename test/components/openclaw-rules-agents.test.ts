import { describe, expect, it } from "vitest";
import {
  acpBindingIssues,
  agentReferenceIssues,
  agentRosterIssues,
  avatarIssues,
  broadcastShapeIssues,
} from "../../components/openclaw-rules-agents";
import { normalizeAgentId } from "../../components/openclaw-agent-ids";

describe("normalizeAgentId (packages/normalization-core/src/agent-id.ts)", () => {
  it.each([
    ["main", "main"],
    ["Work", "work"],
    [" ops ", "ops"],
    ["my agent!", "my-agent"],
    ["--x--", "x"],
    ["!!!", "main"],
  ])("%j becomes %j", (input, id) => {
    expect(normalizeAgentId(input)).toBe(id);
  });
});

describe("agentRosterIssues (zod-schema.agents.ts AgentsSchema.superRefine)", () => {
  it("accepts one agent, or several with explicit ownership", () => {
    expect(agentRosterIssues({ agents: { entries: { main: {} } } })).toEqual([]);
    expect(
      agentRosterIssues({ agents: { ownership: "explicit", entries: { a: {}, b: {} } } }),
    ).toEqual([]);
    expect(agentRosterIssues({ agents: { entries: { a: { default: true }, b: {} } } })).toEqual([]);
    expect(agentRosterIssues({})).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, { path: (string | number)[]; rule: string }[]]>([
    [
      "explicit ownership with no agent",
      { agents: { ownership: "explicit" } },
      [
        {
          path: ["agents", "entries"],
          rule: 'must name at least one agent when agents.ownership is "explicit"',
        },
      ],
    ],
    [
      "keys that normalize to one id",
      { agents: { ownership: "explicit", entries: { Work: {}, work: {} } } },
      [
        {
          path: ["agents", "entries", "work"],
          rule: 'resolves to the same agent id "work" as "Work"; rename one of them',
        },
      ],
    ],
    [
      "two default markers",
      { agents: { entries: { a: { default: true }, b: { default: true } } } },
      [
        {
          path: ["agents", "entries"],
          rule: "at most one agent may carry default: true (found 2); name each surface's agent instead",
        },
      ],
    ],
    [
      "a marker beside explicit ownership",
      { agents: { ownership: "explicit", entries: { a: { default: true }, b: {} } } },
      [
        {
          path: ["agents", "ownership"],
          rule: '"explicit" cannot be combined with a default: true marker; remove the marker',
        },
      ],
    ],
    [
      "several agents without ownership",
      { agents: { entries: { a: {}, b: {} } } },
      [
        {
          path: ["agents", "ownership"],
          rule: 'must be "explicit" when there are several agents; then name the agent of each surface (agents.defaults.systemAgent.agentId, agents.defaults.heartbeat.agentId, talk.agentId, bindings)',
        },
      ],
    ],
  ])("refuses %s", (_label, config, issues) => {
    expect(agentRosterIssues(config)).toEqual(issues);
  });
});

describe("agentReferenceIssues (zod-schema.ts OpenClawSchema.superRefine)", () => {
  const roster = { agents: { ownership: "explicit", entries: { main: {}, Work: {} } } };

  it("accepts references to existing agents, normalized", () => {
    expect(
      agentReferenceIssues({
        ...roster,
        agents: {
          ...roster.agents,
          defaults: { heartbeat: { agentId: "work" }, systemAgent: { agentId: "MAIN" } },
        },
        talk: { agentId: "main" },
        bindings: [{ agentId: "WORK", match: { channel: "telegram" } }],
      }),
    ).toEqual([]);
  });

  it("lets a binding name main even when main is not an entry", () => {
    expect(
      agentReferenceIssues({
        agents: { entries: { work: {} } },
        bindings: [{ agentId: "main", match: {} }],
      }),
    ).toEqual([]);
  });

  it("reports each unknown agent where it is named", () => {
    expect(
      agentReferenceIssues({
        ...roster,
        agents: {
          ...roster.agents,
          defaults: { heartbeat: { agentId: "ghost" }, systemAgent: { agentId: "x" } },
        },
        talk: { agentId: "y" },
        bindings: [
          { agentId: "main", match: {} },
          { agentId: "z", match: {} },
        ],
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "heartbeat", "agentId"],
        rule: 'unknown agent "ghost" (agents: main, Work)',
      },
      {
        path: ["agents", "defaults", "systemAgent", "agentId"],
        rule: 'unknown agent "x" (agents: main, Work)',
      },
      { path: ["talk", "agentId"], rule: 'unknown agent "y" (agents: main, Work)' },
      { path: ["bindings", 1, "agentId"], rule: 'unknown agent "z" (agents: main, Work)' },
    ]);
  });

  it("knows only the implicit main agent when none is named", () => {
    expect(agentReferenceIssues({ bindings: [{ agentId: "work", match: {} }] })).toEqual([
      { path: ["bindings", 0, "agentId"], rule: 'unknown agent "work" (agents: main, implicit)' },
    ]);
  });

  it("compares broadcast members exactly as written", () => {
    expect(
      agentReferenceIssues({
        ...roster,
        broadcast: {
          strategy: "all",
          "telegram:1": ["main", "work"],
          group: { agents: ["Work", "nope"] },
        },
      }),
    ).toEqual([
      { path: ["broadcast", "telegram:1", 1], rule: 'unknown agent "work" (agents: main, Work)' },
      {
        path: ["broadcast", "group", "agents", 1],
        rule: 'unknown agent "nope" (agents: main, Work)',
      },
    ]);
  });
});

describe("acpBindingIssues (zod-schema.agents.ts AcpBindingSchema.superRefine)", () => {
  it("needs a peer id on ACP bindings only", () => {
    expect(
      acpBindingIssues({
        bindings: [
          {
            type: "acp",
            agentId: "main",
            match: { channel: "discord", peer: { kind: "channel", id: " " } },
          },
          {
            type: "acp",
            agentId: "main",
            match: { channel: "discord", peer: { kind: "channel", id: "1" } },
          },
          { agentId: "main", match: { channel: "discord" } },
        ],
      }),
    ).toEqual([
      {
        path: ["bindings", 0, "match", "peer"],
        rule: "ACP bindings need match.peer.id, the conversation they serve",
      },
    ]);
  });
});

describe("avatarIssues (validation-core.ts validateIdentityAvatar)", () => {
  const avatar = (
    value: string,
    entry: Record<string, unknown> = {},
    defaults: Record<string, unknown> = {},
  ) =>
    avatarIssues({
      agents: { defaults, entries: { main: { ...entry, identity: { avatar: value } } } },
    });

  it.each([
    "avatars/me.png",
    "https://example.com/me.png",
    "data:image/png;base64,AAAA",
    "/data/workspace-main/me.png",
  ])("accepts %s", (value) => {
    expect(avatar(value)).toEqual([]);
  });

  it("resolves absolute paths against the agent's workspace", () => {
    expect(avatar("/srv/w/me.png", { workspace: "/srv/w" })).toEqual([]);
    expect(avatar("/srv/w/main/me.png", {}, { workspace: "/srv/w" })).toEqual([]);
    expect(avatar("/srv/other.png", { workspace: "/srv/w" })).toEqual([
      {
        path: ["agents", "entries", "main", "identity", "avatar"],
        rule: "must stay within the agent's workspace (/srv/w)",
      },
    ]);
  });

  it.each(["~/me.png", "file:///me.png"])("refuses %s", (value) => {
    expect(avatar(value)).toEqual([
      {
        path: ["agents", "entries", "main", "identity", "avatar"],
        rule: "must be a workspace-relative path, an http(s) URL or a data URI",
      },
    ]);
  });

  it("refuses a relative path that leaves the workspace", () => {
    expect(avatar("../x.png")).toEqual([
      {
        path: ["agents", "entries", "main", "identity", "avatar"],
        rule: "must stay within the agent's workspace (/data/workspace-main)",
      },
    ]);
  });
});

describe("broadcastShapeIssues (zod-schema.core.ts BroadcastSchema.superRefine)", () => {
  it("needs channel-qualified keys for group options and caps threads at 16 agents", () => {
    const many = Array.from({ length: 17 }, (_, i) => `a${i}`);
    expect(
      broadcastShapeIssues({
        broadcast: {
          strategy: "all",
          family: { agents: ["main"] },
          "telegram:1": many,
          list: many,
          "slack:C1": { agents: ["main"] },
        },
      }),
    ).toEqual([
      {
        path: ["broadcast", "family"],
        rule: "group options need a channel-qualified key (<channel>:<peerId>)",
      },
      { path: ["broadcast", "telegram:1"], rule: "an agent group thread takes at most 16 agents" },
    ]);
  });
});
