/**
 * Cuts a JSON Schema down to the parts one value can reach. openclaw.json's schema is 555 KB and
 * compiling all of it takes Ajv seconds; a config touches a few percent of it. Validating the
 * pruned schema gives the same verdict and the same errors as validating the whole one, because
 * every keyword that is dropped could only have applied to a part of the value that is absent:
 *
 * - a `properties` entry whose key the value does not have becomes `true` (the key stays, so
 *   `additionalProperties` sees the same names); a `default` stays, so defaults still fill it;
 * - `patternProperties`, `additionalProperties`, `items`, `additionalItems`, `propertyNames`
 *   and `contains` are pruned against the members they apply to;
 * - `anyOf`, `oneOf`, `allOf`, `not`, `if`, `then`, `else` and `dependencies` schemas are pruned
 *   against the same value; `$defs` are kept whole for the `$ref`s into them.
 *
 * `test/components/openclaw-schema-prune.test.ts` checks this against the whole schema.
 */

/** The keywords whose subschemas all apply to the value itself. */
export const SCHEMA_ALTERNATIVES = ["anyOf", "oneOf", "allOf"] as const;

/** A JSON Schema node (object or boolean schema). */
export type SchemaNode = boolean | { [keyword: string]: unknown };

type SchemaObject = { [keyword: string]: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asSchema(value: unknown): SchemaNode | undefined {
  return typeof value === "boolean" || isRecord(value) ? (value as SchemaNode) : undefined;
}

function unicodePattern(source: string): RegExp {
  return new RegExp(source, "u");
}

/** The members of each object in `values` that `properties`/`patternProperties` do not name. */
function additionalMembers(schema: SchemaObject, objects: Record<string, unknown>[]): unknown[] {
  const named = isRecord(schema.properties) ? schema.properties : {};
  const patterns = isRecord(schema.patternProperties)
    ? Object.keys(schema.patternProperties).map(unicodePattern)
    : [];
  return objects.flatMap((object) =>
    Object.entries(object)
      .filter(([key]) => !Object.hasOwn(named, key) && !patterns.some((re) => re.test(key)))
      .map(([, value]) => value),
  );
}

function pruneProperties(properties: Record<string, unknown>, objects: Record<string, unknown>[]) {
  const out: Record<string, SchemaNode> = {};
  for (const [key, sub] of Object.entries(properties)) {
    const values = objects.filter((object) => Object.hasOwn(object, key)).map((o) => o[key]);
    const schema = asSchema(sub);
    if (schema === undefined) continue;
    if (values.length > 0) out[key] = pruneSchema(schema, values);
    else if (isRecord(schema) && Object.hasOwn(schema, "default")) {
      out[key] = { default: schema.default };
    } else out[key] = true;
  }
  return out;
}

/**
 * The parts of `schema` that any of `values` can reach. With no values, only what a missing
 * value needs (nothing: `true`) is left.
 */
export function pruneSchema(schema: SchemaNode, values: readonly unknown[]): SchemaNode {
  if (typeof schema === "boolean") return schema;
  if (values.length === 0) return true;
  const out: SchemaObject = { ...schema };
  const objects = values.filter(isRecord);
  const arrays = values.filter(Array.isArray) as unknown[][];

  if (isRecord(schema.properties)) out.properties = pruneProperties(schema.properties, objects);
  if (isRecord(schema.patternProperties)) {
    out.patternProperties = Object.fromEntries(
      Object.entries(schema.patternProperties).map(([source, sub]) => {
        const re = unicodePattern(source);
        const members = objects.flatMap((o) =>
          Object.keys(o)
            .filter((k) => re.test(k))
            .map((k) => o[k]),
        );
        return [source, pruneSchema(asSchema(sub) ?? true, members)];
      }),
    );
  }
  const additional = asSchema(schema.additionalProperties);
  if (isRecord(additional)) {
    out.additionalProperties = pruneSchema(additional, additionalMembers(schema, objects));
  }
  const propertyNames = asSchema(schema.propertyNames);
  if (propertyNames !== undefined) {
    out.propertyNames = pruneSchema(
      propertyNames,
      objects.flatMap((o) => Object.keys(o)),
    );
  }
  if (Array.isArray(schema.items)) {
    const tuple = schema.items as unknown[];
    out.items = tuple.map((sub, i) =>
      pruneSchema(
        asSchema(sub) ?? true,
        arrays.filter((a) => a.length > i).map((a) => a[i]),
      ),
    );
    const rest = asSchema(schema.additionalItems);
    if (isRecord(rest))
      out.additionalItems = pruneSchema(
        rest,
        arrays.flatMap((a) => a.slice(tuple.length)),
      );
  } else {
    const items = asSchema(schema.items);
    if (isRecord(items)) out.items = pruneSchema(items, arrays.flat());
  }
  const contains = asSchema(schema.contains);
  if (isRecord(contains)) out.contains = pruneSchema(contains, arrays.flat());
  for (const keyword of SCHEMA_ALTERNATIVES) {
    const list = schema[keyword];
    if (Array.isArray(list))
      out[keyword] = list.map((sub) => pruneSchema(asSchema(sub) ?? true, values));
  }
  for (const keyword of ["not", "if", "then", "else"]) {
    const sub = asSchema(schema[keyword]);
    if (sub !== undefined) out[keyword] = pruneSchema(sub, values);
  }
  if (isRecord(schema.dependencies)) {
    out.dependencies = Object.fromEntries(
      Object.entries(schema.dependencies).map(([key, dep]) => {
        const sub = asSchema(dep);
        return [
          key,
          sub === undefined
            ? dep
            : pruneSchema(
                sub,
                objects.filter((o) => Object.hasOwn(o, key)),
              ),
        ];
      }),
    );
  }
  return out;
}
