/**
 * How a machine on Fly differs from what the stack declares, read live: its configuration and
 * marks, its state and its checks. `diff` reads it so that `up` (and a preview) sees what happened
 * behind the stack's back or what an interrupted run left, without a refresh first; `update`
 * reads it again and converges from what is there.
 */
import type { Machine } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { isManaged, marksOf } from "./machine-api-config";
import {
  differingKeys,
  flyConfigDiffers,
  isStartedAndHealthy,
  machineOutputs,
  recordedUnhealthy,
} from "./machine-outputs";
import type { FlyMachineOutputs } from "./machine-outputs";
import { mountedVolume, specOf } from "./machine-normal-form";
import {
  foreignRefusal,
  judgeOwnership,
  STACK_MARKER_KEY,
  type Ownership,
} from "../provider-kit/ownership";

/**
 * The diff between the recorded machine and the program's, before Fly is asked: Fly cannot
 * move, rename or re-home a machine, nor swap its volume, so those replace it; any other
 * difference in what Fly runs, a new health budget or update protection, or a machine last
 * recorded stopped or failing its checks (Pulumi keeps no other trace of it) is an update.
 */
export function declaredDiff(olds: FlyMachineOutputs, news: FlyMachineInputs) {
  const replaces: string[] = [];
  if (olds.app !== news.app) replaces.push("app");
  if (olds.name !== news.name) replaces.push("name");
  if (olds.region !== news.region) replaces.push("region");
  if (mountedVolume(olds) !== mountedVolume(news)) replaces.push("mounts");
  // Names are unique per app and a volume attaches to one machine: a replacement that keeps
  // either must remove the old machine before the new one can exist.
  const sameName = olds.app === news.app && olds.name === news.name;
  const sameVolume =
    mountedVolume(olds) !== undefined && mountedVolume(olds) === mountedVolume(news);
  const changes =
    replaces.length > 0 ||
    flyConfigDiffers(olds, news) ||
    olds.healthTimeoutSeconds !== news.healthTimeoutSeconds ||
    olds.snapshotBeforeUpdate !== news.snapshotBeforeUpdate ||
    olds.rehearseUpgrades !== news.rehearseUpgrades ||
    recordedUnhealthy(olds);
  return {
    changes,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && (sameName || sameVolume),
  };
}

/** What differs on Fly from the declared machine. */
export interface LiveDrift {
  /** Spec keys and marks (`stack`, `volumeSizeGb`) whose live value is not the declared one. */
  readonly keys: readonly string[];
  /** Whether the machine runs with every check passing. */
  readonly healthy: boolean;
  /** The live state, and the checks' summary when some fail. */
  readonly state: string;
  readonly checks: string;
}

/** Whether a machine is gone for every purpose (or on its way out). */
export function isGone(machine: Machine | undefined): boolean {
  return machine === undefined || machine.state === "destroyed" || machine.state === "destroying";
}

/** How `live` differs from the declared `news`. */
export function liveDrift(live: Machine, news: FlyMachineInputs): LiveDrift {
  const seen = machineOutputs(news, live);
  const hasChecks = Object.keys(specOf(news).checks ?? {}).length > 0;
  const failing = (live.checks ?? []).filter((check) => check.status !== "passing");
  return {
    keys: differingKeys(seen, news),
    healthy: isStartedAndHealthy(live, hasChecks),
    state: live.state,
    checks: failing.map((check) => `check "${check.name}" is ${check.status}`).join(", "),
  };
}

/** Whether the drift asks for any change at all. */
export function hasDrift(drift: LiveDrift): boolean {
  return drift.keys.length > 0 || !drift.healthy;
}

/** `machine 148e is stopped; its image and env differ from the program's`, for progress lines. */
export function describeDrift(id: string, drift: LiveDrift): string {
  const parts: string[] = [];
  if (drift.state !== "started") parts.push(`machine ${id} is ${drift.state}`);
  else if (!drift.healthy) {
    parts.push(`machine ${id} is not healthy (${drift.checks || "no check results"})`);
  }
  if (drift.keys.length > 0) {
    const keys = drift.keys.join(", ");
    parts.push(`${parts.length > 0 ? "its" : `machine ${id}'s`} ${keys} differ from the program's`);
  }
  return parts.join("; ");
}

/**
 * Why the stack may not take or change `live`, or undefined when it may: a machine without the
 * managed marker was not made by these providers; one marked by another stack is that stack's.
 */
export function machineRefusal(
  live: Machine,
  ownership: Ownership,
  where: { app: string; name: string },
): string | undefined {
  const config = live.config ?? {};
  const marks = marksOf(config);
  if (!isManaged(config) && marks.stack === undefined) {
    return (
      `a machine named "${where.name}" already exists in app ${where.app} (id ${live.id}) ` +
      `without the openclaw-fly markers, so it was not created by openclaw-fly; ` +
      `refusing to take it over: destroy it or choose another name`
    );
  }
  const verdict = judgeOwnership(ownership, marks.stack === undefined ? [] : [marks.stack]);
  if (verdict.kind !== "foreign") return undefined;
  return foreignRefusal(
    `machine ${live.id} (${where.name}) in app ${where.app}`,
    verdict.owner,
    ownership,
    `its metadata ${STACK_MARKER_KEY} names it`,
  );
}
