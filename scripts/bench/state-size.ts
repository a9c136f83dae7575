/**
 * How much a stack's state weighs, and how much of it is `__provider`: each dynamic resource
 * stores what names its provider there, in the inputs and again in the outputs, and Pulumi sends
 * it with every provider call. Loaded providers keep it to a stub; copied ones (states written
 * before) hold the provider's code and everything it reaches.
 */
import { readFileSync } from "node:fs";

/** The weight of one resource type in the state. */
export interface ResourceTypeSize {
  /** The type without the `pulumi-nodejs:dynamic/` prefix, e.g. `fly:FlyMachine`. */
  readonly type: string;
  readonly count: number;
  /** Bytes of one resource's `__provider` (largest seen). */
  readonly providerBytes: number;
  /** Bytes of one resource's entry in the state file (largest seen), `__provider` included. */
  readonly resourceBytes: number;
}

/** The weight of a whole state file. */
export interface StateSize {
  readonly totalBytes: number;
  readonly resources: number;
  /** Bytes of `__provider` in the whole file (every copy). */
  readonly providerBytes: number;
  readonly byType: readonly ResourceTypeSize[];
}

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";

/** Measures the state file at `file`. */
export function measureStateFile(file: string): StateSize {
  const text = readFileSync(file, "utf8");
  return measureState(text);
}

/**
 * Measures state file text: every resource's entry, and the `__provider` strings of its inputs
 * and outputs. Sorted by type name.
 */
export function measureState(text: string): StateSize {
  const parsed = JSON.parse(text) as { resources?: unknown };
  const resources = Array.isArray(parsed.resources) ? (parsed.resources as StoredResource[]) : [];
  const byType = new Map<string, ResourceTypeSize>();
  let allProviderBytes = 0;
  for (const resource of resources) {
    const type = String(resource.type).replace(DYNAMIC_PREFIX, "");
    const copies = [resource.inputs, resource.outputs].map((props) => providerFieldBytes(props));
    allProviderBytes += copies[0] + copies[1];
    const previous = byType.get(type);
    byType.set(type, {
      type,
      count: (previous?.count ?? 0) + 1,
      providerBytes: Math.max(previous?.providerBytes ?? 0, ...copies),
      resourceBytes: Math.max(
        previous?.resourceBytes ?? 0,
        Buffer.byteLength(JSON.stringify(resource)),
      ),
    });
  }
  return {
    totalBytes: Buffer.byteLength(text),
    resources: resources.length,
    providerBytes: allProviderBytes,
    byType: [...byType.values()].sort((a, b) => a.type.localeCompare(b.type)),
  };
}

interface StoredResource {
  type?: unknown;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

function providerFieldBytes(props: Record<string, unknown> | undefined): number {
  const provider = props?.__provider;
  if (provider === undefined) return 0;
  // A provider that captured a secret is stored encrypted: count the stored form.
  return Buffer.byteLength(typeof provider === "string" ? provider : JSON.stringify(provider));
}
