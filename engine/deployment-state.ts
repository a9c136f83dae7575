import type { PendingOperation, PendingOperationType, ResourceState } from "./engine-types";
import type { PropertyMap } from "./property-values";

/** What the state file holds: the resources and the provider operations begun and not ended. */
export interface Snapshot {
  readonly resources: readonly ResourceState[];
  readonly pendingOperations: readonly PendingOperation[];
}

/**
 * The stack's resources while an operation runs, saved after every change so the file always
 * describes what exists: a create is recorded the moment it succeeds, and the provider call it
 * makes is recorded as a pending operation before it is sent and cleared once it returns, as the
 * CLI's snapshot manager does (backend/snapshot.go `BeginMutation`/`End`).
 *
 * Ordering follows the snapshot manager: resources completed in this operation come first, in
 * completion order (the SDK only registers a resource after its dependencies, so this is a
 * dependency order), followed by the old resources not handled yet, in their old order.
 *
 * Pending operations: the previous run's `creating` operations are carried forward by every run
 * (only `refresh --clear-pending-creates` drops them, `SNAP Snap`); its other kinds vanish at the
 * first write.
 */
export class DeploymentState {
  private readonly completed: ResourceState[] = [];
  private readonly untouched: ResourceState[];
  private carried: PendingOperation[];
  private readonly running: PendingOperation[] = [];
  private frozen = false;

  constructor(
    initial: Snapshot,
    /** Writes the snapshot out; absent for previews, which never touch the state file. */
    private readonly persist?: (snapshot: Snapshot) => void,
  ) {
    this.untouched = [...initial.resources];
    this.carried = initial.pendingOperations.filter((operation) => operation.type === "creating");
  }

  /** Every resource, in dependency order. */
  all(): ResourceState[] {
    return [...this.completed, ...this.untouched];
  }

  /** The current (not pending-delete) resource with this URN. */
  live(urn: string): ResourceState | undefined {
    return this.all().find((resource) => resource.urn === urn && !resource.pendingDelete);
  }

  /** The operations a killed run would leave: the carried creates and those in flight now. */
  pendingOperations(): PendingOperation[] {
    return [...this.carried, ...this.running];
  }

  /** Records, and writes out, that a provider call about `resource` is about to be made. */
  beginOperation(type: PendingOperationType, resource: ResourceState): PendingOperation {
    const operation: PendingOperation = { type, resource };
    this.running.push(operation);
    this.save();
    return operation;
  }

  /**
   * Records that the call returned (whether it succeeded or not). A change of the resources that
   * ends the operation passes it along instead, so both are written at once.
   */
  endOperation(operation: PendingOperation | undefined): void {
    if (this.settle(operation)) this.save();
  }

  /** `--clear-pending-creates`: forgets the pending creates of earlier runs. */
  clearPendingCreates(): void {
    this.carried = [];
  }

  /**
   * Records a finished step's resource, replacing `previous` (the same object) if given;
   * `ending` is the provider operation the step recorded, now over. `write: false` (a same step
   * with nothing the file must record at once, see same-step-writes.ts) leaves the write to the
   * next change or the run's last write.
   */
  complete(
    resource: ResourceState,
    previous?: ResourceState,
    ending?: PendingOperation,
    write = true,
  ): void {
    if (previous !== undefined) this.detach(previous);
    this.completed.push(resource);
    this.settle(ending);
    if (write) this.save();
  }

  /**
   * Records a replacement's new resource in one write: a create-before-delete keeps `old` marked
   * for deletion; otherwise `old` (deleted already, pending replacement) leaves the state.
   */
  completeReplacement(
    next: ResourceState,
    old: ResourceState | undefined,
    keepOldForDelete: boolean,
    ending?: PendingOperation,
  ): void {
    if (old !== undefined) {
      this.detach(old);
      if (keepOldForDelete) this.completed.push({ ...old, pendingDelete: true });
    }
    this.complete(next, undefined, ending);
  }

  /** Keeps a resource deleted by a delete-before-replace until its replacement exists. */
  markPendingReplacement(old: ResourceState, ending?: PendingOperation): ResourceState {
    const marked: ResourceState = { ...old, pendingReplacement: true };
    this.replaceInPlace(old, marked, ending);
    return marked;
  }

  /** Drops a deleted resource (the same object as held here). */
  remove(resource: ResourceState, ending?: PendingOperation): void {
    this.detach(resource);
    this.settle(ending);
    this.save();
  }

  /** Swaps a resource for a new version of itself without moving it. */
  replaceInPlace(previous: ResourceState, next: ResourceState, ending?: PendingOperation): void {
    for (const list of [this.completed, this.untouched]) {
      const index = list.indexOf(previous);
      if (index >= 0) list[index] = next;
    }
    this.settle(ending);
    this.save();
  }

  /** Replaces every resource at once, keeping their order (a refresh rebuilding its base). */
  rebuild(resources: readonly ResourceState[]): void {
    this.completed.length = 0;
    this.untouched.splice(0, this.untouched.length, ...resources);
    this.save();
  }

  /** Stores `registerOutputs` (component and stack outputs). */
  setOutputs(urn: string, outputs: PropertyMap): void {
    const current = this.live(urn);
    if (current === undefined) throw new Error(`registerResourceOutputs: unknown resource ${urn}`);
    this.replaceInPlace(current, { ...current, outputs });
  }

  /** Writes the snapshot once more (every non-preview run writes at least once). */
  flush(): void {
    this.save();
  }

  /**
   * Stops all further writes: a terminated run (a second Ctrl-C) leaves the file as last written,
   * with the operations then in flight still pending.
   */
  freeze(): void {
    this.frozen = true;
  }

  private settle(operation: PendingOperation | undefined): boolean {
    const index = operation === undefined ? -1 : this.running.indexOf(operation);
    if (index >= 0) this.running.splice(index, 1);
    return index >= 0;
  }

  private detach(resource: ResourceState): void {
    for (const list of [this.completed, this.untouched]) {
      const index = list.indexOf(resource);
      if (index >= 0) list.splice(index, 1);
    }
  }

  private save(): void {
    if (this.frozen || this.persist === undefined) return;
    this.persist({ resources: this.all(), pendingOperations: this.pendingOperations() });
  }
}
