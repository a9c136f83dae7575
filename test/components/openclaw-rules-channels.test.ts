import { describe, expect, it } from "vitest";
import {
  bundledNames,
  channelAcpBindingIssues,
  heartbeatTargetIssues,
  pluginReferenceIssues,
  unknownChannelIssues,
} from "../../components/openclaw-rules-channels";
import { committedSchema } from "../../components/openclaw-schema-check";

const schema = committedSchema("2026.9.6");
const bundled = bundledNames(schema);

describe("bundledNames: the registry the image's gateway has", () => {
  it("reads the channels and plugins 2026.9.6 bundles from its schema", () => {
    expect(bundled.channels.has("telegram")).toBe(true);
    expect(bundled.channels.has("defaults")).toBe(false);
    expect(bundled.plugins.has("memory-core")).toBe(true);
    expect(bundled.plugins.has("voice-call")).toBe(false);
    expect(bundled.channels.size).toBe(27);
  });
});

describe("unknownChannelIssues (validatePreparedConfigWithPlugins, unknown channel ids)", () => {
  it("refuses a channel the gateway does not have, and only warns when its plugin is configured", () => {
    expect(
      unknownChannelIssues({ channels: { telegram: {}, defaults: {}, telegarm: {} } }, bundled)
        .issues,
    ).toEqual([
      {
        path: ["channels", "telegarm"],
        rule: expect.stringMatching(
          /^unknown channel id "telegarm" \(channels: a2a, .*zalouser\)$/,
        ),
      },
    ]);
    expect(
      unknownChannelIssues({ channels: { wechat: {} }, plugins: { allow: ["wechat"] } }, bundled),
    ).toEqual({
      issues: [],
      warnings: [
        {
          path: ["channels", "wechat"],
          rule: 'unknown channel id "wechat": its plugin is not installed, so the gateway ignores this block',
        },
      ],
    });
  });
});

describe("channelAcpBindingIssues (ChannelsSchema.superRefine)", () => {
  it("finds channel-local ACP bindings at any depth", () => {
    expect(
      channelAcpBindingIssues({
        channels: { discord: { accounts: { a: { bindings: { acp: {} } } } } },
      }),
    ).toEqual([
      {
        path: ["channels", "discord", "accounts", "a", "bindings", "acp"],
        rule: 'channel-local ACP bindings were removed; use top-level bindings[] entries with type: "acp"',
      },
    ]);
  });
});

describe("heartbeatTargetIssues (validateHeartbeatTarget)", () => {
  it("accepts owner, last, none and channels; refuses others and empty targets", () => {
    const of = (target: string) =>
      heartbeatTargetIssues({ agents: { defaults: { heartbeat: { target } } } }, bundled);
    for (const ok of ["owner", "last", "none", "Telegram", "discord"]) expect(of(ok)).toEqual([]);
    expect(of("pager")).toEqual([
      {
        path: ["agents", "defaults", "heartbeat", "target"],
        rule: 'unknown heartbeat target "pager": use owner, last, none or a channel id',
      },
    ]);
    expect(of(" ")).toEqual([
      { path: ["agents", "defaults", "heartbeat", "target"], rule: "must not be empty" },
    ]);
    expect(
      heartbeatTargetIssues(
        { agents: { entries: { a: { heartbeat: { target: "x" } } } } },
        bundled,
      ),
    ).toEqual([
      {
        path: ["agents", "entries", "a", "heartbeat", "target"],
        rule: 'unknown heartbeat target "x": use owner, last, none or a channel id',
      },
    ]);
  });
});

describe("pluginReferenceIssues (validateExplicitPluginConfig)", () => {
  const notBundled = (id: string) =>
    `plugin "${id}" is not bundled with OpenClaw 2026.9.6, so the gateway ignores it until the plugin is installed in the image (openclaw plugins install <package>)`;

  it("warns about entries, allow and deny naming plugins the image does not bundle", () => {
    expect(
      pluginReferenceIssues(
        {
          plugins: {
            entries: {
              "voice-call": { enabled: true },
              "memory-core": {},
              old: { enabled: false },
            },
            allow: ["telegram", "x"],
            deny: ["y"],
          },
        },
        bundled,
        "2026.9.6",
      ),
    ).toEqual({
      issues: [],
      warnings: [
        { path: ["plugins", "entries", "voice-call"], rule: notBundled("voice-call") },
        { path: ["plugins", "allow", 1], rule: notBundled("x") },
        { path: ["plugins", "deny", 0], rule: notBundled("y") },
      ],
    });
  });

  it("refuses a memory slot naming a missing plugin, except memory-lancedb which it warns about", () => {
    expect(
      pluginReferenceIssues({ plugins: { slots: { memory: "memory-x" } } }, bundled, "2026.9.6")
        .issues,
    ).toEqual([
      {
        path: ["plugins", "slots", "memory"],
        rule: 'plugin "memory-x" is not bundled with OpenClaw 2026.9.6; name one the image has (memory-core, memory-wiki) or "none"',
      },
    ]);
    expect(
      pluginReferenceIssues(
        { plugins: { slots: { memory: "memory-lancedb" } } },
        bundled,
        "2026.9.6",
      ).issues,
    ).toEqual([]);
    expect(
      pluginReferenceIssues({ plugins: { slots: { memory: "none" } } }, bundled, "2026.9.6"),
    ).toEqual({ issues: [], warnings: [] });
  });
});
