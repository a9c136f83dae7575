/**
 * The gateway's rules for channels and plugins, ported from OpenClaw 2026.9.6
 * (dist/io.snapshot-preparation-*.mjs `validatePreparedConfigWithPlugins`, and
 * dist/zod-schema-*.mjs `ChannelsSchema`). The gateway decides them against its plugin registry;
 * for the image that registry is the package's bundled channels and plugins, which are exactly
 * the channels and plugin entries the version's schema names.
 */
import type { ConfigIssue } from "./openclaw-issue";
import { isRecord, record, type Json } from "./openclaw-json";

/** What the version bundles, read from its schema. */
export interface BundledNames {
  channels: ReadonlySet<string>;
  plugins: ReadonlySet<string>;
}

const CHANNEL_METADATA_KEYS = new Set(["defaults", "modelByChannel"]);

/** The channel ids and plugin ids a version's schema names. */
export function bundledNames(schema: unknown): BundledNames {
  const properties = record(record(schema).properties);
  const channels = Object.keys(record(record(properties.channels).properties)).filter(
    (id) => !CHANNEL_METADATA_KEYS.has(id),
  );
  const entries = record(record(record(record(properties.plugins).properties).entries).properties);
  return { channels: new Set(channels), plugins: new Set(Object.keys(entries)) };
}

export function mentionsPlugin(config: Json, id: string): boolean {
  const plugins = record(config.plugins);
  const lower = id.toLowerCase();
  const listed = (list: unknown) =>
    Array.isArray(list) && list.some((p) => String(p).toLowerCase() === lower);
  return (
    listed(plugins.allow) ||
    Object.keys(record(plugins.entries)).some((p) => p.toLowerCase() === lower)
  );
}

/**
 * `validatePreparedConfigWithPlugins`, unknown channel ids: a channel block needs a channel the
 * gateway has. When plugins config mentions the id (a plugin that is not installed), the gateway
 * only warns and ignores the block; those are returned as `warnings`.
 */
export function unknownChannelIssues(
  config: Json,
  bundled: BundledNames,
): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const key of Object.keys(record(config.channels))) {
    const id = key.trim();
    if (id === "" || CHANNEL_METADATA_KEYS.has(id) || bundled.channels.has(id)) continue;
    if (mentionsPlugin(config, id)) {
      warnings.push({
        path: ["channels", key],
        rule: `unknown channel id "${id}": its plugin is not installed, so the gateway ignores this block`,
      });
    } else {
      issues.push({
        path: ["channels", key],
        rule: `unknown channel id "${id}" (channels: ${[...bundled.channels].join(", ")})`,
      });
    }
  }
  return { issues, warnings };
}

/** `ChannelsSchema.superRefine` (`addLegacyChannelAcpBindingIssues`): ACP bindings are top-level. */
export function channelAcpBindingIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, [...path, i]));
    if (!isRecord(value)) return;
    if (
      isRecord(value.bindings) &&
      typeof value.bindings.acp === "object" &&
      value.bindings.acp !== null
    ) {
      issues.push({
        path: [...path, "bindings", "acp"],
        rule: 'channel-local ACP bindings were removed; use top-level bindings[] entries with type: "acp"',
      });
    }
    for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  if (isRecord(config.channels)) visit(config.channels, ["channels"]);
  return issues;
}

/**
 * `validateHeartbeatTarget`: a heartbeat goes to `owner`, `last`, `none`, or a channel the gateway
 * has.
 */
export function heartbeatTargetIssues(config: Json, bundled: BundledNames): ConfigIssue[] {
  const agents = record(config.agents);
  const targets: [(string | number)[], unknown][] = [
    [
      ["agents", "defaults", "heartbeat", "target"],
      record(record(agents.defaults).heartbeat).target,
    ],
  ];
  for (const [id, entry] of Object.entries(record(agents.entries))) {
    targets.push([
      ["agents", "entries", id, "heartbeat", "target"],
      record(record(entry).heartbeat).target,
    ]);
  }
  return targets.flatMap(([path, target]): ConfigIssue[] => {
    if (typeof target !== "string") return [];
    const id = target.trim().toLowerCase();
    if (id === "") return [{ path, rule: "must not be empty" }];
    if (["owner", "last", "none"].includes(id) || bundled.channels.has(id)) return [];
    return [
      { path, rule: `unknown heartbeat target "${target}": use owner, last, none or a channel id` },
    ];
  });
}

/**
 * `validateExplicitPluginConfig`, plugins the image does not bundle: a memory slot naming one
 * is refused (the gateway would run without the memory it was told to use); entries, allow and
 * deny lists naming one only draw warnings, as in the gateway.
 */
export function pluginReferenceIssues(
  config: Json,
  bundled: BundledNames,
  version: string,
): { issues: ConfigIssue[]; warnings: ConfigIssue[] } {
  const plugins = record(config.plugins);
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const notBundled = `is not bundled with OpenClaw ${version}, so the gateway ignores it until the plugin is installed in the image (openclaw plugins install <package>)`;
  for (const [id, entry] of Object.entries(record(plugins.entries))) {
    const disableOnly =
      isRecord(entry) && entry.enabled === false && Object.keys(entry).length === 1;
    if (!bundled.plugins.has(id) && !disableOnly)
      warnings.push({ path: ["plugins", "entries", id], rule: `plugin "${id}" ${notBundled}` });
  }
  for (const key of ["allow", "deny"]) {
    const list = plugins[key];
    if (!Array.isArray(list)) continue;
    list.forEach((id, index) => {
      if (
        typeof id === "string" &&
        id.trim() !== "" &&
        !bundled.plugins.has(id) &&
        !(key === "allow" && bundled.channels.has(id))
      ) {
        warnings.push({ path: ["plugins", key, index], rule: `plugin "${id}" ${notBundled}` });
      }
    });
  }
  const memory = record(plugins.slots).memory;
  if (
    typeof memory === "string" &&
    memory.trim() !== "" &&
    memory !== "none" &&
    !bundled.plugins.has(memory)
  ) {
    const path = ["plugins", "slots", "memory"];
    if (memory === "memory-lancedb")
      warnings.push({ path, rule: `plugin "${memory}" ${notBundled}` });
    else {
      const memoryPlugins = [...bundled.plugins].filter((id) => id.startsWith("memory-"));
      issues.push({
        path,
        rule: `plugin "${memory}" is not bundled with OpenClaw ${version}; name one the image has (${memoryPlugins.join(", ")}) or "none"`,
      });
    }
  }
  return { issues, warnings };
}
