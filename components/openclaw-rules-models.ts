/**
 * The gateway's rules for model references and model providers, ported from OpenClaw 2026.9.6
 * (dist/validation-core-*.mjs `collectModelPolicyAllowIssues`, dist/zod-schema.agent-runtime-*.mjs
 * and dist/zod-schema.core-*.mjs refinements; sources in src/config/).
 */
import type { ConfigIssue } from "./openclaw-issue";
import { entriesOf, isRecord, record, type Json, type JsonPath } from "./openclaw-json";

/**
 * validation-core.ts `collectModelPolicyAllowIssues` with agent-scope-config.ts
 * `createModelPolicyRefValidator`: each allow entry is a configured alias, an exact
 * `provider/model`, `provider/*` (or `provider/namespace/*`), or an OpenRouter selector.
 */
export function modelPolicyIssues(config: Json): ConfigIssue[] {
  const defaults = record(record(config.agents).defaults);
  const aliasesOf = (...maps: unknown[]) =>
    new Set(
      maps
        .flatMap((map) =>
          Object.values(record(map)).map((m) =>
            String(record(m).alias ?? "")
              .trim()
              .toLowerCase(),
          ),
        )
        .filter(Boolean),
    );
  const segmentOk = (s: string) =>
    s.length > 0 &&
    !s.includes("*") &&
    !/\s/u.test(s) &&
    ![...s].some((c) => (c.codePointAt(0) ?? 0) <= 31 || c.codePointAt(0) === 127);
  const valid = (raw: string, aliases: Set<string>) => {
    const text = raw.trim();
    if (
      aliases.has(text.toLowerCase()) ||
      ["openrouter:auto", "openrouter:free"].includes(text.toLowerCase())
    )
      return true;
    // parseModelPolicyWildcardRef trims each segment; parseProviderModelRef trims provider and model only.
    const parts = text.split("/").map((p) => p.trim());
    if (parts.at(-1) === "*") return parts.length >= 2 && parts.slice(0, -1).every(segmentOk);
    const slash = text.indexOf("/");
    if (slash <= 0) return false;
    const [provider, model] = [text.slice(0, slash).trim(), text.slice(slash + 1).trim()];
    return provider !== "" && model !== "" && [provider, ...model.split("/")].every(segmentOk);
  };
  const check = (allow: unknown, path: (string | number)[], aliases: Set<string>): ConfigIssue[] =>
    Array.isArray(allow)
      ? allow.flatMap((raw, index) =>
          typeof raw === "string" && !valid(raw, aliases)
            ? [
                {
                  path: [...path, index],
                  rule: `${JSON.stringify(raw)} is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"`,
                },
              ]
            : [],
        )
      : [];
  const issues = check(
    record(defaults.modelPolicy).allow,
    ["agents", "defaults", "modelPolicy", "allow"],
    aliasesOf(defaults.models),
  );
  for (const [id, entry] of Object.entries(record(record(config.agents).entries))) {
    const agent = record(entry);
    issues.push(
      ...check(
        record(agent.modelPolicy).allow,
        ["agents", "entries", id, "modelPolicy", "allow"],
        aliasesOf(defaults.models, agent.models),
      ),
    );
  }
  return issues;
}

/** `AgentModelMapSchema.superRefine`: picker runtimes and Code Mode need an exact provider/model key. */
export function modelMapIssues(config: Json): ConfigIssue[] {
  const agents = record(config.agents);
  const maps: [JsonPath, unknown][] = [
    [["agents", "defaults", "models"], record(agents.defaults).models],
  ];
  for (const [id, entry] of Object.entries(record(agents.entries)))
    maps.push([["agents", "entries", id, "models"], record(entry).models]);
  const exact = (ref: string) => !ref.includes("*") && /^[^/\s]+\/\S+$/.test(ref.trim());
  return maps.flatMap(([path, models]) =>
    Object.entries(record(models)).flatMap(([ref, entry]): ConfigIssue[] =>
      ["pickerRuntimes", "codeMode"].flatMap((key) =>
        record(entry)[key] !== undefined && !exact(ref)
          ? [
              {
                path: [...path, ref, key],
                rule: "needs an exact provider/model entry (no wildcard, no bare model id)",
              },
            ]
          : [],
      ),
    ),
  );
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
  const scopes: [JsonPath, Json][] = [
    [["agents", "defaults"], record(record(config.agents).defaults)],
  ];
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
