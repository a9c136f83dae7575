import type { ResourceState } from "./engine-types";

/**
 * The dependency graph a snapshot encodes (pkg/resource/graph/dependency_graph.go), over a list of
 * resources in snapshot (topological) order. A resource's edges: `dependencies`, property
 * dependencies and `deletedWith`; its parent counts where the Go code says so.
 */

/** The URNs a resource depends on directly, its parent excluded (`GetAllDependencies`). */
export function directDependencies(resource: ResourceState): Set<string> {
  const urns = new Set<string>(resource.dependencies);
  for (const list of Object.values(resource.propertyDependencies)) {
    for (const urn of list) urns.add(urn);
  }
  if (resource.deletedWith) urns.add(resource.deletedWith);
  return urns;
}

/**
 * `DependingOn(root, ignore, includeChildren = false)`: every later resource that depends on the
 * root, directly or through another such resource, in snapshot order. Children are not followed.
 */
export function dependingOn(
  resources: readonly ResourceState[],
  root: ResourceState,
  ignore: ReadonlySet<string>,
): ResourceState[] {
  const start = resources.indexOf(root);
  if (start < 0) return [];
  const dependentUrns = new Set([root.urn]);
  const dependents: ResourceState[] = [];
  for (const candidate of resources.slice(start + 1)) {
    if (ignore.has(candidate.urn)) continue;
    if ([...directDependencies(candidate)].some((urn) => dependentUrns.has(urn))) {
      dependents.push(candidate);
      dependentUrns.add(candidate.urn);
    }
  }
  return dependents;
}

/**
 * `DependenciesOf`: the earlier resources a resource depends on, its parent included; when a
 * dependency is a component, its earlier transitive children count too.
 */
export function dependenciesOf(
  resources: readonly ResourceState[],
  resource: ResourceState,
): Set<ResourceState> {
  const result = new Set<ResourceState>();
  const wanted = directDependencies(resource);
  const index = resources.indexOf(resource);
  for (let i = index - 1; i >= 0; i--) {
    const candidate = resources[i]!;
    if (wanted.has(candidate.urn)) {
      result.add(candidate);
      if (!candidate.custom) {
        for (const child of transitiveChildren(resources, candidate.urn)) {
          if (resources.indexOf(child) < index) result.add(child);
        }
      }
    }
    if (candidate.urn === resource.parent) result.add(candidate);
  }
  return result;
}

/**
 * `TransitiveDependenciesOf`: everything a resource depends on, directly or indirectly, its parents
 * included. A URN held both by a resource pending deletion and a live one resolves to the one of
 * the same kind as the resource asking.
 */
export function transitiveDependenciesOf(
  resources: readonly ResourceState[],
  resource: ResourceState,
): Set<ResourceState> {
  const lookup = (from: ResourceState, urn: string) => {
    const matches = resources.filter((candidate) => candidate.urn === urn);
    const sameKind = matches.find((m) => Boolean(m.pendingDelete) === Boolean(from.pendingDelete));
    return sameKind ?? matches[0];
  };
  const result = new Set<ResourceState>();
  const visit = (from: ResourceState) => {
    const urns = directDependencies(from);
    if (from.parent) urns.add(from.parent);
    for (const urn of urns) {
      const dependency = lookup(from, urn);
      if (dependency === undefined || result.has(dependency)) continue;
      result.add(dependency);
      visit(dependency);
    }
  };
  visit(resource);
  return result;
}

function transitiveChildren(resources: readonly ResourceState[], urn: string): ResourceState[] {
  const children: ResourceState[] = [];
  const parents = new Set([urn]);
  for (const candidate of resources) {
    if (parents.has(candidate.parent)) {
      children.push(candidate);
      parents.add(candidate.urn);
    }
  }
  return children;
}
