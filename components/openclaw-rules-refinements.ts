/**
 * More of the gateway's zod refinements, one value or object at a time, ported from OpenClaw
 * 2026.9.6 (dist/zod-schema-*.mjs, zod-schema.core-*.mjs, zod-schema.agent-runtime-*.mjs,
 * zod-schema.cloud-workers-*.mjs; sources in src/config/).
 */
import { posix } from "node:path";
import type { ConfigIssue } from "./openclaw-issue";
import { parseDurationMs } from "./openclaw-rules-values";

type Json = Record<string, unknown>;
type Path = (string | number)[];

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function entriesOf(config: Json): [string, Json][] {
  return Object.entries(record(record(config.agents).entries)).map(([id, entry]) => [
    id,
    record(entry),
  ]);
}

/**
 * `ModelProvidersSchema.superRefine`: a provider id the gateway does not know (its overlays are
 * in the committed schema's facts) must declare `baseUrl` and `models`.
 */
export function modelProviderIssues(config: Json, schema: unknown): ConfigIssue[] {
  const facts = record(record(schema)["x-openclaw-facts"]);
  const overlays = new Set(
    Array.isArray(facts.modelProviderOverlays) ? facts.modelProviderOverlays.map(String) : [],
  );
  return Object.entries(record(record(config.models).providers)).flatMap(
    ([id, provider]): ConfigIssue[] => {
      if (overlays.has(id.trim().toLowerCase()) || !isRecord(provider)) return [];
      const issues: ConfigIssue[] = [];
      if (!provider.baseUrl)
        issues.push({
          path: ["models", "providers", id, "baseUrl"],
          rule: `is required: "${id}" is not a provider the gateway knows, so it needs its endpoint`,
        });
      if (!Array.isArray(provider.models))
        issues.push({
          path: ["models", "providers", id, "models"],
          rule: `is required: "${id}" is not a provider the gateway knows, so it needs its model list`,
        });
      return issues;
    },
  );
}

/** `BroadcastSchema.superRefine`: group options need a `<channel>:<peer>` key; threads take 16 agents. */
export function broadcastShapeIssues(config: Json): ConfigIssue[] {
  return Object.entries(record(config.broadcast)).flatMap(([peer, entry]): ConfigIssue[] => {
    if (typeof entry !== "object" || entry === null) return [];
    const qualified = /^[a-z][a-z0-9_-]*:.+$/i.test(peer);
    if (!Array.isArray(entry) && !qualified)
      return [
        {
          path: ["broadcast", peer],
          rule: "group options need a channel-qualified key (<channel>:<peerId>)",
        },
      ];
    if (Array.isArray(entry) && qualified && entry.length > 16)
      return [{ path: ["broadcast", peer], rule: "an agent group thread takes at most 16 agents" }];
    return [];
  });
}

/**
 * `FileSecretRefSchema`: a file secret's id is `value` or an absolute JSON pointer. A zod rule:
 * channel and plugin settings, which TypeBox checks against their JSON Schema, do not have it.
 */
export function fileSecretRefIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: Path) => {
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, [...path, i]));
    if (!isRecord(value)) return;
    if (
      value.source === "file" &&
      typeof value.provider === "string" &&
      typeof value.id === "string"
    ) {
      const id = value.id;
      const pointer =
        id.startsWith("/") &&
        id
          .slice(1)
          .split("/")
          .every((segment) => /^(?:[^~]|~0|~1)*$/.test(segment));
      if (id !== "value" && !pointer)
        issues.push({
          path: [...path, "id"],
          rule: 'must be an absolute JSON pointer (e.g. "/providers/openai/apiKey"), or "value" for a single-value file',
        });
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const pluginOwned =
        (path.length === 0 && key === "channels") ||
        (path.length === 3 && path[0] === "plugins" && key === "config");
      if (!pluginOwned) visit(child, [...path, key]);
    }
  };
  visit(config, []);
  return issues;
}

