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
import { isFlyApiError } from "../fly-client/fly-api-error";

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
