/**
 * Turns the JSON Schema that `openclaw config schema` prints into the schema preview validates
 * with. Only what changes no verdict, or what makes the schema say what the gateway really
 * checks, is changed:
 *
 * - annotations (`title`, `description`, nested `$schema`) go: half the bytes, no verdicts;
 * - `$ref`s inside an embedded plugin schema point at its own `$defs`, which the gateway resolves
 *   against that plugin schema alone; they are rewritten to pointers from the document root;
 * - patterns that a Unicode RegExp cannot compile are repaired the way the gateway repairs them;
 * - `format` follows the validator that owns each part: the gateway checks openclaw.json's core
 *   with zod and channel and plugin settings with TypeBox. Both check `uri` by parsing with
 *   `URL` (zod trims first, which the URL parser does anyway), so `uri` stays; TypeBox treats
 *   the other formats as annotations, and the formats zod emits next to an equivalent `pattern`
 *   (email, date-time, starts_with) are annotations too, so those go;
 * - the corrections in `schema-corrections.ts`, where the printed schema is stricter than the
 *   gateway's own check.
 *
 * The output is deterministic: the same printed schema always gives the same bytes, so the
 * committed file and a fresh print can be compared exactly.
 */
import type { GatewayFacts } from "./probe-gateway-facts";
import { applySchemaCorrections } from "./schema-corrections";

/** Root key of the committed file that holds what the gateway said besides its schema. */
export const FACTS_KEY = "x-openclaw-facts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// zod emits these beside a `pattern` that already states the rule.
const CORE_ANNOTATION_FORMATS = new Set(["email", "date-time", "starts_with"]);
// src/plugins/schema-validator.ts `annotationOnlyFormats` (2026.9.6).
const PLUGIN_ANNOTATION_FORMATS = new Set([
  "date-time",
  "date",
  "duration",
  "email",
  "hostname",
  "idn-email",
  "idn-hostname",
  "ipv4",
  "ipv6",
  "iri-reference",
  "iri",
  "json-pointer-uri-fragment",
  "json-pointer",
  "regex",
  "relative-json-pointer",
  "time",
  "uri-reference",
  "uri-template",
  "url",
  "uuid",
]);

const ANNOTATIONS = new Set(["title", "description", "$schema"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions"]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The gateway's `repairJsonSchemaPatternForUnicodeRegExp`
 * (packages/normalization-core/src/json-schema.ts): drop the escape before `:` and `/` when the
 * pattern does not compile with the `u` flag.
 */
export function repairPattern(pattern: string): string {
  const compiles = (text: string) => {
    try {
      new RegExp(text, "u");
      return true;
    } catch {
      return false;
    }
  };
  if (compiles(pattern)) return pattern;
  const repaired = pattern.replace(/\\([^\\])/g, (match, ch: string) =>
    ch === ":" || ch === "/" ? ch : match,
  );
  return compiles(repaired) ? repaired : pattern;
}

// Channel settings and plugin `config` objects are checked by TypeBox against their JSON Schema.
function isPluginOwned(pointer: string): boolean {
  return (
    /^\/properties\/channels\/properties\/(?!defaults\/|modelByChannel\/)[^/]+(\/|$)/.test(
      pointer,
    ) ||
    /^\/properties\/plugins\/properties\/entries\/properties\/[^/]+\/properties\/config(\/|$)/.test(
      pointer,
    )
  );
}

function normalizeFormat(format: string, pointer: string): string | undefined {
  if (format === "uri") return format;
  const annotations = isPluginOwned(pointer) ? PLUGIN_ANNOTATION_FORMATS : CORE_ANNOTATION_FORMATS;
  if (annotations.has(format)) return undefined;
  throw new Error(
    `${pointer}: format "${format}" has no known semantics; decide how the gateway checks it ` +
      "and teach scripts/openclaw-schema/schema-normalize.ts",
  );
}

function normalizeNode(node: Json, pointer: string, refBase: string | undefined): Json {
  if (Array.isArray(node))
    return node.map((item, i) => normalizeNode(item, `${pointer}/${i}`, refBase));
  if (!isObject(node)) return node;
  // A schema with its own $defs is a resource: its local refs resolve against it.
  const base = isObject(node.$defs) || isObject(node.definitions) ? pointer : refBase;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) && typeof value === "string") continue;
    if (key === "$ref" && typeof value === "string") {
      out[key] = value.startsWith("#/") && base !== undefined ? `#${base}${value.slice(1)}` : value;
    } else if (key === "pattern" && typeof value === "string") {
      out[key] = repairPattern(value);
    } else if (key === "format" && typeof value === "string") {
      const format = normalizeFormat(value, pointer);
      if (format !== undefined) out[key] = format;
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) {
        const entryKey = key === "patternProperties" ? repairPattern(name) : name;
        map[entryKey] = normalizeNode(sub, `${pointer}/${key}/${escapePointer(name)}`, base);
      }
      out[key] = map;
    } else if (key === "default" || key === "const" || key === "enum" || key === "examples") {
      out[key] = value;
    } else {
      out[key] = normalizeNode(value, `${pointer}/${key}`, base);
    }
  }
  return out;
}

/**
 * The normalized schema for `version`, from the JSON text the gateway printed, with the facts
 * probed from the same gateway under {@link FACTS_KEY} (validators ignore the key).
 *
 * @throws Error when the schema uses a format whose semantics are not known, or a correction
 *   no longer finds what it corrects (the gateway changed: review the correction)
 */
export function normalizeGatewaySchema(
  printed: string,
  version: string,
  facts: GatewayFacts,
): JsonObject {
  const parsed = JSON.parse(printed) as Json;
  if (!isObject(parsed)) throw new Error("the printed schema is not a JSON object");
  const normalized = normalizeNode(parsed, "", undefined);
  if (!isObject(normalized)) throw new Error("the printed schema is not a JSON object");
  return { ...applySchemaCorrections(normalized, version), [FACTS_KEY]: facts as unknown as Json };
}

/** The committed file's text: one line per schema node keeps diffs between versions readable. */
export function serializeNormalizedSchema(schema: JsonObject): string {
  return `${JSON.stringify(schema, null, 1)}\n`;
}