/** `addExecPolicyModeConflictIssue`: an exec policy uses `mode`, or the legacy `security`/`ask`, not both. */
export function execPolicyIssues(config: Json): ConfigIssue[] {
  const scopes: [Path, unknown][] = [[["tools", "exec"], record(config.tools).exec]];
  for (const [id, entry] of entriesOf(config))
    scopes.push([["agents", "entries", id, "tools", "exec"], record(entry.tools).exec]);
  return scopes.flatMap(([path, exec]): ConfigIssue[] => {
    const e = record(exec);
    return e.mode !== undefined && (e.security !== undefined || e.ask !== undefined)
      ? [
          {
            path: [...path, "mode"],
            rule: "cannot be combined with security or ask in the same exec policy; keep mode and drop the legacy pair (or the reverse)",
          },
        ]
      : [];
  });
}

const isHttp = (text: string, loopbackOnlyHttp = false) => {
  if (!URL.canParse(text)) return true; // not a URL at all: the schema's format says so
  const url = new URL(text);
  if (url.protocol === "https:") return true;
  return (
    url.protocol === "http:" &&
    (!loopbackOnlyHttp || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname))
  );
};

/**
 * `HttpUrlSchema` (MCP server URLs), `proxy.proxyUrl` and `models.catalogRefresh.url`
 * refinements: http(s) only, the catalog over HTTPS (HTTP on loopback).
 */
export function httpUrlIssues(config: Json): ConfigIssue[] {
  const checks: [Path, unknown, boolean][] = [
    [["proxy", "proxyUrl"], record(config.proxy).proxyUrl, false],
    [["models", "catalogRefresh", "url"], record(record(config.models).catalogRefresh).url, true],
  ];
  for (const [base, servers] of [
    [["mcp", "servers"], record(config.mcp).servers],
    [["nodeHost", "mcp", "servers"], record(record(config.nodeHost).mcp).servers],
  ] as const) {
    for (const [name, server] of Object.entries(record(servers)))
      checks.push([[...base, name, "url"], record(server).url, false]);
  }
  return checks.flatMap(([path, value, loopbackOnlyHttp]) =>
    typeof value === "string" && !isHttp(value.trim(), loopbackOnlyHttp)
      ? [
          {
            path,
            rule: loopbackOnlyHttp
              ? "must use https (http only on localhost)"
              : "must use http:// or https://",
          },
        ]
      : [],
  );
}

/**
 * Path refinements: `worktreeRoot` is absolute or under `~`; the desktop VNC `passwordFile` is
 * absolute; a hook transform `module` is a safe relative path.
 */
export function pathIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const root = config.worktreeRoot;
  if (
    typeof root === "string" &&
    root.trim() !== "" &&
    !(posix.isAbsolute(root.trim()) || root.trim() === "~" || root.trim().startsWith("~/"))
  ) {
    issues.push({ path: ["worktreeRoot"], rule: "must be an absolute path or start with ~" });
  }
  const passwordFile = record(record(config.desktop).host).passwordFile;
  if (
    typeof passwordFile === "string" &&
    passwordFile.trim() !== "" &&
    !posix.isAbsolute(passwordFile.trim())
  ) {
    issues.push({ path: ["desktop", "host", "passwordFile"], rule: "must be an absolute path" });
  }
  const mappings = record(config.hooks).mappings;
  (Array.isArray(mappings) ? mappings : []).forEach((mapping, index) => {
    const module = record(record(mapping).transform).module;
    if (typeof module !== "string") return;
    const text = module.trim();
    const safe =
      text !== "" &&
      !posix.isAbsolute(text) &&
      !text.startsWith("~") &&
      !text.includes(":") &&
      !text.split(/[\\/]+/).includes("..");
    if (!safe)
      issues.push({
        path: ["hooks", "mappings", index, "transform", "module"],
        rule: "must be a safe relative path (no absolute path, ~, drive or ..)",
      });
  });
  return issues;
}

