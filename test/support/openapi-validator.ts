import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/** The repository root (this file lives in test/support). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The environment variable naming the spec file; CI sets it to the copy it downloads. */
export const SPEC_ENV = "FLY_OPENAPI_SPEC";

/** Where Fly publishes the spec, for the message that says how to provide it. */
export const SPEC_URL = "https://docs.machines.dev/spec/openapi3.json";

/** Where the spec is looked for when `FLY_OPENAPI_SPEC` is unset: beside the project's clone. */
export function defaultSpecPath(projectRoot = PROJECT_ROOT): string {
  return path.resolve(projectRoot, "../shared/reference/fly-machines-openapi.json");
}

/**
 * The path of Fly's published Machines API spec: `FLY_OPENAPI_SPEC` when set (relative paths
 * from the working directory), else `../shared/reference/fly-machines-openapi.json` beside the
 * project. The spec is read at run time and never copied into the project, so CI downloads it
 * and sets the variable (.github/workflows/ci.yml).
 *
 * @throws Error naming the path it looked at and how to provide the spec, when there is no file
 */
export function resolveSpecPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  projectRoot = PROJECT_ROOT,
): string {
  const given = env[SPEC_ENV];
  const fromEnv = given !== undefined && given !== "";
  const specPath = fromEnv ? path.resolve(given) : defaultSpecPath(projectRoot);
  if (existsSync(specPath)) return specPath;
  const where = fromEnv ? `${SPEC_ENV}=${given}` : `${SPEC_ENV} is unset`;
  throw new Error(
    `Fly's Machines API OpenAPI spec not found: looked at ${specPath} (${where}). ` +
      `Download ${SPEC_URL} and set ${SPEC_ENV} to the file's path.`,
  );
}

/** A JSON-like schema node (OpenAPI 3.0 or JSON Schema). */
type SchemaNode = Record<string, unknown>;

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
  components: { schemas: Record<string, SchemaNode> };
}

interface ResponseObject {
  content?: Record<string, { schema?: SchemaNode }>;
}

/**
 * A deliberate, documented departure from the published schema, for a fact the spec's generator
 * cannot express but Fly's documented responses show. Every amendment carries its reason.
 */
export type SchemaAmendment =
  | { kind: "nullable"; schema: string; property: string; reason: string }
  | { kind: "enum"; schema: string; values: string[]; reason: string };

/** What validating one response found. */
export type ResponseCheck =
  | { kind: "valid" }
  | { kind: "invalid"; errors: string[] }
  /** The spec declares the status but no body schema for it (e.g. 204, or `content: {}`). */
  | { kind: "no-schema" }
  /** The spec knows the operation but not this status. */
  | { kind: "undeclared-status"; declared: string[] }
  | { kind: "unknown-operation" };

const REF_PREFIX = "#/components/schemas/";
const SPEC_ID = "fly-machines-spec";
/** OpenAPI-only keywords that mean nothing to a JSON Schema validator. */
const OPENAPI_ONLY = new Set(["example", "nullable", "xml", "externalDocs", "discriminator"]);
/** Keywords whose value is a map of name to schema (names are data, not keywords). */
const SCHEMA_MAPS = new Set(["properties", "definitions", "patternProperties"]);
/** Keywords whose value is a schema or a list of schemas. */
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"]);

/**
 * Converts one OpenAPI 3.0 schema node to JSON Schema for ajv: `nullable: true` becomes a type
 * that admits `null`, component `$ref`s point into the registered spec, and OpenAPI-only or
 * vendor (`x-`) keywords are dropped.
 */
export function toJsonSchema(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (OPENAPI_ONLY.has(key) || key.startsWith("x-")) continue;
    if (key === "$ref" && typeof value === "string" && value.startsWith(REF_PREFIX)) {
      out.$ref = `${SPEC_ID}#/definitions/${value.slice(REF_PREFIX.length)}`;
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, toJsonSchema(child as SchemaNode)]),
      );
    } else if (SCHEMA_VALUES.has(key) && Array.isArray(value)) {
      out[key] = value.map((child) => toJsonSchema(child as SchemaNode));
    } else if (SCHEMA_VALUES.has(key) && isObject(value)) {
      out[key] = toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === "string" && out.$ref === undefined && out.allOf === undefined) {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

function isObject(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates response bodies against Fly's published spec, per operation and status. */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(private readonly spec: OpenApiDocument) {
    this.ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
    addFormats(this.ajv);
    const definitions = Object.fromEntries(
      Object.entries(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]),
    );
    this.ajv.addSchema({ $id: SPEC_ID, definitions });
  }

  /**
   * Reads the spec from `specPath` (by default {@link resolveSpecPath}) and applies `amendments`
   * to its component schemas.
   */
  static load(amendments: SchemaAmendment[] = [], specPath = resolveSpecPath()): SpecValidator {
    const spec = JSON.parse(readFileSync(specPath, "utf8")) as OpenApiDocument;
    for (const amendment of amendments) amend(spec, amendment);
    return new SpecValidator(spec);
  }

  /** Every operation the spec declares, as `METHOD /path` with the spec's path templates. */
  operations(): string[] {
    return Object.entries(this.spec.paths).flatMap(([specPath, item]) =>
      Object.keys(item)
        .filter((method) => method !== "parameters")
        .map((method) => `${method.toUpperCase()} ${specPath}`),
    );
  }

  /**
   * Checks a response body against the schema the spec declares for `method specPath` and
   * `status` (`specPath` as the spec spells it, e.g. `/apps/{app_name}/volumes`).
   */
  checkResponse(method: string, specPath: string, status: number, body: unknown): ResponseCheck {
    const responses = this.spec.paths[specPath]?.[method.toLowerCase()]?.responses;
    if (!responses) return { kind: "unknown-operation" };
    const response = responses[String(status)] ?? responses.default;
    if (!response) return { kind: "undeclared-status", declared: Object.keys(responses) };
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return { kind: "no-schema" };
    const key = `${method} ${specPath} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema));
      this.compiled.set(key, validate);
    }
    return this.outcome(validate, body);
  }

  /** Checks a value against one named component schema, e.g. `ErrorResponse`. */
  checkSchema(name: string, value: unknown): ResponseCheck {
    const validate = this.ajv.getSchema(`${SPEC_ID}#/definitions/${name}`);
    if (!validate) throw new Error(`the spec has no component schema named ${name}`);
    return this.outcome(validate, value);
  }

  private outcome(validate: ValidateFunction, body: unknown): ResponseCheck {
    if (validate(body)) return { kind: "valid" };
    const errors = (validate.errors ?? []).map(
      (e) => `${e.instancePath || "(body)"} ${e.message ?? "is invalid"}`,
    );
    return { kind: "invalid", errors };
  }
}

function amend(spec: OpenApiDocument, amendment: SchemaAmendment): void {
  const schema = spec.components.schemas[amendment.schema];
  if (!schema) throw new Error(`amendment names unknown schema ${amendment.schema}`);
  if (amendment.kind === "nullable") {
    const properties = schema.properties as Record<string, SchemaNode> | undefined;
    const property = properties?.[amendment.property];
    if (!property) {
      throw new Error(`amendment names unknown property ${amendment.schema}.${amendment.property}`);
    }
    property.nullable = true;
    return;
  }
  if (!Array.isArray(schema.enum)) throw new Error(`${amendment.schema} is not an enum`);
  schema.enum = [...schema.enum, ...amendment.values];
}
