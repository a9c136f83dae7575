/**
 * Refuses secrets written into openclaw.json as text. The rendered file travels in the machine
 * config (and so in Pulumi's state and the Fly API) in plain text; a token there is a leaked
 * token. The gateway's schema marks every field that holds a secret the same way, as a "secret
 * input": a string or a SecretRef object (`{ source: "env" | "file" | "exec" | "store", ... }`).
 * A string in such a field is accepted only as an env reference, `"${NAME}"`, which the gateway
 * resolves from its environment, where providerKeys and channelTokens put the value.
 */
import type { ConfigIssue } from "./openclaw-issue";
import { SECRET_REF_SOURCES, isRecord, mcpServerScopes } from "./openclaw-json";
import { SCHEMA_ALTERNATIVES } from "./openclaw-schema-prune";

type Schema = { [keyword: string]: unknown };

const SECRET_RULE =
  "a secret written here would sit in plain text in the Pulumi state and the machine " +
  "config; give the value in providerKeys or channelTokens (delivered as a Fly secret) and " +
  'write its environment name here as "${NAME}", or leave the key out where the gateway ' +
  "reads the variable by itself (e.g. DISCORD_BOT_TOKEN)";

/** `${NAME}`: the gateway's env template form of a secret reference. */
const ENV_TEMPLATE = /^\$\{[A-Z][A-Z0-9_]{0,127}\}$/;

function isSecretRefShape(node: unknown): boolean {
  if (!isRecord(node)) return false;
  const source = isRecord(node.properties) ? node.properties.source : undefined;
  return isRecord(source) && SECRET_REF_SOURCES.includes(String(source.const));
}

/** True for the schema of a secret input: anyOf [string, oneOf [SecretRef shapes]]. */
export function isSecretInputSchema(node: Schema): boolean {
  const branches = Array.isArray(node.anyOf) ? node.anyOf : [];
  return branches.some(
    (branch) =>
      isRecord(branch) && Array.isArray(branch.oneOf) && branch.oneOf.some(isSecretRefShape),
  );
}

function resolve(root: Schema, node: unknown): Schema | undefined {
  if (!isRecord(node)) return undefined;
  if (typeof node.$ref !== "string" || !node.$ref.startsWith("#/")) return node;
  let target: unknown = root;
  for (const raw of node.$ref.slice(2).split("/")) {
    if (!isRecord(target)) return undefined;
    target = target[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return isRecord(target) ? target : undefined;
}

/** The schemas that apply to member `key` of an object checked against `node`. */
function memberSchemas(node: Schema, key: string): unknown[] {
  if (isRecord(node.properties) && Object.hasOwn(node.properties, key))
    return [node.properties[key]];
  const patterns = isRecord(node.patternProperties) ? Object.entries(node.patternProperties) : [];
  const matched = patterns
    .filter(([source]) => new RegExp(source, "u").test(key))
    .map(([, s]) => s);
  if (matched.length > 0) return matched;
  return isRecord(node.additionalProperties) ? [node.additionalProperties] : [];
}

function walk(
  root: Schema,
  node: unknown,
  value: unknown,
  path: (string | number)[],
  found: Map<string, ConfigIssue>,
) {
  const schema = resolve(root, node);
  if (schema === undefined) return;
  if (typeof value === "string" && isSecretInputSchema(schema) && !ENV_TEMPLATE.test(value)) {
    found.set(JSON.stringify(path), { path, rule: SECRET_RULE });
    return;
  }
  for (const keyword of SCHEMA_ALTERNATIVES) {
    const branches = schema[keyword];
    if (Array.isArray(branches))
      for (const branch of branches) walk(root, branch, value, path, found);
  }
  if (isRecord(value)) {
    for (const [key, member] of Object.entries(value)) {
      for (const sub of memberSchemas(schema, key)) walk(root, sub, member, [...path, key], found);
    }
  } else if (Array.isArray(value) && isRecord(schema.items)) {
    value.forEach((item, index) => walk(root, schema.items, item, [...path, index], found));
  }
}

// Secrets the schema types as plain strings (zod `.register(sensitive)` on a string): only an
// env template keeps them out of the file.
const PLAIN_SECRET_PATHS: readonly (readonly string[])[] = [
  ["hooks", "token"],
  ["hooks", "gmail", "pushToken"],
];

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/** A problem for each literal secret in `document`, found through `schema`'s secret inputs. */
export function secretLiteralIssues(document: unknown, schema: Schema): ConfigIssue[] {
  const found = new Map<string, ConfigIssue>();
  walk(schema, schema, document, [], found);
  for (const path of PLAIN_SECRET_PATHS) {
    const value = valueAt(document, path);
    if (typeof value === "string" && !ENV_TEMPLATE.test(value)) {
      found.set(JSON.stringify(path), { path: [...path], rule: SECRET_RULE });
    }
  }
  return [...found.values()];
}

/**
 * MCP servers' `env` and `headers` (sensitive in the gateway's schema, but often plain): a
 * warning for each literal string, which sits in the file as written.
 */
export function plainSecretWarnings(document: unknown): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  for (const [base, servers] of mcpServerScopes(isRecord(document) ? document : {})) {
    for (const [name, server] of Object.entries(servers)) {
      for (const key of ["env", "headers"]) {
        const values = isRecord(server) ? server[key] : undefined;
        for (const [entry, value] of Object.entries(isRecord(values) ? values : {})) {
          if (typeof value === "string" && !ENV_TEMPLATE.test(value)) {
            warnings.push({
              path: [...base, name, key, entry],
              rule: 'sits in plain text in the Pulumi state and the machine config; if it is a secret, give it in providerKeys and write "${NAME}" here',
            });
          }
        }
      }
    }
  }
  return warnings;
}
