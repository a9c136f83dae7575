import { describe, expect, it } from "vitest";
import {
  renderOpenClawConfig,
  serializeOpenClawConfig,
  type OpenClawSettings,
  type RenderOptions,
} from "../../components/openclaw-config";
import { ValidationError } from "../../components/validation";

const PUBLIC: RenderOptions = { appName: "my-claw", mode: "public" };
const PRIVATE: RenderOptions = { appName: "my-claw", mode: "private" };

const GATEWAY_BASE = { mode: "local", port: 3000, bind: "lan", auth: { mode: "token" } };

/** Settings that use every supported key. */
const FULL: OpenClawSettings = {
  agents: {
    defaults: {
      model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] },
      maxConcurrent: 4,
    },
    entries: {
      main: { default: true },
      work: { model: { primary: "openai/gpt-5.2" }, workspace: "/data/workspace-work" },
    },
  },
  bindings: [
    { agentId: "work", match: { channel: "discord", guildId: "123456", accountId: "default" } },
    { agentId: "main", match: { channel: "telegram", peer: { kind: "dm", id: "42" } } },
  ],
  channels: {
    telegram: { enabled: true, allowFrom: ["42", "43"] },
    discord: { allowFrom: ["987"] },
  },
  gateway: { controlUi: { allowedOrigins: ["https://claw.example.com"] } },
};

function renderProblems(settings: unknown, options: RenderOptions = PUBLIC): readonly string[] {
  try {
    renderOpenClawConfig(settings as OpenClawSettings, options);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error("expected renderOpenClawConfig to throw");
}

describe("renderOpenClawConfig", () => {
  it("renders empty settings in public mode as the fixed gateway block plus the app origin", () => {
    expect(renderOpenClawConfig({}, PUBLIC)).toEqual({
      gateway: { ...GATEWAY_BASE, controlUi: { allowedOrigins: ["https://my-claw.fly.dev"] } },
    });
  });

  it("leaves allowedOrigins out in private mode so the gateway seeds its own", () => {
    const config = renderOpenClawConfig({}, PRIVATE);
    expect(config).toEqual({ gateway: GATEWAY_BASE });
    expect("controlUi" in config.gateway).toBe(false);
  });

  it("renders every supported setting under OpenClaw's key names", () => {
    expect(renderOpenClawConfig(FULL, PUBLIC)).toEqual({
      agents: {
        defaults: {
          model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] },
          maxConcurrent: 4,
        },
        entries: {
          main: { default: true },
          work: { model: { primary: "openai/gpt-5.2" }, workspace: "/data/workspace-work" },
        },
      },
      bindings: [
        { agentId: "work", match: { channel: "discord", accountId: "default", guildId: "123456" } },
        { agentId: "main", match: { channel: "telegram", peer: { kind: "dm", id: "42" } } },
      ],
      channels: {
        telegram: { enabled: true, allowFrom: ["42", "43"] },
        discord: { allowFrom: ["987"] },
      },
      gateway: {
        ...GATEWAY_BASE,
        controlUi: { allowedOrigins: ["https://my-claw.fly.dev", "https://claw.example.com"] },
      },
    });
  });

  it("drops empty sections instead of writing {} or []", () => {
    expect(
      renderOpenClawConfig(
        { agents: { entries: {} }, bindings: [], channels: {}, gateway: { controlUi: {} } },
        PRIVATE,
      ),
    ).toEqual({ gateway: GATEWAY_BASE });
  });

  it("never writes a token into the file", () => {
    const text = serializeOpenClawConfig(renderOpenClawConfig(FULL, PUBLIC));
    expect(text).not.toContain('token":');
    expect(renderOpenClawConfig(FULL, PUBLIC).gateway.auth).toEqual({ mode: "token" });
  });

  it.each<[string, RenderOptions["mode"], string[], string[] | undefined]>([
    ["public, no user origins", "public", [], ["https://my-claw.fly.dev"]],
    [
      "public keeps user origins after the app's",
      "public",
      ["https://claw.example.com", "http://localhost:3000"],
      ["https://my-claw.fly.dev", "https://claw.example.com", "http://localhost:3000"],
    ],
    [
      "public adds the app origin once when the user lists it too",
      "public",
      ["https://claw.example.com", "https://my-claw.fly.dev"],
      ["https://my-claw.fly.dev", "https://claw.example.com"],
    ],
    [
      "public drops repeated user origins",
      "public",
      ["https://a.example.com", "https://a.example.com"],
      ["https://my-claw.fly.dev", "https://a.example.com"],
    ],
    ["private, no user origins", "private", [], undefined],
    [
      "private keeps only the user's origins",
      "private",
      ["http://localhost:3000"],
      ["http://localhost:3000"],
    ],
  ])("origins: %s", (_label, mode, userOrigins, expected) => {
    const config = renderOpenClawConfig(
      { gateway: { controlUi: { allowedOrigins: userOrigins } } },
      { appName: "my-claw", mode },
    );
    expect(config.gateway.controlUi?.allowedOrigins).toEqual(expected);
  });
});

