import { describe, expect, it } from "vitest";
import { normalizeAgentId } from "../../components/openclaw-agent-ids";
import {
  acpBindingIssues,
  agentReferenceIssues,
  agentRosterIssues,
  avatarIssues,
  modelPolicyIssues,
  sandboxEnvIssues,
} from "../../components/openclaw-rules-agents";

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

describe("modelPolicyIssues (validation-core.ts collectModelPolicyAllowIssues)", () => {
  it("accepts aliases, exact refs, prefix wildcards and OpenRouter selectors", () => {
    expect(
      modelPolicyIssues({
        agents: {
          defaults: {
            models: { "anthropic/claude-opus-4-6": { alias: "Opus" } },
            modelPolicy: {
              allow: ["opus", "openai/gpt-5.4", " x / y ", "openrouter/meta/*", "openrouter:auto"],
            },
          },
          entries: {
            work: {
              models: { "x/y": { alias: "fast" } },
              modelPolicy: { allow: ["fast", "opus"] },
            },
          },
        },
      }),
    ).toEqual([]);
  });

  it("refuses anything else, per scope", () => {
    expect(
      modelPolicyIssues({
        agents: {
          defaults: { modelPolicy: { allow: ["claude", "a/*/b", "a/b /c"] } },
          entries: { work: { modelPolicy: { allow: ["*"] } } },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "modelPolicy", "allow", 0],
        rule: '"claude" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
      {
        path: ["agents", "defaults", "modelPolicy", "allow", 1],
        rule: '"a/*/b" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
      {
        path: ["agents", "defaults", "modelPolicy", "allow", 2],
        rule: '"a/b /c" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
      {
        path: ["agents", "entries", "work", "modelPolicy", "allow", 0],
        rule: '"*" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
    ]);
  });
});

describe("sandboxEnvIssues (validation-core.ts collectSandboxContainerEnvIssues)", () => {
  it("needs portable names and one-line values for Docker and Podman, not for other backends", () => {
    expect(
      sandboxEnvIssues({
        agents: {
          defaults: {
            sandbox: { docker: { env: { GOOD_NAME: "x", "BAD-NAME": "x", MULTI: "a\nb" } } },
          },
          entries: {
            ssh: { sandbox: { backend: "ssh", docker: { env: { "ANY-NAME": "a\nb" } } } },
          },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "sandbox", "docker", "env", "BAD-NAME"],
        rule: "must be a portable variable name (letters, digits and underscores, not starting with a digit)",
      },
      {
        path: ["agents", "defaults", "sandbox", "docker", "env", "MULTI"],
        rule: "must be one line without NUL: the sandbox's env file is line-based",
      },
    ]);
  });
});