/** `parseProviderModelRef`: a non-empty provider and model around the first slash. */
function isProviderModelRef(value: string): boolean {
  const text = value.trim();
  const slash = text.indexOf("/");
  return (
    slash > 0 &&
    slash < text.length - 1 &&
    text.slice(0, slash).trim() !== "" &&
    text.slice(slash + 1).trim() !== ""
  );
}

/**
 * Agent model refinements: `decisionModel` is `provider/model` or "" (off), and model picker
 * runtimes are named, never `auto` or `default`.
 */
export function agentModelIssues(config: Json): ConfigIssue[] {
  const scopes: [Path, Json][] = [[["agents", "defaults"], record(record(config.agents).defaults)]];
  for (const [id, entry] of entriesOf(config)) scopes.push([["agents", "entries", id], entry]);
  return scopes.flatMap(([path, scope]): ConfigIssue[] => {
    const issues: ConfigIssue[] = [];
    const decision = scope.decisionModel;
    if (typeof decision === "string" && decision.trim() !== "" && !isProviderModelRef(decision)) {
      issues.push({
        path: [...path, "decisionModel"],
        rule: 'must be "provider/model", or "" to turn decision models off',
      });
    }
    for (const [ref, model] of Object.entries(record(scope.models))) {
      const runtimes = record(model).pickerRuntimes;
      (Array.isArray(runtimes) ? runtimes : []).forEach((runtime, index) => {
        if (typeof runtime === "string" && ["auto", "default"].includes(runtime.trim())) {
          issues.push({
            path: [...path, "models", ref, "pickerRuntimes", index],
            rule: "must name a runtime; auto and default are not runtimes",
          });
        }
      });
    }
    return issues;
  });
}

/**
 * `browser.profiles` refinements: a profile attaches through cdpPort or cdpUrl (unless it is an
 * existing session or the extension), userDataDir belongs to existing sessions, and the
 * extension owns its endpoint.
 */
export function browserProfileIssues(config: Json): ConfigIssue[] {
  return Object.entries(record(record(config.browser).profiles)).flatMap(
    ([name, value]): ConfigIssue[] => {
      const profile = record(value);
      const path = ["browser", "profiles", name];
      const driver = profile.driver;
      const issues: ConfigIssue[] = [];
      if (
        driver !== "existing-session" &&
        driver !== "extension" &&
        !profile.cdpPort &&
        !profile.cdpUrl
      )
        issues.push({ path, rule: "must set cdpPort or cdpUrl" });
      if (driver !== "existing-session" && profile.userDataDir)
        issues.push({
          path: [...path, "userDataDir"],
          rule: 'is only supported with driver "existing-session"',
        });
      if (driver === "extension" && profile.cdpUrl)
        issues.push({
          path: [...path, "cdpUrl"],
          rule: 'is not supported with driver "extension" (the relay owns the endpoint)',
        });
      return issues;
    },
  );
}

/** Cloud worker refinements: profile ids without outer spaces; suspendAfter at least 1m, with a unit. */
export function cloudWorkerIssues(config: Json): ConfigIssue[] {
  return Object.entries(record(record(config.cloudWorkers).profiles)).flatMap(
    ([id, value]): ConfigIssue[] => {
      const issues: ConfigIssue[] = [];
      if (id !== id.trim())
        issues.push({
          path: ["cloudWorkers", "profiles", id],
          rule: "profile ids must not have surrounding spaces",
        });
      const suspendAfter = record(value).suspendAfter;
      if (typeof suspendAfter === "string") {
        const ms = /(?:ms|s|m|h|d)$/i.test(suspendAfter)
          ? parseDurationMs(suspendAfter, "ms")
          : undefined;
        if (ms === undefined || ms < 60_000)
          issues.push({
            path: ["cloudWorkers", "profiles", id, "suspendAfter"],
            rule: "must be a duration of at least 1m (e.g. 45m, 2h)",
          });
      }
      return issues;
    },
  );
}
