import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { normalizeBaseUrl } from "../providers/fly-client/credentials";
import { readTuning } from "../providers/provider-kit/provider-base";
import { checkGatewayArgs } from "./gateway-args-rules";
import type { OpenClawGatewayArgs } from "./gateway-args";
import { buildContextProblems } from "./image-build";
import { isPlainRecord } from "./validation";

/** The project's config namespace: every key is `openclaw-fly:<key>`. */
export const CONFIG_NAMESPACE = "openclaw-fly";

/** The Fly organization used when `org` is not set: every Fly account has one. */
export const DEFAULT_ORG = "personal";

/**
 * How a key's text is read. Pulumi hands every config value to the program as a string:
 * numbers and booleans as their text, lists and maps as JSON.
 */
type ConfigValueKind = "text" | "number" | "flag" | "json";

interface ConfigKeySpec {
  readonly kind: ConfigValueKind;
  /** Set with `pulumi config set --secret`; read with getSecret, never placed in plain outputs. */
  readonly secret?: true;
}

/**
 * Every key the program reads. Most name an OpenClawGateway argument of the same name (so that
 * argument's rules apply and its problems are reported under the key); `flyApiUrl`,
 * `flyApiToken` and `providerTuning` are read by the providers through `configure()` and only
 * checked here.
 */
export const CONFIG_KEYS = {
  appName: { kind: "text" },
  org: { kind: "text" },
  regions: { kind: "json" },
  mode: { kind: "text" },
  flycast: { kind: "flag" },
  vmSize: { kind: "text" },
  memoryMb: { kind: "number" },
  allowLowMemory: { kind: "flag" },
  volumeSizeGb: { kind: "number" },
  image: { kind: "text" },
  build: { kind: "json" },
  gatewayToken: { kind: "text", secret: true },
  providerKeys: { kind: "json", secret: true },
  channelTokens: { kind: "json", secret: true },
  openclaw: { kind: "json" },
  extraEnv: { kind: "json" },
  healthCheck: { kind: "json" },
  healthTimeoutSeconds: { kind: "number" },
  rollout: { kind: "text" },
  retainVolumes: { kind: "flag" },
  snapshotBeforeDelete: { kind: "flag" },
  flyApiUrl: { kind: "text" },
  flyApiToken: { kind: "text", secret: true },
  providerTuning: { kind: "json" },
} as const satisfies Record<string, ConfigKeySpec>;

/** A config key without its namespace. */
export type ConfigKey = keyof typeof CONFIG_KEYS;

const KEYS = Object.keys(CONFIG_KEYS) as ConfigKey[];
const PROVIDER_ONLY_KEYS: ReadonlySet<ConfigKey> = new Set([
  "flyApiUrl",
  "flyApiToken",
  "providerTuning",
]);

/** The stack config broke one or more rules; Pulumi shows the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  /** One `openclaw-fly:<key>: <rule>` line per problem. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Stack config is invalid (${count}):\n${problems.map((p) => `- ${p}`).join("\n")}`);
    this.name = "StackConfigError";
    this.problems = problems;
  }
}

// Best-effort decoding: text that does not decode is passed on as it is, so the argument's own
// rule reports it ("must be a number", "must be a list") in the same words as for code callers.
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

function flyApiProblems(values: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const url = values[`${CONFIG_NAMESPACE}:flyApiUrl`];
  if (url !== undefined) {
    try {
      normalizeBaseUrl(url);
    } catch {
      problems.push(
        `${CONFIG_NAMESPACE}:flyApiUrl: must be an http(s) URL such as ` +
          `https://api.machines.dev, got ${JSON.stringify(url)}`,
      );
    }
  }
  const token = values[`${CONFIG_NAMESPACE}:flyApiToken`];
  if (token !== undefined && token.trim() === "") {
    problems.push(
      `${CONFIG_NAMESPACE}:flyApiToken: must not be empty (unset it to use FLY_API_TOKEN instead)`,
    );
  }
  try {
    readTuning({ get: (key) => values[key] });
  } catch (error) {
    // The providers' own message names the key and the rule; only the separator is ours.
    problems.push((error as Error).message.replace(/^(\S+) (must|is) /, "$1: $2 "));
  }
  return problems;
}

/**
 * Every problem in the stack config, one `openclaw-fly:<key>: <rule>` line each: unknown keys in
 * the namespace, then the gateway's argument rules, then the Fly API settings. Secret values are
 * read to be checked but never quoted.
 *
 * @param values config as `pulumi.runtime.allConfig()` returns it: namespaced key to text
 * @param cwd directory a relative `build.context` is resolved against (the project directory)
 */
