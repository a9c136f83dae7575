/**
 * The gateway's rules for secret references, ported from OpenClaw 2026.9.6
 * (dist/io.snapshot-preparation-*.mjs `collectSecretRefProviderSourceIssues` and
 * dist/zod-schema.core-*.mjs `FileSecretRefSchema`).
 */
import type { ConfigIssue } from "./openclaw-issue";
import { SECRET_REF_SOURCES, isRecord, record, type Json, type JsonPath } from "./openclaw-json";

/**
 * `collectSecretRefProviderSourceIssues` (strict validation, which `openclaw config validate`
 * runs): a SecretRef must ask a configured provider for the source that provider has.
 */
export function secretProviderSourceIssues(config: Json): ConfigIssue[] {
  const providers = record(record(config.secrets).providers);
  if (Object.keys(providers).length === 0) return [];
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, [...path, i]));
    if (!isRecord(value)) return;
    const { source, provider, id } = value;
    if (
      typeof source === "string" &&
      typeof provider === "string" &&
      typeof id === "string" &&
      SECRET_REF_SOURCES.includes(source)
    ) {
      const configured = record(providers[provider]).source;
      if (typeof configured === "string" && configured !== source) {
        issues.push({
          path,
          rule: `secret provider "${provider}" has source "${configured}", but this reference asks for "${source}"`,
        });
      }
      return;
    }
    for (const [key, child] of Object.entries(value))
      if (!(path.length === 0 && key === "secrets")) visit(child, [...path, key]);
  };
  visit(config, []);
  return issues;
}

/**
 * `FileSecretRefSchema`: a file secret's id is `value` or an absolute JSON pointer. A zod rule:
 * channel and plugin settings, which TypeBox checks against their JSON Schema, do not have it.
 */
export function fileSecretRefIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, path: JsonPath) => {
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
