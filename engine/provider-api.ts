import type { PropertyMap } from "./property-values";

/** A Check failure as the provider reported it. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** Check's answer: the inputs to use from now on, or why they are invalid. */
export interface CheckResult {
  readonly inputs: PropertyMap;
  readonly failures: readonly CheckFailure[];
}

/** Diff's answer in the engine's terms (`unknown` means "the provider did not say"). */
export interface DiffResult {
  readonly changes: "none" | "some" | "unknown";
  readonly replaceKeys: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/** Create's answer. */
export interface CreateResult {
  readonly id: string;
  readonly outputs: PropertyMap;
}

/** Read's answer; an empty `id` means the resource no longer exists. */
export interface ReadResult {
  readonly id: string;
  readonly outputs: PropertyMap;
  readonly inputs?: PropertyMap;
}

/** The old state a provider needs to diff, update, read or delete a resource. */
export interface ExistingResource {
  readonly urn: string;
  readonly id: string;
  readonly inputs: PropertyMap;
  readonly outputs: PropertyMap;
}

/**
 * What a Read starts from: a refresh passes the stored inputs and outputs; an import (the `import`
 * option) only the id, with both maps absent from the request, as the engine sends it.
 */
export interface ReadTarget {
  readonly urn: string;
  readonly id: string;
  readonly inputs?: PropertyMap;
  readonly outputs?: PropertyMap;
}

/**
 * A resource provider as the engine drives it. Values carry secrets as sentinels in both
 * directions; an implementation that cannot take secrets strips them on the way in and restores
 * secretness on the way out, as the engine's provider plugin layer does.
 */
export interface ResourceProvider {
  /** Validates and normalizes new inputs (`olds` are the previous inputs, `{}` for a create). */
  check(urn: string, olds: PropertyMap, news: PropertyMap, preview: boolean): Promise<CheckResult>;
  /** Compares an existing resource with its new inputs. */
  diff(old: ExistingResource, news: PropertyMap, preview: boolean): Promise<DiffResult>;
  /** Creates the resource; never called during a preview. */
  create(urn: string, inputs: PropertyMap): Promise<CreateResult>;
  /** Updates in place and returns the new outputs; never called during a preview. */
  update(old: ExistingResource, news: PropertyMap): Promise<PropertyMap>;
  /** Reads the live resource (refresh, import). */
  read(target: ReadTarget): Promise<ReadResult>;
  /** Deletes the resource. */
  delete(old: ExistingResource): Promise<void>;
  /**
   * The Cancel RPC: the engine sends it when an operation is cancelled and when it shuts the
   * provider down. A provider that has nothing to abort ignores it.
   */
  cancel?(): Promise<void>;
}

/**
 * A provider call that failed. `initFailure` is set for a partial create: the provider made the
 * resource but it did not initialize (the SDK's `ErrorResourceInitFailed`).
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly initFailure?: {
      readonly id: string;
      readonly outputs: PropertyMap;
      readonly reasons: readonly string[];
    },
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
