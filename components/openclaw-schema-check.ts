/**
 * Checks an openclaw.json document against the committed JSON Schema of a gateway version.
 *
 * The schema is read and parsed on first use (one file per version, about 10 ms), cut down to
 * the parts the document reaches (`openclaw-schema-prune.ts`) and compiled by Ajv. Whole-schema
 * compilation takes Ajv about 2.6 s, and a precompiled standalone validator is 10.9 MB of code
 * that V8 needs some 0.6 s to load and compile on first call; the pruned schema of a typical
 * config is a few KB and compiles in about 10 ms.
 *
 * Like the gateway, it fills schema defaults before checking (the gateway's TypeBox check of
 * channel and plugin settings runs on defaulted values, so a channel key that is `required` but
 * has a default may be left out), and checks `uri` as the gateway does, by parsing it.
 */
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject, type Options } from "ajv";
import { pruneSchema, type SchemaNode } from "./openclaw-schema-prune";
import { schemaFile } from "./openclaw-version";

/** One schema violation: Ajv's own error, on the document as checked. */
export type SchemaError = ErrorObject;

const schemas = new Map<string, SchemaNode>();

/** The committed schema of `version`, parsed once per process. */
export function committedSchema(version: string): SchemaNode {
  let schema = schemas.get(version);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(schemaFile(version), "utf8")) as SchemaNode;
    schemas.set(version, schema);
  }
  return schema;
}

/**
 * The one format the committed schemas keep (see scripts/openclaw-schema/schema-normalize.ts):
 * zod's `z.url()` and TypeBox as the gateway configures it both accept what `URL` parses.
 */
const FORMATS: NonNullable<Options["formats"]> = {
  uri: { type: "string", validate: (text: string) => URL.canParse(text) },
};

/** The outcome of a schema check: Ajv's errors, empty when the document is valid. */
export interface SchemaCheck {
  errors: SchemaError[];
  /** The document as checked, with schema defaults filled in (errors point into it). */
  checked: unknown;
}

/**
 * Checks `document` against the schema of `version`. The document is not modified.
 *
 * @throws Error when no schema is committed for `version` (callers check first)
 */
export function checkAgainstSchema(document: unknown, version: string): SchemaCheck {
  const checked = structuredClone(document);
  const validate = validator().compile(pruneSchema(committedSchema(version), [document]));
  validate(checked);
  return { errors: [...(validate.errors ?? [])], checked };
}

let ajv: Ajv | undefined;

function validator(): Ajv {
  ajv ??= new Ajv({
    allErrors: true,
    strict: false,
    useDefaults: true,
    formats: FORMATS,
    // The gateway compiles patterns with the `u` flag too.
    unicodeRegExp: true,
    // The committed schemas are checked against the meta-schema where they are made and tested
    // (test/components/openclaw-schema-check.test.ts); compiling the meta-schema here would cost
    // each preview some 100 ms.
    validateSchema: false,
    meta: false,
  });
  return ajv;
}
