import { describe, expect, it } from "vitest";
import {
  renderOpenClawConfig,
  serializeOpenClawConfig,
  type OpenClawSettings,
  type RenderOptions,
} from "../../components/openclaw-config";

const PUBLIC: RenderOptions = { appName: "my-claw", mode: "public" };
const PRIVATE: RenderOptions = { appName: "my-claw", mode: "private" };

const GATEWAY_BASE = { mode: "local", port: 3000, bind: "lan", auth: { mode: "token" } };
/** Public mode is reached through Fly's proxy, whose forwarded headers the gateway must trust. */
const PUBLIC_GATEWAY = { ...GATEWAY_BASE, trustedProxies: ["172.16.0.0/12"] };

/** Settings from the typed helpers: agents, models, bindings, channels, control UI and plugins. */
const FULL: OpenClawSettings = {
  agents: {
    ownership: "explicit",
    defaults: {
      model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] },
      maxConcurrent: 4,
      systemAgent: { agentId: "main" },
    },
    entries: {
      main: {},
      work: { model: { primary: "openai/gpt-5.2" }, workspace: "/data/workspace-work" },
    },
  },
  bindings: [
    { agentId: "work", match: { channel: "discord", guildId: "123456", accountId: "default" } },
    { agentId: "main", match: { channel: "telegram", peer: { kind: "direct", id: "42" } } },
  ],
  channels: {
    telegram: { enabled: true, allowFrom: ["42", "43"] },
    discord: { allowFrom: ["987"] },
  },
  gateway: { controlUi: { allowedOrigins: ["https://claw.example.com"] } },
};

const render = (settings: OpenClawSettings, options = PUBLIC) =>
  renderOpenClawConfig(settings as Record<string, unknown>, options);

describe("renderOpenClawConfig", () => {
  it("renders empty settings in public mode as the fixed gateway block plus the app origin", () => {
    expect(render({})).toEqual({
      gateway: { ...PUBLIC_GATEWAY, controlUi: { allowedOrigins: ["https://my-claw.fly.dev"] } },
    });
  });

  it("leaves allowedOrigins out in private mode so the gateway seeds its own", () => {
    const config = render({}, PRIVATE);
    expect(config).toEqual({ gateway: GATEWAY_BASE });
    expect("controlUi" in config.gateway).toBe(false);
  });

  it("passes every section through as written and merges the origins", () => {
    expect(render(FULL)).toEqual({
      ...FULL,
      gateway: {
        ...PUBLIC_GATEWAY,
        controlUi: { allowedOrigins: ["https://my-claw.fly.dev", "https://claw.example.com"] },
      },
    });
  });

  it("passes sections without typed helpers through unchanged", () => {
    const settings = {
      cron: { enabled: true, maxConcurrentRuns: 2 },
      session: { dmScope: "per-channel-peer" },
      logging: { level: "debug" },
      plugins: { entries: { "voice-call": { config: { tunnel: { provider: "ngrok" } } } } },
    };
    expect(render(settings, PRIVATE)).toEqual({ ...settings, gateway: GATEWAY_BASE });
  });

  it("keeps the user's other gateway and Control UI keys beside the deployment's", () => {
    const config = render({
      gateway: {
        trustedProxies: ["203.0.113.0/24"],
        auth: { rateLimit: { maxAttempts: 5 } },
        controlUi: { basePath: "/ui", allowedOrigins: ["http://localhost:3000"] },
      },
    });
    expect(config.gateway).toEqual({
      ...GATEWAY_BASE,
      trustedProxies: ["172.16.0.0/12", "203.0.113.0/24"],
      auth: { mode: "token", rateLimit: { maxAttempts: 5 } },
      controlUi: {
        basePath: "/ui",
        allowedOrigins: ["https://my-claw.fly.dev", "http://localhost:3000"],
      },
    });
  });

  it("writes the deployment's values over the keys it owns (the check refuses them first)", () => {
    const config = render({
      gateway: {
        mode: "remote",
        port: 8080,
        bind: "loopback",
        customBindHost: "10.0.0.1",
        auth: { mode: "password", password: "p", token: "t", trustedProxy: {} },
      },
    });
    expect(config.gateway).toEqual({
      ...PUBLIC_GATEWAY,
      controlUi: { allowedOrigins: ["https://my-claw.fly.dev"] },
    });
  });

  it("never writes a token into the file", () => {
    const text = serializeOpenClawConfig(render({ gateway: { auth: { token: "secret-token" } } }));
    expect(text).not.toContain("secret-token");
    expect(render(FULL).gateway.auth).toEqual({ mode: "token" });
  });

  it("does not change the settings it renders", () => {
    const settings = structuredClone(FULL);
    render(settings);
    expect(settings).toEqual(FULL);
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
    const config = render(
      { gateway: { controlUi: { allowedOrigins: userOrigins } } },
      { appName: "my-claw", mode },
    );
    expect(config.gateway.controlUi?.allowedOrigins).toEqual(expected);
  });

  it("allows each custom domain's origin after the app's, in public mode only", () => {
    const settings = { gateway: { controlUi: { allowedOrigins: ["https://claw.example.com"] } } };
    const domains = ["claw.example.com", "ui.example.net"];
    expect(render(settings, { ...PUBLIC, domains }).gateway.controlUi?.allowedOrigins).toEqual([
      "https://my-claw.fly.dev",
      "https://claw.example.com",
      "https://ui.example.net",
    ]);
    expect(render(settings, { ...PRIVATE, domains }).gateway.controlUi?.allowedOrigins).toEqual([
      "https://claw.example.com",
    ]);
  });

  it("leaves a malformed origins value for the schema check to report", () => {
    const settings = { gateway: { controlUi: { allowedOrigins: "x" } } } as unknown;
    expect(render(settings as OpenClawSettings).gateway.controlUi).toEqual({
      allowedOrigins: "x",
    });
  });
});

describe("serializeOpenClawConfig", () => {
  it("writes sorted keys, 2-space indent and a trailing newline", () => {
    expect(serializeOpenClawConfig(render(FULL))).toBe(
      `{
  "agents": {
    "defaults": {
      "maxConcurrent": 4,
      "model": {
        "fallbacks": [
          "openai/gpt-5.2"
        ],
        "primary": "anthropic/claude-opus-4-6"
      },
      "systemAgent": {
        "agentId": "main"
      }
    },
    "entries": {
      "main": {},
      "work": {
        "model": {
          "primary": "openai/gpt-5.2"
        },
        "workspace": "/data/workspace-work"
      }
    },
    "ownership": "explicit"
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
          "kind": "direct"
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
    "port": 3000,
    "trustedProxies": [
      "172.16.0.0/12"
    ]
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
        defaults: {
          systemAgent: { agentId: "main" },
          maxConcurrent: 4,
          model: FULL.agents?.defaults?.model,
        },
        ownership: "explicit",
      },
    } as OpenClawSettings;
    const first = serializeOpenClawConfig(render(FULL));
    expect(serializeOpenClawConfig(render(reordered))).toBe(first);
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
