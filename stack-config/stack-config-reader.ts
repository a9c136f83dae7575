/**
 * The program's stack config: every key in the project's namespace read once, decoded once and
 * checked once, into the settings OpenClawGateway takes. A bad config stops the program before
 * any resource is registered, listing every problem with its key.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigValueKind } from "../components/argument-table";
import { GATEWAY_ARGUMENTS, GATEWAY_ARGUMENT_NAMES } from "../components/gateway-arguments";
import { checkGatewayArgs, type GatewaySettings } from "../components/gateway-settings";
import { ValidationError } from "../components/validation";
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from "./configuration-table";
import { PROVIDER_CONFIG } from "./provider-config";
import { configKeyIsSecret, redactConfigSecrets, secretValuesOf } from "./secret-values";

// Best-effort decoding: text that does not decode is passed on as it is, so the key's own rule
// reports it ("must be a number", "must be a list") in the same words as for code callers.
function decode(kind: ConfigValueKind, text: string): unknown {
  switch (kind) {
    case "text":
      return text;
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    case "flag":
      return text === "true" ? true : text === "false" ? false : text;
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}

/**
 * The gateway's settings from the stack config, after checking all of it: unknown keys in the
 * project's namespace, every gateway argument and the providers' own keys. Secrets come back as
 * secret Outputs; absent keys take the defaults of the README's configuration table.
 *
 * A key the table marks secret but given in plain text (without `--secret`) is refused with the
 * command that sets it as a secret: its value would sit readable in the stack file. No problem
 * line ever quotes a secret value, whichever key it was given under.
 *
 * @param values config as `pulumi.runtime.allConfig()` returns it: namespaced key to text
 * @param project the namespace (the Pulumi project's name)
 * @param isSecret whether a namespaced key was set as a secret
 * @throws ValidationError listing every problem, one `<project>:<key>: <rule>` line each
 */
export function readGatewayStackConfig(
  values: Readonly<Record<string, string>> = pulumi.runtime.allConfig(),
  project: string = pulumi.getProject(),
  isSecret: (key: string) => boolean = configKeyIsSecret,
): GatewaySettings {
  const prefix = `${project}:`;
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    if (spec.secret && values[prefix + key] !== undefined && !isSecret(prefix + key)) {
      problems.push(
        `${prefix}${key}: is a secret but was set in plain text; set it encrypted with ` +
          `\`pulumi config set --secret ${prefix}${key} ${spec.kind === "json" ? "'<json>'" : "<value>"}\``,
      );
    }
  }
  for (const key of Object.keys(values).sort()) {
    if (key.startsWith(prefix) && !CONFIG_KEY_NAMES.includes(key.slice(prefix.length))) {
      problems.push(`${key}: unknown config key (known: ${CONFIG_KEY_NAMES.join(", ")})`);
    }
  }
  const args: Record<string, unknown> = {};
  for (const key of GATEWAY_ARGUMENT_NAMES) {
    const text = values[prefix + key];
    if (text !== undefined) args[key] = decode(GATEWAY_ARGUMENTS[key].kind, text);
  }
  const checked = checkGatewayArgs(args);
  if (!checked.ok) problems.push(...checked.problems.map((line) => prefix + line));
  for (const [key, spec] of Object.entries(PROVIDER_CONFIG)) {
    const text = values[prefix + key];
    if (text === undefined) continue;
    const result = spec.check(decode(spec.kind, text), key);
    if (!result.ok) problems.push(...result.problems.map((line) => prefix + line));
  }
  if (problems.length > 0 || !checked.ok) {
    const secrets = secretValuesOf(values, prefix, isSecret);
    throw new ValidationError(
      "Stack config is invalid",
      problems.map((line) => redactConfigSecrets(line, secrets)),
    );
  }
  return checked.value;
}
