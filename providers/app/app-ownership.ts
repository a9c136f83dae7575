/**
 * Whose an existing app is, as Fly shows it: the app's marker secret names its stack; an app
 * without one (made before the marker existed) is judged by the stack its machines name. Read
 * before an app is created or adopted, at preview (`check`) and again at `up` (`create`).
 */
import type { App } from "../fly-client/fly-client";
import { createAppsClient } from "../fly-client/app-operations";
import type { FlyClientOptions } from "../fly-client/connection";
import { createMachinesClient } from "../fly-client/machine-operations";
import { createSecretsClient } from "../fly-client/secret-operations";
import { MANAGED_MARKER_KEY } from "../machine/machine-normal-form";
import {
  appMarkerName,
  appMarkerStacks,
  foreignRefusal,
  judgeOwnership,
  STACK_MARKER_KEY,
  type Ownership,
  type OwnershipVerdict,
} from "../provider-kit/ownership";

/** An existing app, what marks it, and the verdict for the asking stack. */
export interface AppStanding {
  readonly app: App;
  readonly verdict: OwnershipVerdict;
  /** Where the mark was read, for messages (`its secret OPENCLAW_FLY_STACK_...`). */
  readonly evidence: string;
}

/** The app's standing for `ownership`, or undefined when no app of that name exists. */
export async function readAppStanding(
  options: FlyClientOptions,
  name: string,
  ownership: Ownership,
): Promise<AppStanding | undefined> {
  const app = await createAppsClient(options).getOrUndefined(name);
  if (app === undefined) return undefined;
  const secretNames = (await createSecretsClient(options).list(name)).map((s) => s.name);
  const marked = appMarkerStacks(secretNames);
  if (marked.length > 0) {
    const verdict = judgeOwnership(ownership, marked);
    const shown = verdict.kind === "foreign" ? verdict.owner : marked[0];
    return { app, verdict, evidence: `its secret ${appMarkerName(shown)} names it` };
  }
  // No marker secret: the machines of an app made before markers existed still name their stack.
  const machines = (await createMachinesClient(options).list(name)).filter(
    (m) => m.state !== "destroyed" && m.state !== "destroying",
  );
  const named = machines.flatMap((m) => {
    const stack = m.config?.metadata?.[STACK_MARKER_KEY];
    return stack === undefined ? [] : [{ stack, machine: m }];
  });
  const verdict = judgeOwnership(
    ownership,
    named.map((n) => n.stack),
  );
  const witness = named.find((n) => verdict.kind !== "foreign" || n.stack === verdict.owner);
  const evidence =
    witness === undefined
      ? unmarkedEvidence(machines.some((m) => m.config?.metadata?.[MANAGED_MARKER_KEY] === "true"))
      : `its machine ${witness.machine.name ?? witness.machine.id} (${witness.machine.id}) names it`;
  return { app, verdict, evidence };
}

function unmarkedEvidence(olderMachines: boolean): string {
  return olderMachines
    ? "no stack marks it; its machines were made by an older openclaw-fly"
    : "no stack marks it";
}

/**
 * Why `standing` keeps the asking stack from taking the app: another organization's app of
 * that name, or one marked by another stack. Undefined when the app may be adopted.
 */
export function appRefusal(
  standing: AppStanding,
  wanted: { name: string; org: string },
  ownership: Ownership,
): string | undefined {
  const org = standing.app.organization?.slug;
  if (org !== wanted.org) {
    return (
      `the app name "${wanted.name}" is taken by an app in organization ${org ?? "(unknown)"}, ` +
      `not ${wanted.org}: app names are global, choose another`
    );
  }
  const { verdict } = standing;
  if (verdict.kind !== "foreign") return undefined;
  return foreignRefusal(`the app ${wanted.name}`, verdict.owner, ownership, standing.evidence);
}