describe("openclaw settings validation", () => {
  it.each<[string, unknown, string[]]>([
    [
      "unknown top-level key",
      { multiAgent: true },
      ["openclaw.multiAgent: unknown key (the gateway refuses unknown keys)"],
    ],
    [
      "unknown agent entry key",
      { agents: { entries: { main: { instructions: "be nice" } } } },
      ["openclaw.agents.entries.main.instructions: unknown key (the gateway refuses unknown keys)"],
    ],
    [
      "the old agents.list",
      { agents: { list: [] } },
      ["openclaw.agents.list: unknown key (the gateway refuses unknown keys)"],
    ],
    [
      "agent id with capitals",
      { agents: { entries: { Main: {} } } },
      ["openclaw.agents.entries.Main: agent id must match ^[a-z0-9_][a-z0-9_-]{0,63}$"],
    ],
    [
      "agent id with a space",
      { agents: { entries: { "my agent": {} } } },
      ['openclaw.agents.entries["my agent"]: agent id must match ^[a-z0-9_][a-z0-9_-]{0,63}$'],
    ],
    [
      "binding to an unknown agent",
      {
        agents: { entries: { main: {} } },
        bindings: [{ agentId: "x", match: { channel: "telegram" } }],
      },
      ['openclaw.bindings[0].agentId: unknown agent "x" (defined agents: main)'],
    ],
    [
      "binding with no agents defined",
      { bindings: [{ agentId: "main", match: { channel: "telegram" } }] },
      ['openclaw.bindings[0].agentId: unknown agent "main" (defined agents: none)'],
    ],
    [
      "binding without a channel",
      { agents: { entries: { main: {} } }, bindings: [{ agentId: "main", match: {} }] },
      ["openclaw.bindings[0].match.channel: is required"],
    ],
    [
      "binding with a bad peer kind",
      {
        agents: { entries: { main: {} } },
        bindings: [
          { agentId: "main", match: { channel: "discord", peer: { kind: "user", id: "1" } } },
        ],
      },
      ['openclaw.bindings[0].match.peer.kind: must be "dm", "group" or "channel"'],
    ],
    [
      "model without primary",
      { agents: { defaults: { model: { fallbacks: ["a/b"] } } } },
      ["openclaw.agents.defaults.model.primary: is required"],
    ],
    [
      "zero concurrency",
      { agents: { defaults: { maxConcurrent: 0 } } },
      ["openclaw.agents.defaults.maxConcurrent: must be at least 1"],
    ],
    [
      "fractional concurrency",
      { agents: { defaults: { maxConcurrent: 1.5 } } },
      ["openclaw.agents.defaults.maxConcurrent: must be a whole number"],
    ],
    [
      "channel id with capitals",
      { channels: { Telegram: {} } },
      ["openclaw.channels.Telegram: channel id must match ^[a-z][a-z0-9_-]{0,63}$"],
    ],
    [
      "reserved channels key",
      { channels: { defaults: {} } },
      ["openclaw.channels.defaults: reserved by OpenClaw for non-channel settings"],
    ],
    [
      "allowFrom that is not a list",
      { channels: { telegram: { allowFrom: "42" } } },
      ["openclaw.channels.telegram.allowFrom: must be a list"],
    ],
    [
      "unknown channel key",
      { channels: { telegram: { botToken: "x" } } },
      ["openclaw.channels.telegram.botToken: unknown key (the gateway refuses unknown keys)"],
    ],
    [
      "origin with a path",
      { gateway: { controlUi: { allowedOrigins: ["https://claw.example.com/ui"] } } },
      [
        "openclaw.gateway.controlUi.allowedOrigins[0]: must be an origin such as https://example.com " +
          '(lowercase scheme and host, optional port, no path or trailing slash), got "https://claw.example.com/ui"',
      ],
    ],
    [
      "gateway settings the deployment owns",
      { gateway: { port: 8080, auth: { token: "x" } } },
      [
        "openclaw.gateway.port: unknown key (the gateway refuses unknown keys)",
        "openclaw.gateway.auth: unknown key (the gateway refuses unknown keys)",
      ],
    ],
    ["settings that are not an object", "agents", ["openclaw: must be an object"]],
  ])("reports %s", (_label, settings, problems) => {
    expect(renderProblems(settings)).toEqual(problems);
  });

  it("lists every problem at once, in one message with one line each", () => {
    const settings = {
      agents: { entries: { main: {}, Bad: {} }, defaults: { maxConcurrent: 0 } },
      bindings: [
        { agentId: "main", match: { channel: "telegram" } },
        { agentId: "ghost", match: { channel: "discord", extra: 1 } },
      ],
      channels: { modelByChannel: {} },
    };
    let message = "";
    try {
      renderOpenClawConfig(settings as OpenClawSettings, { appName: "Bad_App", mode: "public" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      [
        "openclaw settings are invalid (6 problems):",
        '- appName: must be 1 to 63 lowercase letters, digits and dashes, got "Bad_App"',
        "- openclaw.agents.defaults.maxConcurrent: must be at least 1",
        "- openclaw.bindings[1].match.extra: unknown key (the gateway refuses unknown keys)",
        "- openclaw.agents.entries.Bad: agent id must match ^[a-z0-9_][a-z0-9_-]{0,63}$",
        '- openclaw.bindings[1].agentId: unknown agent "ghost" (defined agents: main, Bad)',
        "- openclaw.channels.modelByChannel: reserved by OpenClaw for non-channel settings",
      ].join("\n"),
    );
  });
});

describe("serializeOpenClawConfig", () => {
  it("writes sorted keys, 2-space indent and a trailing newline", () => {
    expect(serializeOpenClawConfig(renderOpenClawConfig(FULL, PUBLIC))).toBe(
      `{
  "agents": {
    "defaults": {
      "maxConcurrent": 4,
      "model": {
        "fallbacks": [
          "openai/gpt-5.2"
        ],
        "primary": "anthropic/claude-opus-4-6"
      }
    },
    "entries": {
      "main": {
        "default": true
      },
      "work": {
        "model": {
          "primary": "openai/gpt-5.2"
        },
        "workspace": "/data/workspace-work"
      }
    }
  },
  "bindings": [
    {
      "agentId": "work",
      "match": {
        "accountId": "default",
        "channel": "discord",
        "guildId": "123456"
      }
    },
    {
      "agentId": "main",
      "match": {
        "channel": "telegram",
        "peer": {
          "id": "42",
          "kind": "dm"
        }
      }
    }
  ],
  "channels": {
    "discord": {
      "allowFrom": [
        "987"
      ]
    },
    "telegram": {
      "allowFrom": [
        "42",
        "43"
      ],
      "enabled": true
    }
  },
  "gateway": {
    "auth": {
      "mode": "token"
    },
    "bind": "lan",
    "controlUi": {
      "allowedOrigins": [
        "https://my-claw.fly.dev",
        "https://claw.example.com"
      ]
    },
    "mode": "local",
    "port": 3000
  }
}
`,
    );
  });

  it("gives byte-identical text for the same settings written in another key order", () => {
    const reordered: OpenClawSettings = {
      gateway: FULL.gateway,
      channels: {
        discord: { allowFrom: ["987"] },
        telegram: { allowFrom: ["42", "43"], enabled: true },
      },
      bindings: FULL.bindings,
      agents: {
        entries: FULL.agents?.entries,
        defaults: { maxConcurrent: 4, model: FULL.agents?.defaults?.model },
      },
    } as OpenClawSettings;
    const first = serializeOpenClawConfig(renderOpenClawConfig(FULL, PUBLIC));
    expect(serializeOpenClawConfig(renderOpenClawConfig(reordered, PUBLIC))).toBe(first);
  });

  it("sorts integer-like keys as text, which plain JSON.stringify would not", () => {
    expect(serializeOpenClawConfig({ b: 1, "10": 2, "9": 3, a: [], c: {} })).toBe(
      '{\n  "10": 2,\n  "9": 3,\n  "a": [],\n  "b": 1,\n  "c": {}\n}\n',
    );
  });

  it("matches JSON.stringify with 2-space indent on already sorted input", () => {
    const value = { a: [1, "x", null, true, { b: [] }], z: { y: -1.5 } };
    expect(serializeOpenClawConfig(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it("skips undefined members as JSON does", () => {
    expect(serializeOpenClawConfig({ a: undefined, b: 1 })).toBe('{\n  "b": 1\n}\n');
  });

  it.each<[unknown, string]>([
    [{ a: Number.NaN }, "$.a: NaN (number) has no JSON form"],
    [{ a: [undefined] }, "$.a[0]: undefined (undefined) has no JSON form"],
    [{ a: { b: () => 1 } }, "$.a.b: () => 1 (function) has no JSON form"],
    [undefined, "$: undefined (undefined) has no JSON form"],
  ])("refuses %j", (value, message) => {
    expect(() => serializeOpenClawConfig(value)).toThrowError(new TypeError(message));
  });
});
