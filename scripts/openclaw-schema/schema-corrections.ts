/**
 * Places where the JSON Schema the gateway prints is stricter than the check the gateway runs.
 * zod's JSON Schema export keeps a regex's source but drops its flags and any `.trim()` before
 * it, so a case-insensitive zod regex prints as a case-sensitive `pattern`. Without a correction
 * preview would refuse values the gateway accepts. Each entry names the zod source it mirrors;
 * the corpus in `test/openclaw-corpus/` holds a config that proves it against the real gateway.
 *
 * A correction whose target no longer holds the expected value stops schema generation: the
 * gateway changed there, and someone has to look.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface SchemaCorrection {
  /** JSON Pointer of the schema node, from the document root. */
  pointer: string;
  keyword: "pattern";
  /** The value the gateway prints. */
  printed: string;
  /** The value that states the gateway's real rule. */
  corrected: string;
  /** The zod source in the gateway's dist/ (2026.9.6 file names). */
  source: string;
}

// `x.trim().regex(/^…$/i)`: surrounding whitespace is trimmed before the case-insensitive match.
const TRIMMED_CASELESS_ID = "^\\s*[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}\\s*$";

const CORRECTIONS: readonly SchemaCorrection[] = [
  {
    pointer: "/properties/agents/properties/entries/propertyNames",
    keyword: "pattern",
    printed: "^[a-z0-9_][a-z0-9_-]{0,63}$",
    corrected: "^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,63}$",
    source:
      "dist/zod-schema-*.mjs AgentsSchema: entries: record(string().regex(/^[a-z0-9_][a-z0-9_-]{0,63}$/i, ...))",
  },
  {
    pointer:
      "/properties/mcp/properties/servers/additionalProperties/properties/codex/properties/agents/items",
    keyword: "pattern",
    printed: "^[a-z0-9][a-z0-9_-]{0,63}$",
    corrected: TRIMMED_CASELESS_ID,
    source:
      "dist/zod-schema-*.mjs McpServerSchema: codex.agents: array(string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i))",
  },
  {
    pointer:
      "/properties/nodeHost/properties/mcp/properties/servers/additionalProperties/properties/codex/properties/agents/items",
    keyword: "pattern",
    printed: "^[a-z0-9][a-z0-9_-]{0,63}$",
    corrected: TRIMMED_CASELESS_ID,
    source: "the same McpServerSchema, reused for nodeHost.mcp.servers",
  },
];

function nodeAt(root: JsonObject, pointer: string): JsonObject | undefined {
  let node: Json = root;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = node[segment] ?? null;
  }
  return typeof node === "object" && node !== null && !Array.isArray(node) ? node : undefined;
}

/**
 * Applies every correction to `schema` in place and returns it.
 *
 * @throws Error when a correction's target is missing or holds another value
 */
export function applySchemaCorrections(schema: JsonObject, version: string): JsonObject {
  for (const correction of CORRECTIONS) {
    const node = nodeAt(schema, correction.pointer);
    const value = node?.[correction.keyword];
    if (node === undefined || value !== correction.printed) {
      throw new Error(
        `OpenClaw ${version}: ${correction.pointer}/${correction.keyword} is ` +
          `${JSON.stringify(value)}, not ${JSON.stringify(correction.printed)}; review the ` +
          `correction for ${correction.source} in scripts/openclaw-schema/schema-corrections.ts`,
      );
    }
    node[correction.keyword] = correction.corrected;
  }
  return schema;
}
