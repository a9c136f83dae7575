import { existsSync, readFileSync } from "node:fs";
import { emptyState, type EmulatorState, type MachineRecord, type MachineState } from "./state";

/**
 * Where a machine caught mid-transition ends up when no target was recorded (state files written
 * before targets were kept). Starting and restarting machines were on their way up; an update may
 * have been of a stopped machine, which Fly leaves stopped, so updates settle stopped rather than
 * booting something that was not running.
 */
const SETTLED_FROM: Partial<Record<MachineState, MachineState>> = {
  starting: "started",
  restarting: "started",
  stopping: "stopped",
  suspending: "suspended",
  replacing: "stopped",
  updating: "stopped",
  destroying: "destroyed",
};

/**
 * Loads the world saved by `--state FILE`, or `undefined` when the file does not exist yet.
 * Fields added to the state since the file was written get their empty defaults. Timers do not
 * survive a restart, so machines that were mid-transition are settled into the state that
 * transition was leading to (see `settleTransitions`).
 */
export function readStateFile(path: string, nowMs: number): EmulatorState | undefined {
  if (!existsSync(path)) return undefined;
  let saved: Partial<EmulatorState>;
  try {
    saved = JSON.parse(readFileSync(path, "utf8")) as Partial<EmulatorState>;
  } catch (err) {
    throw new Error(
      `state file ${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); ` +
        "move it away to start with an empty world",
      { cause: err },
    );
  }
  const empty = emptyState();
  const state: EmulatorState = {
    ...empty,
    ...saved,
    counters: { ...empty.counters, ...saved.counters },
  };
  settleTransitions(state, nowMs);
  return state;
}

/**
 * Finishes every machine transition that was in flight when the state was saved: the machine
 * takes the state its transition was heading for, as if the timers had run. A machine that comes
 * up `started` has its health checks judged afresh from now; one that ends `destroyed` releases
 * its volumes and disappears after the usual grace period.
 */
export function settleTransitions(state: EmulatorState, nowMs: number): void {
  const at = new Date(nowMs).toISOString();
  for (const machine of Object.values(state.machines)) {
    const target = machine.transition_to ?? SETTLED_FROM[machine.state];
    delete machine.transition_to;
    if (target === undefined || target === machine.state) continue;
    machine.state = target;
    machine.updated_at = at;
    if (target === "started") booted(state, machine, nowMs);
    if (target === "destroyed") destroyed(state, machine, nowMs);
  }
}

/** A boot completes: checks start over and the process sees the app's current secrets. */
function booted(state: EmulatorState, machine: MachineRecord, nowMs: number): void {
  machine.checks_since = nowMs;
  if (!machine.skip_secrets)
    machine.booted_secrets_version = state.secrets[machine.app]?.version ?? 0;
}

function destroyed(state: EmulatorState, machine: MachineRecord, nowMs: number): void {
  machine.destroyed_at = nowMs;
  machine.checks = [];
  delete machine.lease;
  for (const volume of Object.values(state.volumes)) {
    if (volume.attached_machine_id === machine.id) volume.attached_machine_id = null;
  }
}
