/**
 * What a dynamic provider's `read` works from.
 *
 * Pulumi calls `read` only to refresh a resource, with the state it recorded for it. It cannot
 * import a dynamic resource by id: the `import` option and `pulumi import` read with no state,
 * and the dynamic-provider host, which loads the provider code from that state, fails before any
 * provider code runs. Existing Fly resources come under a stack by adoption instead: a create
 * takes over a resource of the wanted name these providers made.
 */

/**
 * The recorded state `read` was given.
 *
 * @throws Error naming the resource kind when there is none (only an import could get here).
 */
export function recordedState<T>(resource: string, props: T | undefined): T {
  if (props === undefined || props === null || Object.keys(props).length === 0) {
    throw new Error(
      `${resource}: read needs the state Pulumi recorded for the resource; dynamic resources ` +
        "cannot be imported by id, they are adopted by name when created",
    );
  }
  return props;
}
