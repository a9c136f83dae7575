/**
 * The part every Fly resource provider shares. `configure()` keeps the stack config the provider
 * host hands over; each method then runs its work through `call(name, work)`, which gives it
 * progress lines labelled for the resource, the tuning in effect and the options of the clients
 * it builds (token and URL resolved now, never captured), and names the resource in anything it
 * throws.
 */
import type * as pulumi from "@pulumi/pulumi";
import { hasKind, isFlyApiError } from "../fly-client/fly-api-error";
import type { FlyClientOptions } from "../fly-client/fly-client";
import { progressFor, resourceLabel, type Progress } from "./progress";
import {
  flyClientOptions,
  readTuning,
  type ConfigSource,
  type ProviderTuning,
} from "./provider-settings";

/** What one call of a provider method works with. */
export interface FlyCall {
  /** Writes a progress line about this resource. */
  readonly progress: Progress;
  readonly tuning: ProviderTuning;
  /** Options for the client factories (`createAppClient`, ...). */
  readonly options: FlyClientOptions;
}

/** The base of every provider that calls Fly. */
export abstract class FlyProvider {
  private config: ConfigSource | undefined;

  /**
   * @param resourceType how errors name the resource, e.g. `FlyMachine`
   * @param progressKind how progress lines name it, e.g. `machine` (`[fly:machine gw-iad] ...`)
   */
  protected constructor(
    private readonly resourceType: string,
    private readonly progressKind: string,
  ) {}

  /** Keeps the stack config; the host calls this once before any other method. */
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = request.config;
  }

  /**
   * Runs `work` for the resource called `name`; what it throws is prefixed with
   * `<resourceType> <name>: ` (a partly created resource's error passes through as it is).
   */
  protected call<T>(name: string, work: (call: FlyCall) => Promise<T>): Promise<T> {
    return withContext(`${this.resourceType} ${name}`, () => {
      const progress = progressFor(resourceLabel(this.progressKind, name));
      const tuning = readTuning(this.config);
      return work({ progress, tuning, options: flyClientOptions(this.config, tuning, progress) });
    });
  }
}

/**
 * An error telling Pulumi the resource exists (it has an id and these outputs) but did not
 * become ready: the engine records it, so the next `up` updates it instead of creating another.
 *
 * The dynamic-provider host stores these properties as given, and later loads the provider for
 * Read and Delete through the `__provider` stub they hold. So it is copied here from the inputs
 * the host passed: without it, the stack could no longer refresh, destroy or replace the resource.
 */
export function initFailure(inputs: object, id: string, outputs: object, reason: string): Error {
  const code = (inputs as { __provider?: unknown }).__provider;
  return Object.assign(new Error(reason), {
    id,
    properties: code === undefined ? outputs : { ...outputs, __provider: code },
    reasons: [reason],
  });
}

/**
 * The message of anything thrown, without its stack. A Fly API answer also names the request and
 * its status (and Fly's request id, for Fly support); the token never appears in any of it.
 */
export function describeError(error: unknown): string {
  // A lease the client gave up waiting for is already described in full (holder, expiry, wait).
  if (isFlyApiError(error) && error.status !== 0 && !hasKind(error, "client.lease_held")) {
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
