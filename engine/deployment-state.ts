import type { ResourceState } from "./engine-types";
import type { PropertyMap } from "./property-values";

/**
 * The stack's resources while an operation runs, saved after every change so the file always
 * describes what exists: a create is recorded the moment it succeeds, an in-flight one never is.
 *
 * Ordering follows the CLI's snapshot manager: resources completed in this operation come first,
 * in completion order (the SDK only registers a resource after its dependencies, so this is a
 * dependency order), followed by the old resources not handled yet, in their old order.
 */
export class DeploymentState {
  private readonly completed: ResourceState[] = [];
  private readonly untouched: ResourceState[];

  constructor(
    initial: readonly ResourceState[],
    /** Writes the resources out; absent for previews, which never touch the state file. */
    private readonly persist?: (resources: readonly ResourceState[]) => void,
  ) {
    this.untouched = [...initial];
  }

  /** Every resource, in dependency order. */
  all(): ResourceState[] {
    return [...this.completed, ...this.untouched];
  }

  /** The current (not pending-delete) resource with this URN. */
  live(urn: string): ResourceState | undefined {
    return this.all().find((resource) => resource.urn === urn && !resource.pendingDelete);
  }

  /** Records a finished step's resource, replacing `previous` (the same object) if given. */
  complete(resource: ResourceState, previous?: ResourceState): void {
    if (previous !== undefined) this.detach(previous);
    this.completed.push(resource);
    this.save();
  }

  /** Keeps the old instance of a create-before-delete replacement, marked for deletion. */
  markPendingDelete(old: ResourceState): ResourceState {
    const pending: ResourceState = { ...old, pendingDelete: true };
    this.detach(old);
    this.completed.push(pending);
    this.save();
    return pending;
  }

  /** Drops a deleted resource (the same object as held here). */
  remove(resource: ResourceState): void {
    this.detach(resource);
    this.save();
  }

  /** Swaps a resource for its refreshed version without moving it. */
  replaceInPlace(previous: ResourceState, next: ResourceState): void {
    for (const list of [this.completed, this.untouched]) {
      const index = list.indexOf(previous);
      if (index >= 0) list[index] = next;
    }
    this.save();
  }

  /** Stores `registerOutputs` (component and stack outputs). */
  setOutputs(urn: string, outputs: PropertyMap): void {
    const current = this.live(urn);
    if (current === undefined) throw new Error(`registerResourceOutputs: unknown resource ${urn}`);
    this.replaceInPlace(current, { ...current, outputs });
  }

  private detach(resource: ResourceState): void {
    for (const list of [this.completed, this.untouched]) {
      const index = list.indexOf(resource);
      if (index >= 0) list.splice(index, 1);
    }
  }

  private save(): void {
    this.persist?.(this.all());
  }
}
