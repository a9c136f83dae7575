import { describe, expect, it } from "vitest";
import { convertLegacyForms } from "../../components/openclaw-legacy";

// Each conversion mirrors a migration of OpenClaw 2026.9.6; test/gateway/openclaw-agreement.test.ts
// shows the real gateway refusing the original and accepting the converted form.

describe("agents.list (legacy.roster.ts migratePersistedImplicitMainRoster)", () => {
  it("becomes agents.entries keyed by id, and a lone default marker is dropped", () => {
    const result = convertLegacyForms({
      agents: { list: [{ id: "main", default: true, workspace: "/data/w" }] },
    });
    expect(result.config).toEqual({ agents: { entries: { main: { workspace: "/data/w" } } } });
    expect(result.issues).toEqual([]);
    expect(result.warnings).toEqual([
      'openclaw.agents.list: the 2026.1 form; converted to openclaw.agents.entries: {"main":{"default":true,"workspace":"/data/w"}} (write it so to silence this warning)',
      "openclaw.agents.entries.main.default: default markers are retired and mean nothing here; removed (leave them out to silence this warning)",
    ]);
  });

  it.each<[string, unknown]>([
    ["an id with capitals", [{ id: "Main" }]],
    ["an id with surrounding spaces", [{ id: " main" }]],
    ["a repeated id", [{ id: "main" }, { id: "main" }]],
    ["an entry without id", [{ workspace: "/data/w" }]],
    ["an entry that is not an object", ["main"]],
    ["a list that is not a list", { main: {} }],
  ])("is refused with the keyed form when it has %s (parseLegacyAgentRoster)", (_label, list) => {
    const result = convertLegacyForms({ agents: { list } });
    expect(result.issues).toEqual([
      {
        path: ["agents", "list"],
        rule: 'the 2026.1 form of agents.entries, and not convertible: every entry needs a unique, lowercase id of a-z 0-9 _ -; write agents.entries keyed by id instead, e.g. {"main":{}}',
      },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it("is refused beside agents.entries", () => {
    const result = convertLegacyForms({ agents: { list: [{ id: "a" }], entries: { b: {} } } });
    expect(result.issues).toEqual([
      {
        path: ["agents", "list"],
        rule: "the 2026.1 form of agents.entries; keep only agents.entries",
      },
    ]);
  });
});

describe("default markers (legacy.roster.ts, legacy.default-agent-roles.ts)", () => {
  it("names the marked agent as owner of each surface when there are several agents", () => {
    const result = convertLegacyForms({
      agents: { entries: { main: {}, work: { default: true } } },
      bindings: [{ agentId: "main", match: { channel: "slack", accountId: "*" } }],
      channels: { telegram: {}, slack: {}, discord: { enabled: false }, defaults: {} },
    });
    expect(result.config).toEqual({
      agents: {
        entries: { main: {}, work: {} },
        ownership: "explicit",
        defaults: {
          heartbeat: { agentId: "work" },
          systemAgent: { agentId: "work" },
          authInheritance: { agentId: "work" },
          sessionStore: { agentId: "work" },
        },
      },
      // telegram had no channel-wide binding; slack had one; discord is disabled.
      bindings: [
        { agentId: "main", match: { channel: "slack", accountId: "*" } },
        { agentId: "work", match: { channel: "telegram", accountId: "*" } },
      ],
      channels: { telegram: {}, slack: {}, discord: { enabled: false }, defaults: {} },
      talk: { agentId: "work" },
    });
    expect(result.warnings).toEqual([
      'openclaw.agents.entries.work.default: default markers are retired; converted to agents.ownership: "explicit" with "work" named as the owner of what it owned implicitly: {"bindings":[{"agentId":"work","match":{"channel":"telegram","accountId":"*"}}],"agents.defaults.heartbeat.agentId":"work","agents.defaults.systemAgent.agentId":"work","agents.defaults.authInheritance.agentId":"work","agents.defaults.sessionStore.agentId":"work","talk.agentId":"work"} (write it so to silence this warning)',
    ]);
  });

  it("keeps surfaces that already name their agent", () => {
    const result = convertLegacyForms({
      agents: {
        defaults: { heartbeat: { every: "1h" }, systemAgent: { agentId: "main" } },
        entries: { main: { default: true }, work: {} },
      },
      session: { store: "/data/sessions" },
      talk: { agentId: "work" },
    });
    expect(result.config.agents).toEqual({
      defaults: { heartbeat: { every: "1h" }, systemAgent: { agentId: "main" } },
      entries: { main: {}, work: {} },
      ownership: "explicit",
    });
    expect(result.config.talk).toEqual({ agentId: "work" });
  });

  it("leaves markers the gateway refuses to the rules (two markers, or beside explicit ownership)", () => {
    const two = { agents: { entries: { a: { default: true }, b: { default: true } } } };
    expect(convertLegacyForms(two).config).toEqual(two);
    const explicit = {
      agents: { ownership: "explicit", entries: { a: { default: true }, b: {} } },
    };
    expect(convertLegacyForms(explicit).config).toEqual(explicit);
  });
});

describe("renamed keys (the doctor's legacy rules)", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    [
      "agents.defaults.embeddedPi",
      { agents: { defaults: { embeddedPi: { a: 1 } } } },
      { agents: { defaults: { embeddedAgent: { a: 1 } } } },
      'openclaw.agents.defaults.embeddedPi: embeddedPi was renamed; converted to openclaw.agents.defaults.embeddedAgent: {"a":1} (write it so to silence this warning)',
    ],
    [
      "session.threadBindings.ttlHours",
      { session: { threadBindings: { ttlHours: 24 } } },
      { session: { threadBindings: { idleHours: 24 } } },
      "openclaw.session.threadBindings.ttlHours: ttlHours was renamed; converted to openclaw.session.threadBindings.idleHours: 24 (write it so to silence this warning)",
    ],
    [
      "session.resetByType.dm",
      { session: { resetByType: { dm: { mode: "daily" } } } },
      { session: { resetByType: { direct: { mode: "daily" } } } },
      'openclaw.session.resetByType.dm: the dm key was renamed; converted to openclaw.session.resetByType.direct: {"mode":"daily"} (write it so to silence this warning)',
    ],
    [
      "channels.telegram.requireMention",
      { channels: { telegram: { requireMention: true } } },
      { channels: { telegram: { groups: { "*": { requireMention: true } } } } },
      'openclaw.channels.telegram.requireMention: requireMention moved to the groups wildcard; converted to openclaw.channels.telegram.groups["*"].requireMention: true (write it so to silence this warning)',
    ],
    [
      "session.typingMode",
      { session: { typingMode: "thinking" } },
      { session: {}, agents: { defaults: { typingMode: "thinking" } } },
      'openclaw.session.typingMode: typingMode moved to agent defaults; converted to openclaw.agents.defaults.typingMode: "thinking" (write it so to silence this warning)',
    ],
  ])("%s moves to its current key", (_label, settings, converted, warning) => {
    const result = convertLegacyForms(settings);
    expect(result.config).toEqual(converted);
    expect(result.warnings).toEqual([warning]);
  });

  it("refuses a rename whose target is set too", () => {
    const result = convertLegacyForms({
      session: { threadBindings: { ttlHours: 1, idleHours: 2 } },
    });
    expect(result.issues).toEqual([
      {
        path: ["session", "threadBindings", "ttlHours"],
        rule: "the earlier form of openclaw.session.threadBindings.idleHours (ttlHours was renamed); keep only openclaw.session.threadBindings.idleHours",
      },
    ]);
  });
});

describe("Discord guild channels and peer kinds", () => {
  it("turns a guild channel's allow into enabled, in accounts too", () => {
    const result = convertLegacyForms({
      channels: {
        discord: {
          guilds: { g1: { channels: { general: { allow: true, requireMention: false } } } },
          accounts: { work: { guilds: { g2: { channels: { ops: { allow: false } } } } } },
        },
      },
    });
    expect(result.config).toEqual({
      channels: {
        discord: {
          guilds: { g1: { channels: { general: { requireMention: false, enabled: true } } } },
          accounts: { work: { guilds: { g2: { channels: { ops: { enabled: false } } } } } },
        },
      },
    });
    expect(result.warnings).toEqual([
      "openclaw.channels.discord.guilds.g1.channels.general.allow: the 2026.1 form; converted to openclaw.channels.discord.guilds.g1.channels.general.enabled: true (write it so to silence this warning)",
      "openclaw.channels.discord.accounts.work.guilds.g2.channels.ops.allow: the 2026.1 form; converted to openclaw.channels.discord.accounts.work.guilds.g2.channels.ops.enabled: false (write it so to silence this warning)",
    ]);
  });

  it("refuses allow beside enabled", () => {
    const result = convertLegacyForms({
      channels: {
        discord: { guilds: { g: { channels: { c: { allow: true, enabled: false } } } } },
      },
    });
    expect(result.issues).toEqual([
      {
        path: ["channels", "discord", "guilds", "g", "channels", "c", "allow"],
        rule: "the 2026.1 form of enabled; write enabled: true or false instead",
      },
    ]);
  });

  it('turns the peer kind "dm" into "direct"', () => {
    const result = convertLegacyForms({
      bindings: [
        { agentId: "main", match: { channel: "telegram", peer: { kind: "dm", id: "42" } } },
      ],
    });
    expect(result.config.bindings).toEqual([
      { agentId: "main", match: { channel: "telegram", peer: { kind: "direct", id: "42" } } },
    ]);
    expect(result.warnings).toEqual([
      'openclaw.bindings[0].match.peer.kind: "dm" is the earlier name; converted to "direct" (write it so to silence this warning)',
    ]);
  });
});

describe("retired keys", () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      "routing",
      { routing: {} },
      'routing was removed: allowFrom moved to channels.whatsapp.allowFrom, groupChat.requireMention to channels.<channel>.groups."*".requireMention, groupChat.historyLimit and mentionPatterns to messages.groupChat',
    ],
    ["memorySearch", { memorySearch: {} }, "memorySearch moved to memory.search"],
    [
      "heartbeat",
      { heartbeat: {} },
      "there is no top-level heartbeat: use agents.defaults.heartbeat (cadence, target, model) or channels.defaults.heartbeat (showOk, showAlerts, useIndicator)",
    ],
    [
      "multiAgent",
      { multiAgent: true },
      'there is no multiAgent key: name agents in agents.entries, set agents.ownership to "explicit", and route with bindings',
    ],
  ])("refuses %s with where it went", (key, settings, rule) => {
    expect(convertLegacyForms(settings).issues).toEqual([{ path: [key], rule }]);
  });

  it("does not modify the settings it converts", () => {
    const settings = { agents: { list: [{ id: "main" }] } };
    convertLegacyForms(settings);
    expect(settings).toEqual({ agents: { list: [{ id: "main" }] } });
  });
});
