import { isDeepStrictEqual } from "node:util";
import type { ResourceState } from "./engine-types";

/**
 * Whether a same step's new state differs from its old one in a way the state file must record at
 * once, as `sameSnapshotMutation.mustWrite` decides in pkg/backend/snapshot.go: its identity and
 * kind, its lifecycle options, its parent, its inputs and outputs, or its dependencies (in any
 * order). Anything else (init errors, the other options the program restates) is metadata that
 * rides along with the run's next write; the run's last write records every resource as it ended.
 * A no-op `up` of 41 resources thus writes the file once instead of 42 times.
 *
 * This engine keeps no provider reference, custom timeouts or resource hooks per resource (every
 * resource is served by the one default dynamic provider), so those comparisons have nothing to
 * compare.
 */
export function sameStepMustWrite(old: ResourceState, next: ResourceState): boolean {
  return (
    old.urn !== next.urn ||
    old.type !== next.type ||
    old.custom !== next.custom ||
    old.retainOnDelete !== next.retainOnDelete ||
    old.parent !== next.parent ||
    old.deletedWith !== next.deletedWith ||
    old.protect !== next.protect ||
    !isDeepStrictEqual(old.inputs, next.inputs) ||
    !isDeepStrictEqual(old.outputs, next.outputs) ||
    !isDeepStrictEqual(sorted(old.dependencies), sorted(next.dependencies))
  );
}

function sorted(urns: readonly string[]): string[] {
  return [...urns].sort();
}
