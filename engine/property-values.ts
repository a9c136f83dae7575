import * as structproto from "google-protobuf/google/protobuf/struct_pb";

/**
 * Property values as they travel between the SDK, the engine and providers: JSON values in which
 * secrets and unknowns are encoded with Pulumi's wire sentinels (`@pulumi/pulumi/runtime/rpc.js`).
 */
export type PropertyValue =
  null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };

/** A resource's inputs or outputs: property name to value. */
export type PropertyMap = Record<string, PropertyValue>;

/** The key under which every special Pulumi value carries its signature. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret value: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The string that stands for a value not known until the resource is created (dry runs). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The property that carries a dynamic resource's serialized provider code. */
export const PROVIDER_KEY = "__provider";

type SecretValue = { [SIG_KEY]: typeof SECRET_SIG; value: PropertyValue };

/** Wraps a value in the secret sentinel. */
export function makeSecret(value: PropertyValue): PropertyValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True for a value wrapped in the secret sentinel. */
export function isSecret(value: PropertyValue | undefined): value is SecretValue {
  return isObject(value) && value[SIG_KEY] === SECRET_SIG;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(
  value: PropertyValue | undefined,
): value is { [key: string]: PropertyValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the value holds a secret anywhere inside it. */
export function containsSecrets(value: PropertyValue | undefined): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (isObject(value)) return Object.values(value).some(containsSecrets);
  return false;
}

/** True when the value holds an unknown anywhere inside it. */
export function containsUnknowns(value: PropertyValue | undefined): boolean {
  if (value === UNKNOWN) return true;
  if (isSecret(value)) return containsUnknowns(value.value);
  if (Array.isArray(value)) return value.some(containsUnknowns);
  if (isObject(value)) return Object.values(value).some(containsUnknowns);
  return false;
}

/**
 * Removes secret wrappers, keeping the plain values. The engine does this for every payload sent to
 * a provider that answered Configure with `acceptSecrets: false` (the dynamic provider host does).
 */
export function stripSecrets(value: PropertyValue): PropertyValue {
  if (isSecret(value)) return stripSecrets(value.value);
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (isObject(value)) return mapValues(value, stripSecrets);
  return value;
}

/** `stripSecrets` over a whole property map. */
export function stripSecretsMap(map: PropertyMap): PropertyMap {
  return mapValues(map, stripSecrets);
}

/**
 * Copies secretness from inputs to outputs the way the engine's `annotateSecrets`
 * (provider_plugin.go) does: an output whose key matches an input holding a secret becomes secret;
 * when both sides are objects it recurses instead, so one secret does not taint a whole structure.
 */
export function annotateSecrets(outputs: PropertyMap, inputs: PropertyMap): PropertyMap {
  const result: PropertyMap = { ...outputs };
  for (const [key, input] of Object.entries(inputs)) {
    if (!(key in result)) continue;
    const output = result[key];
    if (isObject(output) && !isSecret(output) && isObject(input) && !isSecret(input)) {
      result[key] = annotateSecrets(output, input);
    } else if (!isSecret(output) && containsSecrets(input)) {
      result[key] = makeSecret(output);
    }
  }
  return result;
}

/** Marks the listed top-level outputs secret (the `additionalSecretOutputs` resource option). */
export function markSecretOutputs(outputs: PropertyMap, names: readonly string[]): PropertyMap {
  const result: PropertyMap = { ...outputs };
  for (const name of names) {
    const value = result[name];
    if (value !== undefined && !isSecret(value)) result[name] = makeSecret(value);
  }
  return result;
}

/**
 * The secret marking the step executor applies to every new state (step_executor.go
 * `continueExecuteStep`): the `additionalSecretOutputs` keys, then every output whose input of the
 * same name is itself a secret (top level only, not "contains one"). `id` cannot be made secret.
 */
export function markOutputSecrets(
  outputs: PropertyMap,
  inputs: PropertyMap,
  additionalSecretOutputs: readonly string[],
): PropertyMap {
  const result = markSecretOutputs(
    outputs,
    additionalSecretOutputs.filter((name) => name !== "id"),
  );
  for (const [key, value] of Object.entries(result)) {
    if (!isSecret(value) && isSecret(inputs[key])) result[key] = makeSecret(value);
  }
  return result;
}

/** The warning the engine gives for `additionalSecretOutputs: ["id"]`. */
export const SECRET_ID_WARNING =
  "The 'id' property cannot be made secret. See pulumi/pulumi#2717 for more details.";

/** Deep equality of two property values (object key order does not matter). */
export function deepEqual(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

/**
 * The top-level keys whose values differ between two maps, secrets unwrapped first: the engine's
 * fallback diff when a provider answers DIFF_UNKNOWN (`diffResource` in step_generator.go).
 */
export function changedKeys(olds: PropertyMap, news: PropertyMap): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys]
    .filter((key) => !deepEqual(unwrapOptional(olds[key]), unwrapOptional(news[key])))
    .sort();
}

function unwrapOptional(value: PropertyValue | undefined): PropertyValue | undefined {
  return value === undefined ? undefined : stripSecrets(value);
}

/** Converts a map to a protobuf Struct, dropping `undefined` (Struct cannot carry it). */
export function toStruct(map: PropertyMap): structproto.Struct {
  return structproto.Struct.fromJavaScript(map as Record<string, structproto.JavaScriptValue>);
}

/** Converts a protobuf Struct (possibly absent) to a map. */
export function fromStruct(struct: structproto.Struct | undefined): PropertyMap {
  return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

/** Replaces every secret with `"[secret]"` for display. */
export function maskSecrets(value: PropertyValue): PropertyValue {
  if (isSecret(value)) return "[secret]";
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (isObject(value)) return mapValues(value, maskSecrets);
  return value;
}

function mapValues(
  object: { [key: string]: PropertyValue },
  fn: (value: PropertyValue) => PropertyValue,
): { [key: string]: PropertyValue } {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
}
