import { createHash } from "node:crypto";
import type { Emulator } from "./emulator";
import { ApiError, badRequest, preconditionFailed } from "./api-errors";
import { queryBool } from "./routes/query-params";
import type { AppSecretsRecord, SecretRecord } from "./state";

/** Secret names become environment variables, so they follow the shell's rule for names. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An app's secrets, created empty for apps that predate them (older state files). */
export function appSecrets(emulator: Emulator, app: string): AppSecretsRecord {
  emulator.app(app);
  const secrets = emulator.state.secrets;
  secrets[app] ??= { version: 0, secrets: {} };
  return secrets[app];
}

/**
 * A stable fingerprint of a secret's value, so callers can tell whether a value changed without
 * reading it. Fly does not disclose its digest algorithm; the emulator uses the first 16 hex
 * characters of the value's SHA-256, which has the same observable properties: equal values give
 * equal digests and the value cannot be recovered from it.
 */
export function secretDigest(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex").slice(0, 16);
}

/** Refuses a name that cannot be an environment variable, naming the rule. */
export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw badRequest(
      `secret name "${name}" is invalid: it must start with a letter or underscore and contain only letters, digits and underscores`,
    );
  }
}

/**
 * Sets or replaces one secret of `app`; the caller bumps the version once per request. The state
 * keeps only the digest: a kept value would be written in plain text to the `--state` file,
 * where real keys used against a local stack must never land. Only real machines need values,
 * and they are kept apart from the state (see machine-secret-values.ts).
 */
export function putSecret(
  emulator: Emulator,
  record: AppSecretsRecord,
  app: string,
  name: string,
  value: string,
): void {
  emulator.secretValues?.set(app, name, value);
  const now = emulator.isoNow();
  const existing = record.secrets[name];
  record.secrets[name] = {
    name,
    value: "",
    digest: secretDigest(value),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
}

/** Removes one secret of `app` (its value too, when values are kept). */
export function removeSecret(
  emulator: Emulator,
  record: AppSecretsRecord,
  app: string,
  name: string,
): void {
  delete record.secrets[name];
  emulator.secretValues?.delete(app, name);
}

/**
 * Records a write. Every write (set, unset, bulk, even one that unsets a name that does not
 * exist) yields a new, higher app secrets version; flyctl relies on that last case to learn the
 * current version. Machines only see the new secrets when they next boot a version.
 */
export function bumpVersion(record: AppSecretsRecord): number {
  record.version += 1;
  return record.version;
}

/** The new version, under both the current key and the deprecated capitalised one Fly still sends. */
export function versionJson(version: number): { version: number; Version: number } {
  return { version, Version: version };
}

/** A secret as the API shows it: name, digest and times, never the value. */
export function secretJson(secret: SecretRecord): Record<string, string> {
  return {
    name: secret.name,
    digest: secret.digest,
    created_at: secret.created_at,
    updated_at: secret.updated_at,
  };
}

/** All of an app's secrets as the API shows them, sorted by name. */
export function secretsJson(record: AppSecretsRecord): Record<string, string>[] {
  return Object.values(record.secrets)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(secretJson);
}

/**
 * Applies the read options of the secrets endpoints.
 *
 * `show_secrets`: Fly's docs say plaintext read access is not granted to ordinary tokens, and
 * the emulator's token is an ordinary one, so asking for values is refused with 403 rather than
 * silently answered without them; a caller that depends on reading values back fails here first.
 *
 * `min_version` (spec) or `version` (what fly-go sends): a reader asks for a view at least as new
 * as a version it was given by a write, because Fly's secrets store replicates asynchronously.
 * The emulator is always up to date, so a minimum above the current version names a version that
 * was never issued and waiting could only hang; it is answered 412 `failed_precondition`, as the
 * emulator answers a machine's `min_secrets_version` in the same case. Fly's reply is not
 * documented.
 */
export function checkReadOptions(query: URLSearchParams, record: AppSecretsRecord): void {
  if (queryBool(query, "show_secrets")) {
    throw new ApiError(403, "show_secrets: reading secret values requires a privileged token");
  }
  const param = query.has("min_version") ? "min_version" : "version";
  const raw = query.get(param);
  if (raw === null || raw === "") return;
  if (!/^\d+$/.test(raw)) {
    throw badRequest(`${param} must be a non-negative integer, got "${raw}"`);
  }
  if (Number(raw) > record.version) {
    throw preconditionFailed(
      `failed_precondition: ${param} ${raw} is newer than the app's current secrets version ${record.version}`,
    );
  }
}
