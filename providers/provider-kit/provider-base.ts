/**
 * Plumbing every Fly provider shares: where its settings come from, the options of the clients
 * it builds at call time, comparing values the way Fly stores them, and reporting a create that
 * half succeeded.
 *
 * Provider objects are serialized into the Pulumi state, so nothing here is built at module
 * load: settings are read from the `ConfigureRequest` the host passes at run time (or from the
 * environment), and each call builds its own (cheap) clients, only of the resources it calls.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resolveFlyCredentials } from "../fly-client/credentials";
import { isFlyApiError } from "../fly-client/fly-api-error";
import type { ConfigSource, FlyClientOptions } from "../fly-client/fly-client";
import type { Progress } from "./progress";

/** Timing knobs of the providers. Defaults suit Fly; tests against the emulator shrink them. */
export interface ProviderTuning {
  /** Pause between polls of a machine's checks, a snapshot or a volume's attachment. */
  pollIntervalMs: number;
  /** How long to keep trying for a machine lease someone else holds. */
  leaseWaitMs: number;
  /** Lifetime of the leases the providers take (refreshed while held). */
  leaseTtlSeconds: number;
  /** Whether the client paces itself under Fly's documented rate limits. */
  pacing: boolean;
  /** Base of the client's retry backoff. */
  retryBaseDelayMs: number;
  /** Pause before looking up what an ambiguous create made (Fly's list reads lag writes). */
  adoptLookupDelayMs: number;
  /** Limit for a snapshot to complete or a volume to be released by its destroyed machine. */
  settleTimeoutMs: number;
}

/** The defaults, chosen for the real Fly API. */
export const DEFAULT_TUNING: ProviderTuning = {
  pollIntervalMs: 1_000,
  leaseWaitMs: 60_000,
  leaseTtlSeconds: 30,
  pacing: true,
  retryBaseDelayMs: 250,
  adoptLookupDelayMs: 1_000,
  settleTimeoutMs: 120_000,
};

/** Stack config key holding overrides of `DEFAULT_TUNING` as a JSON object. */
export const TUNING_CONFIG_KEY = "openclaw-fly:providerTuning";

/**
 * The tuning in effect: `DEFAULT_TUNING` overridden by the stack config `providerTuning` (a JSON
 * object, e.g. `{"pollIntervalMs":20,"pacing":false}`).
 *
 * @throws Error naming the config key when the value is not a JSON object of known numeric or
 *   boolean fields.
 */
export function readTuning(config: ConfigSource | undefined): ProviderTuning {
  const raw: unknown = config?.get(TUNING_CONFIG_KEY);
  if (raw === undefined || raw === null || raw === "") return { ...DEFAULT_TUNING };
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`${TUNING_CONFIG_KEY} must be a JSON object, got ${JSON.stringify(raw)}`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${TUNING_CONFIG_KEY} must be a JSON object`);
  }
  const tuning: ProviderTuning = { ...DEFAULT_TUNING };
  for (const [key, setting] of Object.entries(value)) {
    const expected = typeof (DEFAULT_TUNING as unknown as Record<string, unknown>)[key];
    if (expected === "undefined") {
      throw new Error(
        `${TUNING_CONFIG_KEY}.${key} is not a setting (known: ${Object.keys(DEFAULT_TUNING).join(", ")})`,
      );
    }
    if (typeof setting !== expected || (expected === "number" && !(Number(setting) >= 0))) {
      throw new Error(`${TUNING_CONFIG_KEY}.${key} must be a non-negative ${expected}`);
    }
    (tuning as unknown as Record<string, unknown>)[key] = setting;
  }
  return tuning;
}

/**
 * Client options for this call (for `createAppsClient` and the other factories), with the token
 * and URL resolved now from the configured stack config (`openclaw-fly:flyApiToken`,
 * `openclaw-fly:flyApiUrl`) or the environment (FLY_API_TOKEN, FLY_API_URL). Retries are
 * reported as progress lines.
 */
export function flyClientOptions(
  config: ConfigSource | undefined,
  tuning: ProviderTuning,
  progress?: Progress,
): FlyClientOptions {
  return {
    ...resolveFlyCredentials(config),
    pacing: tuning.pacing ? undefined : false,
    retry: { baseDelayMs: tuning.retryBaseDelayMs, adoptLookupDelayMs: tuning.adoptLookupDelayMs },
    onRetry: progress
      ? (info) =>
          progress(
            `${info.method} ${info.path} answered ${info.status || info.code}; retrying in ${info.delayMs} ms`,
          )
      : undefined,
  };
}

/**
 * Deep equality the way Fly stores values: object key order does not matter and a key holding
 * `undefined` is the same as a missing key.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameValue(item, b[index]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

/** The top-level keys whose values differ between `olds` and `news` (see `sameValue`). */
export function changedKeys(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  keys: readonly string[],
): string[] {
  return keys.filter((key) => !sameValue(olds[key], news[key]));
}

/** Drops keys whose value is undefined, so outputs and API bodies carry no empty fields. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/**
 * An error telling Pulumi the resource exists (it has an id and these outputs) but did not
 * become ready: the engine records it, so the next `up` updates it instead of creating another.
 */
export function initFailure(id: string, outputs: object, reason: string): Error {
  return Object.assign(new Error(reason), {
    id,
    properties: outputs,
    reasons: [reason],
  });
}

/**
 * The message of anything thrown, without its stack. A Fly API answer also names the request and
 * its status (and Fly's request id, for Fly support); the token never appears in any of it.
 */
export function describeError(error: unknown): string {
  // A lease the client gave up waiting for is already described in full (holder, expiry, wait).
  if (isFlyApiError(error) && error.status !== 0 && error.code !== "lease_held") {
    const code = error.code ? ` ${error.code}` : "";
    const request = error.requestId ? `, fly-request-id ${error.requestId}` : "";
    return `${error.message} (${error.method} ${error.path} -> ${error.status}${code}${request})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work`, prefixing what it throws with `context` (partial-create errors pass through). */
export async function withContext<T>(context: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (typeof error === "object" && error !== null && "id" in error && "reasons" in error) {
      throw error;
    }
    throw new Error(`${context}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * A value whose every part may be an Input: Pulumi resolves Outputs nested in resource
 * arguments, so a mount can carry a volume id that is still an Output.
 */
export type DeepInput<T> = pulumi.Input<
  T extends (infer Item)[]
    ? DeepInput<Item>[]
    : T extends object
      ? { [K in keyof T]: DeepInput<T[K]> }
      : T
>;
