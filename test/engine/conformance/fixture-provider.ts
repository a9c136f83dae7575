import type { PropertyMap } from "../../../engine/property-values";
import {
  ProviderError,
  type CheckResult,
  type CreateResult,
  type DiffResult,
  type ExistingResource,
  type ReadResult,
  type ReadTarget,
  type ResourceProvider,
} from "../../../engine/provider-api";

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** One call a fixture provider received, with what it was given. */
export interface ProviderCall {
  readonly method: "check" | "diff" | "create" | "update" | "read" | "delete" | "cancel";
  /** The resource's name (last part of its URN). */
  readonly name: string;
  readonly id?: string;
  readonly olds?: PropertyMap;
  readonly news?: PropertyMap;
  readonly inputs?: PropertyMap;
  readonly outputs?: PropertyMap;
  readonly preview?: boolean;
}

/** How a fixture provider answers, per call; anything left out behaves as described on each. */
export interface FixtureBehaviour {
  /** Default: the new inputs, no failures. */
  check?(name: string, olds: PropertyMap, news: PropertyMap): CheckResult;
  /** Default: DIFF_UNKNOWN (a dynamic provider without `diff`). `olds` are the old OUTPUTS. */
  diff?(name: string, olds: PropertyMap, news: PropertyMap): DiffResult;
  /** Default: id `<name>-<n>`, outputs = inputs. */
  create?(name: string, inputs: PropertyMap, id: string): CreateResult;
  /** Default: outputs = new inputs. */
  update?(name: string, olds: PropertyMap, news: PropertyMap): PropertyMap;
  /** Default: what the world holds for the id (id "" when it is gone), no inputs. */
  read?(name: string, target: ReadTarget, live: PropertyMap | undefined): ReadResult;
}

/**
 * An in-process resource provider for conformance tests: it answers at once (unless a call is
 * held), keeps a tiny world of live resources by id (tests change it to simulate drift), and
 * records every call in order, with its arguments, for exact assertions.
 */
export class FixtureProvider implements ResourceProvider {
  readonly calls: ProviderCall[] = [];
  /** The live resources by id, as the provider's backing system would hold them. */
  readonly world = new Map<string, PropertyMap>();
  /** The most calls of one kind (create/update/delete) that were in flight at once. */
  maxInFlight = 0;
  /** The most Check and Diff calls in flight at once. */
  maxChecksInFlight = 0;
  private inFlight = 0;
  private checksInFlight = 0;
  private created = 0;
  private readonly holds = new Map<string, { reached: () => void; released: Promise<void> }>();

  constructor(private readonly behaviour: FixtureBehaviour = {}) {}

  /** `"create a"`, `"diff b"`: the calls in order, compactly. */
  get log(): string[] {
    return this.calls.map((call) => `${call.method} ${call.name}`);
  }

  /**
   * Holds the next `method` call for `name` until released: `reached` resolves when it starts.
   * Counting events this way needs no timing.
   */
  hold(
    method: ProviderCall["method"],
    name: string,
  ): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const started = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(`${method} ${name}`, { reached, released });
    return { reached: started, release };
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap, preview: boolean) {
    const name = nameOf(urn);
    return this.serialCall({ method: "check", name, olds, news, preview }, () =>
      this.behaviour.check
        ? this.behaviour.check(name, olds, news)
        : { inputs: news, failures: [] },
    );
  }

  async diff(old: ExistingResource, news: PropertyMap, preview: boolean): Promise<DiffResult> {
    const name = nameOf(old.urn);
    const call = {
      method: "diff",
      name,
      id: old.id,
      olds: old.outputs,
      inputs: old.inputs,
      news,
      preview,
    } as const;
    return this.serialCall(call, () =>
      this.behaviour.diff
        ? this.behaviour.diff(name, old.outputs, news)
        : { changes: "unknown", replaceKeys: [], deleteBeforeReplace: false },
    );
  }

  async create(urn: string, inputs: PropertyMap): Promise<CreateResult> {
    const name = nameOf(urn);
    return this.mutatingCall({ method: "create", name, inputs }, () => {
      const id = `${name}-${++this.created}`;
      const result = this.behaviour.create
        ? this.behaviour.create(name, inputs, id)
        : { id, outputs: { ...inputs } };
      this.world.set(result.id, result.outputs);
      return result;
    });
  }

  async update(old: ExistingResource, news: PropertyMap): Promise<PropertyMap> {
    const name = nameOf(old.urn);
    return this.mutatingCall(
      { method: "update", name, id: old.id, olds: old.outputs, news },
      () => {
        const outputs = this.behaviour.update
          ? this.behaviour.update(name, old.outputs, news)
          : { ...news };
        this.world.set(old.id, outputs);
        return outputs;
      },
    );
  }

  async read(target: ReadTarget): Promise<ReadResult> {
    const name = nameOf(target.urn);
    const call: ProviderCall = {
      method: "read",
      name,
      id: target.id,
      ...(target.inputs ? { inputs: target.inputs } : {}),
      ...(target.outputs ? { outputs: target.outputs } : {}),
    };
    return this.mutatingCall(call, () => {
      const live = this.world.get(target.id);
      if (this.behaviour.read) return this.behaviour.read(name, target, live);
      return live === undefined ? { id: "", outputs: {} } : { id: target.id, outputs: live };
    });
  }

  async delete(old: ExistingResource): Promise<void> {
    await this.mutatingCall(
      { method: "delete", name: nameOf(old.urn), id: old.id, outputs: old.outputs },
      () => {
        this.world.delete(old.id);
      },
    );
  }

  async cancel(): Promise<void> {
    this.calls.push({ method: "cancel", name: "" });
  }

  private async serialCall<T>(call: ProviderCall, answer: () => T): Promise<T> {
    this.calls.push(call);
    this.checksInFlight += 1;
    this.maxChecksInFlight = Math.max(this.maxChecksInFlight, this.checksInFlight);
    try {
      // Give any other Check or Diff a chance to start meanwhile (it must not).
      await new Promise((resolve) => setImmediate(resolve));
      await this.gate(call);
      return answer();
    } finally {
      this.checksInFlight -= 1;
    }
  }

  private async mutatingCall<T>(call: ProviderCall, answer: () => T): Promise<T> {
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate(call);
      return answer();
    } finally {
      this.inFlight -= 1;
    }
  }

  private async gate(call: ProviderCall): Promise<void> {
    const key = `${call.method} ${call.name}`;
    const held = this.holds.get(key);
    if (held === undefined) return;
    this.holds.delete(key);
    held.reached();
    await held.released;
  }
}

/** A partial failure as the dynamic host reports one: the resource exists but did not initialize. */
export function initFailure(id: string, outputs: PropertyMap, reasons: string[]): ProviderError {
  return new ProviderError(reasons.join("; "), { id, outputs, reasons });
}
