/**
 * What the providers read from the stack config `configure()` hands them, or from the
 * environment: where the Machines API is, the token, and their timing. Read at call time, never
 * at module load: a value captured while the program runs would end up in the state.
 */
import { DEFAULT_FLY_API_URL, normalizeBaseUrl } from "../fly-client/credentials";
import type { FlyClientOptions } from "../fly-client/fly-client";
import {
  FLY_API_TOKEN_ENV,
  FLY_API_TOKEN_KEY,
  FLY_API_URL_ENV,
  FLY_API_URL_KEY,
  PROVIDER_TUNING_KEY,
} from "../../rules/provider-config-keys";
import { pacingHoldMessage } from "./progress";
import type { Progress } from "./progress";

/**
 * Stack config as `configure()` sees it (`ConfigureRequest.config`): a key without a namespace is
 * looked up in the project's.
 */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Timing knobs of the providers. Defaults suit Fly; tests against the emulator shrink them. */
export interface ProviderTuning {
  /** Pause between polls of a snapshot or a volume's attachment. */
  pollIntervalMs: number;
  /**
   * Pause between reads of a machine's checks while waiting for them to pass. Fly has no long
   * poll for checks, so a machine is seen healthy on average half of this after it is; 250 ms
   * (4 reads a second) stays inside Fly's limit on reading one machine (5/s).
   */
  checkPollMs: number;
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
  checkPollMs: 250,
  leaseWaitMs: 60_000,
  leaseTtlSeconds: 30,
  pacing: true,
  retryBaseDelayMs: 250,
  adoptLookupDelayMs: 1_000,
  settleTimeoutMs: 120_000,
};

/**
 * Every problem with a `providerTuning` value (its JSON text, or the object it holds), one
 * `<path>: <rule>` line each (`providerTuning.pollMs: is not a setting ...`); empty when the
 * value is fine or absent.
 */
export function tuningProblems(raw: unknown): string[] {
  return parseTuning(raw).problems;
}

/**
 * The tuning in effect: `DEFAULT_TUNING` overridden by the stack config `providerTuning` (a JSON
 * object, e.g. `{"pollIntervalMs":20,"pacing":false}`).
 *
 * @throws Error listing every problem with the key's value
 */
export function readTuning(config: ConfigSource | undefined): ProviderTuning {
  const { tuning, problems } = parseTuning(config?.get(PROVIDER_TUNING_KEY));
  if (problems.length > 0) throw new Error(problems.join("; "));
  return tuning;
}

function parseTuning(raw: unknown): { tuning: ProviderTuning; problems: string[] } {
  const tuning: ProviderTuning = { ...DEFAULT_TUNING };
  if (raw === undefined || raw === "") return { tuning, problems: [] };
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      // Reported below as not an object.
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = typeof raw === "string" ? raw : JSON.stringify(raw);
    return { tuning, problems: [`${PROVIDER_TUNING_KEY}: must be a JSON object, got ${got}`] };
  }
  const problems: string[] = [];
  const known = DEFAULT_TUNING as unknown as Record<string, unknown>;
  for (const [key, setting] of Object.entries(value)) {
    const expected = typeof known[key];
    if (!Object.hasOwn(known, key)) {
      problems.push(
        `${PROVIDER_TUNING_KEY}.${key}: is not a setting (known: ${Object.keys(known).join(", ")})`,
      );
    } else if (
      typeof setting !== expected ||
      (expected === "number" && !((setting as number) >= 0))
    ) {
      const kind = expected === "number" ? "a non-negative number" : `a ${expected}`;
      problems.push(`${PROVIDER_TUNING_KEY}.${key}: must be ${kind}`);
    } else {
      (tuning as unknown as Record<string, unknown>)[key] = setting;
    }
  }
  return { tuning, problems };
}

/** Where to reach the Machines API and how to authenticate. */
export interface FlyCredentials {
  /** Base URL without `/v1`, e.g. `https://api.machines.dev`. */
  baseUrl: string;
  /** The API token as the user gave it (with or without a `FlyV1 `/`Bearer ` scheme). */
  token: string;
}

/**
 * The base URL and token: stack config `flyApiUrl` / `flyApiToken` first, then the environment
 * variables `FLY_API_URL` / `FLY_API_TOKEN`, read now. The URL defaults to Fly's.
 *
 * @throws Error naming both the config key and the environment variable when no token is set.
 */
export function resolveFlyCredentials(config?: ConfigSource): FlyCredentials {
  const url = nonEmpty(config?.get(FLY_API_URL_KEY)) ?? nonEmpty(process.env[FLY_API_URL_ENV]);
  const token =
    nonEmpty(config?.get(FLY_API_TOKEN_KEY)) ?? nonEmpty(process.env[FLY_API_TOKEN_ENV]);
  if (token === undefined) {
    throw new Error(
      `No Fly API token: set the stack config key ${FLY_API_TOKEN_KEY} ` +
        `(pulumi config set --secret ${FLY_API_TOKEN_KEY} <token>) or the environment variable ` +
        `${FLY_API_TOKEN_ENV}.`,
    );
  }
  return { baseUrl: normalizeBaseUrl(url ?? DEFAULT_FLY_API_URL), token };
}

/**
 * Client options for this call, with the token and URL resolved now (see
 * {@link resolveFlyCredentials}) and the tuning's pacing and retry timing. Retries and requests
 * held back by pacing are reported as progress lines.
 */
export function flyClientOptions(
  config: ConfigSource | undefined,
  tuning: ProviderTuning,
  progress?: Progress,
): FlyClientOptions {
  return {
    ...resolveFlyCredentials(config),
    pacing: tuning.pacing
      ? { onHold: progress ? (hold) => progress(pacingHoldMessage(hold)) : undefined }
      : false,
    retry: { baseDelayMs: tuning.retryBaseDelayMs, adoptLookupDelayMs: tuning.adoptLookupDelayMs },
    onRetry: progress
      ? (info) =>
          progress(
            `${info.method} ${info.path} failed (${info.status || info.kind}); retrying in ${info.delayMs} ms`,
          )
      : undefined,
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
