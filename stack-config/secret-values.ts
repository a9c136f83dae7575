/**
 * The secret values a stack's config holds, so that no message quotes one. A value is secret
 * when its key was set with `--secret`, when the configuration table marks its key secret (even
 * if it was set in plain text by mistake), and the Fly token from the environment; a secret
 * given under a plain key (a token pasted as `flyApiUrl`) is thus still never echoed.
 */
import * as pulumi from "@pulumi/pulumi";
import { FLY_API_TOKEN_ENV } from "../rules/provider-config-keys";
import { CONFIG_KEYS } from "./configuration-table";

/**
 * Whether Pulumi handed the program `key` (namespaced) as a secret. The SDK answers from the
 * secret keys the engine passes (PULUMI_CONFIG_SECRET_KEYS); its `isConfigSecret` is marked
 * internal, so it is not in the typings, but it is what `Config.get` itself relies on.
 */
export function configKeyIsSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (runtime.isConfigSecret === undefined) {
    throw new Error("@pulumi/pulumi no longer has runtime.isConfigSecret: check its replacement");
  }
  return runtime.isConfigSecret(key);
}

/** What replaces a secret value in a message. */
export const REDACTED = "[secret]";

/** Every string in a value that may be JSON (a map of secrets): the text and its string leaves. */
function textsOf(text: string): string[] {
  const texts = [text];
  try {
    const visit = (value: unknown): void => {
      if (typeof value === "string") texts.push(value);
      else if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
    };
    visit(JSON.parse(text));
  } catch {
    // Not JSON: the text alone.
  }
  return texts;
}

/**
 * The secret values among `values` (namespaced key to text) and the environment's Fly token.
 * Values under four characters are left out: redacting them would garble every message.
 */
export function secretValuesOf(
  values: Readonly<Record<string, string>>,
  prefix: string,
  isSecret: (key: string) => boolean,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const secrets = Object.entries(values)
    .filter(([key]) => isSecret(key) || CONFIG_KEYS[key.slice(prefix.length)]?.secret === true)
    .flatMap(([, text]) => textsOf(text));
  const envToken = env[FLY_API_TOKEN_ENV];
  if (envToken !== undefined) secrets.push(envToken);
  return [...new Set(secrets.map((s) => s.trim()).filter((s) => s.length >= 4))];
}

/** `line` with every secret value in it replaced, the longest first. */
export function redactConfigSecrets(line: string, secrets: readonly string[]): string {
  let result = line;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(REDACTED);
    // A value the message quotes as JSON has its quotes and backslashes escaped.
    const quoted = JSON.stringify(secret).slice(1, -1);
    if (quoted !== secret) result = result.split(quoted).join(REDACTED);
  }
  return result;
}