export function stackConfigProblems(
  values: Readonly<Record<string, string>>,
  cwd = process.cwd(),
): string[] {
  const problems: string[] = [];
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const key of Object.keys(values).sort()) {
    if (key.startsWith(prefix) && !Object.hasOwn(CONFIG_KEYS, key.slice(prefix.length))) {
      problems.push(`${key}: unknown config key (known: ${KEYS.join(", ")})`);
    }
  }
  const args: Record<string, unknown> = { org: DEFAULT_ORG };
  for (const key of KEYS) {
    const text = values[prefix + key];
    if (text !== undefined && !PROVIDER_ONLY_KEYS.has(key)) {
      args[key] = decode(CONFIG_KEYS[key].kind, text);
    }
  }
  const checked = checkGatewayArgs(args);
  if (!checked.ok) problems.push(...checked.problems.map((line) => prefix + line));
  if (isPlainRecord(args.build) && typeof args.build.context === "string") {
    const dockerfile = args.build.dockerfile;
    const build = {
      context: resolve(cwd, args.build.context),
      dockerfile: typeof dockerfile === "string" ? dockerfile : "Dockerfile",
    };
    problems.push(...buildContextProblems(build).map((line) => prefix + line));
  }
  problems.push(...flyApiProblems(values));
  return problems;
}

// A secret map's names are plain (they become Fly secret names); each value stays secret.
function secretMap(
  config: pulumi.Config,
  key: "providerKeys" | "channelTokens",
): Record<string, pulumi.Output<string>> | undefined {
  const values = config.getSecretObject<Record<string, string>>(key);
  const names = config.getObject<Record<string, unknown>>(key);
  if (values === undefined || names === undefined) return undefined;
  return Object.fromEntries(
    Object.keys(names).map((name) => [name, values.apply((all) => all[name])]),
  );
}

/**
 * Reads the stack config into OpenClawGateway arguments, after checking all of it: a bad config
 * stops the program before any resource is registered, listing every problem with its key.
 * Secrets come back as secret Outputs. Absent keys are left out, so the component's defaults
 * apply (see the README's configuration table).
 *
 * @throws StackConfigError listing every problem
 */
export function readGatewayStackConfig(
  config: pulumi.Config = new pulumi.Config(CONFIG_NAMESPACE),
): OpenClawGatewayArgs {
  const problems = stackConfigProblems(pulumi.runtime.allConfig());
  if (problems.length > 0) throw new StackConfigError(problems);
  const number = (key: ConfigKey) => config.getNumber(key);
  const flag = (key: ConfigKey) => config.getBoolean(key);
  const args: OpenClawGatewayArgs = {
    appName: config.require("appName"),
    org: config.get("org") ?? DEFAULT_ORG,
    regions: config.requireObject<string[]>("regions"),
    mode: config.get("mode") as OpenClawGatewayArgs["mode"],
    flycast: flag("flycast"),
    vmSize: config.get("vmSize") as OpenClawGatewayArgs["vmSize"],
    memoryMb: number("memoryMb"),
    allowLowMemory: flag("allowLowMemory"),
    volumeSizeGb: number("volumeSizeGb"),
    image: config.get("image"),
    build: config.getObject("build"),
    gatewayToken: config.getSecret("gatewayToken"),
    providerKeys: secretMap(config, "providerKeys"),
    channelTokens: secretMap(config, "channelTokens"),
    openclaw: config.getObject("openclaw"),
    extraEnv: config.getObject("extraEnv"),
    healthCheck: config.getObject("healthCheck"),
    healthTimeoutSeconds: number("healthTimeoutSeconds"),
    rollout: config.get("rollout") as OpenClawGatewayArgs["rollout"],
    retainVolumes: flag("retainVolumes"),
    snapshotBeforeDelete: flag("snapshotBeforeDelete"),
  };
  // Unset keys stay unset instead of being passed as `undefined`.
  return Object.fromEntries(
    Object.entries(args).filter(([, value]) => value !== undefined),
  ) as OpenClawGatewayArgs;
}
