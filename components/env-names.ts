import { envNameProblem } from "../rules/fly-names";
import { RESERVED_ENV_REASONS } from "./gateway-constants";
import { formatPath, isPlainRecord } from "./validation";

/**
 * Rules for the names of environment variables a user adds: plain `extraEnv`, and the secret
 * `providerKeys` and `channelTokens` that reach the machine as Fly secrets. Only names are
 * checked and reported; a secret's value never appears in a message.
 */

/**
 * Secret names: upper-case, as every provider key and channel token OpenClaw reads is. Plain env
 * names follow Fly's rule for any environment variable (`envNameProblem`).
 */
export const SECRET_ENV_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/**
 * Plain env names that look like credentials: their value would sit in the machine config, the
 * Pulumi state and every preview in plain text. They belong in `providerKeys` or `channelTokens`.
 */
export const CREDENTIAL_NAME_PATTERN = /(^|_)(API_KEY|TOKEN|SECRET|PASSWORD)$/;

/** The user-supplied groups of environment variables, by argument name. */
export interface EnvGroups {
  extraEnv?: unknown;
  providerKeys?: unknown;
  channelTokens?: unknown;
}

const GROUPS = ["extraEnv", "providerKeys", "channelTokens"] as const;

function namesOf(value: unknown): string[] {
  return isPlainRecord(value) ? Object.keys(value) : [];
}

/**
 * Every naming problem across the three groups: malformed names, names the gateway reserves
 * for itself (the process env would silently override them, or a secret would land in plain
 * config), and names given in more than one group (which value wins would be unclear).
 */
export function envNameProblems(groups: EnvGroups): string[] {
  const problems: string[] = [];
  const seenIn = new Map<string, string>();
  for (const group of GROUPS) {
    const secret = group !== "extraEnv";
    for (const name of namesOf(groups[group])) {
      const where = formatPath(group, [name]);
      const flyProblem = envNameProblem(name);
      if (flyProblem !== undefined) {
        problems.push(`${where}: ${flyProblem}`);
      } else if (secret && !SECRET_ENV_NAME_PATTERN.test(name)) {
        problems.push(
          `${where}: must be an upper-case environment variable name matching ${SECRET_ENV_NAME_PATTERN.source}`,
        );
      } else if (Object.hasOwn(RESERVED_ENV_REASONS, name)) {
        problems.push(`${where}: reserved (${RESERVED_ENV_REASONS[name]})`);
      } else if (!secret && CREDENTIAL_NAME_PATTERN.test(name.toUpperCase())) {
        problems.push(
          `${where}: looks like a credential (a name ending in _API_KEY, _TOKEN, _SECRET or ` +
            "_PASSWORD), and extraEnv is plain text in the machine config and the state; " +
            "give it as a secret in providerKeys (model-provider keys) or channelTokens (channel tokens)",
        );
      }
      const earlier = seenIn.get(name);
      if (earlier !== undefined) {
        problems.push(`${where}: also given in ${earlier}; each name may have only one value`);
      } else {
        seenIn.set(name, group);
      }
    }
  }
  return problems;
}
