/**
 * Which stack a Fly resource belongs to, read back from Fly itself.
 *
 * Fly keeps no free-form labels on apps or volumes, so each mark lives where the Machines API
 * lets a reader find it again:
 * - a machine carries its stack in `config.metadata` (`openclaw-fly/stack`);
 * - an app carries it in the name of an app secret, `OPENCLAW_FLY_STACK_<hex of the stack>`:
 *   secret names are listed to any reader while values never are, so the name itself must say it;
 * - a volume belongs to its app, and while it is attached, to the stack of its machine.
 *
 * A stack is named `<project>/<stack>` by the program (`pulumi.getProject()` and
 * `pulumi.getStack()`, which only the program process knows: inside the provider host the stack
 * is always "stack"). A resource marked by another stack is refused unless the stack names that
 * one in its take-over setting; one marked by no stack was made by an older version of these
 * providers (or by hand, for an app) and is adopted and marked.
 */
import { TAKE_OVER_KEY } from "../../rules/provider-config-keys";

/** Machine metadata key naming the stack the machine belongs to. */
export const STACK_MARKER_KEY = "openclaw-fly/stack";

/** Start of the name of the app secret whose name carries the app's stack. */
export const APP_MARKER_PREFIX = "OPENCLAW_FLY_STACK_";

/** The stack a resource is declared in, and the stack it may take resources over from. */
export interface Ownership {
  /** `<project>/<stack>` of the declaring stack. */
  readonly stack: string;
  /** `<project>/<stack>` whose marked resources this stack may take over, if any. */
  readonly takeOverFrom?: string;
}

/** What a marker says about a resource, judged for one stack. */
export type OwnershipVerdict =
  | { readonly kind: "ours" }
  /** Marked by no stack: made by an older version of these providers, or by hand. */
  | { readonly kind: "unmarked" }
  /** Marked by the stack `takeOverFrom` names: this stack takes it over. */
  | { readonly kind: "taken-over"; readonly from: string }
  /** Marked by another stack: refused. */
  | { readonly kind: "foreign"; readonly owner: string };

/** The name of the app secret marking an app as `stack`'s (the stack's UTF-8 bytes as hex). */
export function appMarkerName(stack: string): string {
  return APP_MARKER_PREFIX + Buffer.from(stack, "utf8").toString("hex").toUpperCase();
}

/** The stack an app secret's name marks the app for, or undefined when it is no marker. */
export function stackOfAppMarker(name: string): string | undefined {
  if (!name.startsWith(APP_MARKER_PREFIX)) return undefined;
  const hex = name.slice(APP_MARKER_PREFIX.length);
  if (hex === "" || !/^([0-9A-F]{2})+$/.test(hex)) return undefined;
  return Buffer.from(hex, "hex").toString("utf8");
}

/** The stacks named by the marker secrets among an app's secret names, sorted. */
export function appMarkerStacks(secretNames: readonly string[]): string[] {
  return secretNames
    .map(stackOfAppMarker)
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * The verdict for a resource whose markers name `marked` (none, or several stacks, which only a
 * take-over in progress leaves). A stack other than ours and the take-over source wins: the
 * resource is refused.
 */
export function judgeOwnership(ownership: Ownership, marked: readonly string[]): OwnershipVerdict {
  const others = marked.filter((stack) => stack !== ownership.stack);
  const foreign = others.find((stack) => stack !== ownership.takeOverFrom);
  if (foreign !== undefined) return { kind: "foreign", owner: foreign };
  if (others.length > 0) return { kind: "taken-over", from: others[0] };
  return marked.length > 0 ? { kind: "ours" } : { kind: "unmarked" };
}

/**
 * The refusal of a resource that belongs to another stack: it names both stacks and the setting
 * that takes the resource over on purpose (in the project's config namespace).
 *
 * @param what the resource, e.g. `the app my-app` or `machine 148e (gateway-iad) in app my-app`
 * @param evidence where the mark was read, e.g. `its secret OPENCLAW_FLY_STACK_...`
 */
export function foreignRefusal(
  what: string,
  owner: string,
  ownership: Ownership,
  evidence: string,
): string {
  const project = ownership.stack.split("/")[0];
  return (
    `${what} belongs to stack ${owner} (${evidence}), not to this stack ${ownership.stack}: ` +
    `refusing to take it over. Two stacks that share an app would undo each other's changes. ` +
    `To move it to this stack on purpose, run \`pulumi config set ${project}:${TAKE_OVER_KEY} ` +
    `${owner}\` here and stop deploying it from ${owner}`
  );
}

/** Whether `stack` has the `<project>/<stack>` shape the program gives stack identities. */
export function stackIdentityProblem(stack: string): string | undefined {
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\-/]+$/.test(stack)
    ? undefined
    : `must be a stack as <project>/<stack>, e.g. openclaw-fly/prod`;
}
