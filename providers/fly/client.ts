/**
 * The Fly Machines API client: one object grouped by resource, built at run time inside a
 * provider method (never at module load, never captured by a serialized provider).
 */
import type { Dispatcher } from "undici";
import { appOperations } from "./apps";
import type { AppOperations } from "./apps";
import { certificateOperations } from "./certificates";
import type { CertificateOperations } from "./certificates";
import { normalizeBaseUrl } from "./credentials";
import { ipOperations } from "./ip-assignments";
import type { IpOperations } from "./ip-assignments";
import { leaseOperations } from "./leases";
import type { LeaseOperations } from "./leases";
import { metadataOperations } from "./machine-metadata";
import type { MetadataOperations } from "./machine-metadata";
import { machineOperations } from "./machines";
import type { MachineOperations } from "./machines";
import { createPacer } from "./pacing";
import type { PacingOptions } from "./pacing";
import { platformOperations } from "./platform";
import type { PlatformOperations } from "./platform";
import { resolveRetryOptions } from "./retry-policy";
import type { RetryOptions } from "./retry-policy";
import { secretOperations } from "./secrets";
import type { SecretOperations } from "./secrets";
import { createTransport } from "./transport";
import type { ClientContext } from "./call-options";
import type { RetryInfo } from "./transport";
import { volumeOperations } from "./volumes";
import type { VolumeOperations } from "./volumes";
import { waitOperations } from "./waits";
import type { WaitOperations } from "./waits";

/** How to reach the API and how patient to be with it. */
export interface FlyClientOptions {
  /** Base URL without `/v1`, e.g. `https://api.machines.dev` (see `resolveFlyCredentials`). */
  baseUrl: string;
  /** API token, with or without its `FlyV1 `/`Bearer ` scheme. Never logged. */
  token: string;
  /** undici dispatcher to use instead of the process-wide pool (tests, proxies). */
  dispatcher?: Dispatcher;
  /** Overrides of the retry policy (`DEFAULT_RETRY_OPTIONS`). */
  retry?: Partial<RetryOptions>;
  /** Client-side rate limits; Fly's documented ones by default, `false` for none. */
  pacing?: PacingOptions | false;
  /**
   * Limit for one request: for the answer's headers to arrive, and for any pause in its body.
   * Default 30 s. Enforced by undici's coarse timers (about half a second of resolution).
   */
  requestTimeoutMs?: number;
  userAgent?: string;
  /** Hears about each retry before its pause (for progress output). */
  onRetry?: (info: RetryInfo) => void;
}

/** The client, grouped by resource. */
export interface FlyClient {
  apps: AppOperations;
  machines: MachineOperations &
    WaitOperations & {
      metadata: MetadataOperations;
      lease: Omit<LeaseOperations, "withLease">;
      withLease: LeaseOperations["withLease"];
    };
  volumes: VolumeOperations;
  secrets: SecretOperations;
  ips: IpOperations;
  certificates: CertificateOperations;
  platform: PlatformOperations;
}

/** Default `User-Agent`. */
const USER_AGENT = "openclaw-fly";

/**
 * Creates a client. Cheap: it opens no connection; the process-wide connection pool is created
 * by the first request that needs it.
 *
 * @throws Error when the token is empty or the base URL is not an http(s) URL.
 */
export function createFlyClient(options: FlyClientOptions): FlyClient {
  if (typeof options.token !== "string" || options.token.trim() === "") {
    throw new Error("createFlyClient: token must be a non-empty string");
  }
  const retry = resolveRetryOptions(options.retry);
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const send = createTransport({
    baseUrl: normalizeBaseUrl(options.baseUrl),
    token: options.token,
    dispatcher: options.dispatcher,
    retry,
    pacer: options.pacing === false ? undefined : createPacer(options.pacing),
    requestTimeoutMs,
    userAgent: options.userAgent ?? USER_AGENT,
    onRetry: options.onRetry,
  });
  const ctx: ClientContext = { send, retry, requestTimeoutMs, onRetry: options.onRetry };
  const machines = machineOperations(ctx);
  const { withLease, ...lease } = leaseOperations(ctx);
  return {
    apps: appOperations(ctx),
    machines: {
      ...machines,
      ...waitOperations(ctx, machines.get),
      metadata: metadataOperations(ctx),
      lease,
      withLease,
    },
    volumes: volumeOperations(ctx),
    secrets: secretOperations(ctx),
    ips: ipOperations(ctx),
    certificates: certificateOperations(ctx),
    platform: platformOperations(ctx),
  };
}
