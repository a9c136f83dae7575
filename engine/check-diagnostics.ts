import type { CheckFailure, ResourceProvider } from "./provider-api";
import {
  isObject,
  isSecret,
  UNKNOWN,
  type PropertyMap,
  type PropertyValue,
} from "./property-values";
import type { ResourceGoal, StepContext } from "./step-context";

/**
 * The provider's Check (unknowns allowed in previews): the inputs to use, or an error holding
 * one diagnostic line per failure.
 */
export async function checkInputs(
  ctx: StepContext,
  provider: ResourceProvider,
  goal: ResourceGoal,
  olds: PropertyMap,
  news: PropertyMap,
): Promise<PropertyMap> {
  const result = await provider.check(goal.urn, olds, news, ctx.preview);
  if (result.failures.length === 0) return result.inputs;
  const lines = result.failures.map((failure) =>
    checkFailureMessage(goal.type, goal.name, goal.inputs, failure),
  );
  throw new Error(lines.join("\n"));
}

/**
 * The engine's check-failure diagnostics (step_generator.go `issueCheckFailures`, diag/errors.go
 * 2003 and 2004): `<type> resource '<name>': property <key> value <v> has a problem: <reason>`,
 * or `<type> resource '<name>' has a problem: <reason>` without a property. `<v>` is Go's `%v` of
 * the program's own value for that key (the raw goal, before Check), so a secret prints its plain
 * value exactly as the CLI prints it.
 */
export function checkFailureMessage(
  type: string,
  name: string,
  goalInputs: PropertyMap,
  failure: CheckFailure,
): string {
  if (failure.property === "") return `${type} resource '${name}' has a problem: ${failure.reason}`;
  const value = goValue(goalInputs[failure.property]);
  return (
    `${type} resource '${name}': property ${failure.property} value ${value} ` +
    `has a problem: ${failure.reason}`
  );
}

/** `PropertyValue.String()`: `{abc}`, `{3}`, `{<nil>}`, `{[{1} {2}]}`, `{map[a:{1}]}`, `{&{{x}}}`. */
export function goValue(value: PropertyValue | undefined): string {
  if (value === UNKNOWN) return "output<string>{}";
  return `{${goInner(value)}}`;
}

/** `PropertyValue.RedactSecrets()`: the same, every secret replaced by `[secret]`. */
export function goValueRedacted(value: PropertyValue | undefined): string {
  return goValue(redact(value));
}

function redact(value: PropertyValue | undefined): PropertyValue | undefined {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map((item) => redact(item) ?? null);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redact(item) ?? null]),
    );
  }
  return value;
}

function goInner(value: PropertyValue | undefined): string {
  if (value === undefined || value === null) return "<nil>";
  if (isSecret(value)) return `&{${goValue(value.value)}}`;
  if (Array.isArray(value)) return `[${value.map(goValue).join(" ")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${goValue(value[key])}`);
    return `map[${entries.join(" ")}]`;
  }
  if (typeof value === "number") return goNumber(value);
  return String(value);
}

// Go prints a float64 with %v as strconv's shortest 'g': exponent form when the decimal exponent
// is below -4 or at least 6 (`1e+06`, `1.5e-05`), plain digits otherwise.
function goNumber(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN";
  const [mantissa, power] = value.toExponential().split("e") as [string, string];
  const exponent = Number(power);
  if (value === 0 || (exponent >= -4 && exponent < 6)) return String(value);
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
