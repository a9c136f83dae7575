import type { Emulator } from "./emulator";
import { ulid } from "./ids";
import { refreshChecks } from "./machine-checks";
import { notifyMachineWatchers } from "./machine-watch";
import type { MachineEventRecord, MachineRecord, MachineState } from "./state";

/** States a machine only passes through (Fly's machine-states page). */
export const TRANSIENT_STATES: ReadonlySet<MachineState> = new Set<MachineState>([
  "starting",
  "stopping",
  "restarting",
  "suspending",
  "replacing",
  "updating",
  "destroying",
]);

/** How many events a machine keeps; the events endpoint serves at most 50. */
const MAX_EVENTS = 50;

/** One step of an asynchronous transition: after `afterMs`, the machine enters `state`. */
export interface Step {
  afterMs: number;
  state: MachineState;
  /** The event recorded on entry (`launch`, `start`, `stop`, `exit`, `update`, ...). */
  type: string;
  source: "user" | "flyd";
  request?: Record<string, unknown>;
  effect?: () => void;
  /**
   * For steps that follow a real process rather than a timer: the step is entered only when
   * `proceed` is called (a process started, or exited), with fields to add to the event's
   * `request`. `live` says whether the transition is still the machine's current one.
   */
  until?: (proceed: (request?: Record<string, unknown>) => void, live: () => boolean) => void;
}

/** Appends an event to a machine's log (kept oldest first; the API serves newest first). */
export function recordEvent(
  emulator: Emulator,
  machine: MachineRecord,
  event: Omit<MachineEventRecord, "id" | "timestamp">,
): MachineEventRecord {
  const now = emulator.now();
  const { type, status, source, request } = event;
  const record: MachineEventRecord = {
    id: ulid(now),
    type,
    status,
    source,
    timestamp: now,
    ...(request ? { request } : {}),
  };
  machine.events.push(record);
  if (machine.events.length > MAX_EVENTS)
    machine.events.splice(0, machine.events.length - MAX_EVENTS);
  return record;
}

function live(emulator: Emulator, machine: MachineRecord, seq: number): boolean {
  return emulator.state.machines[machine.id] === machine && machine.transition_seq === seq;
}

function enter(emulator: Emulator, machine: MachineRecord, step: Step): void {
  machine.state = step.state;
  machine.updated_at = emulator.isoNow();
  if (step.state !== "started") delete machine.checks_since;
  if (step.state !== "stopped") delete machine.stopped_by_exit;
  refreshChecks(emulator, machine);
  const { type, source, request } = step;
  recordEvent(emulator, machine, {
    type,
    status: step.state,
    source,
    ...(request ? { request } : {}),
  });
}

/**
 * Runs a chain of states on the emulator's timers, superseding any transition in flight: Fly's state
 * changes are asynchronous, so an API call returns while the machine is still on its way and clients
 * must observe the transient states. A step with `afterMs` 0 is entered before the call returns.
 */
export function runTransition(emulator: Emulator, machine: MachineRecord, steps: Step[]): void {
  const seq = (machine.transition_seq ?? 0) + 1;
  machine.transition_seq = seq;
  machine.transition_to = steps[steps.length - 1].state;
  const isLive = () => live(emulator, machine, seq);
  const enterStep = (i: number, request?: Record<string, unknown>): void => {
    const last = i === steps.length - 1;
    if (last) delete machine.transition_to;
    const step = request ? { ...steps[i], request: { ...steps[i].request, ...request } } : steps[i];
    enter(emulator, machine, step);
    steps[i].effect?.();
    notifyMachineWatchers(emulator);
    if (!last && isLive()) emulator.schedule(steps[i + 1].afterMs, () => run(i + 1));
  };
  const run = (i: number): void => {
    if (!isLive()) return;
    const gate = steps[i].until;
    if (!gate) return enterStep(i);
    gate((request) => {
      if (!isLive()) return;
      enterStep(i, request);
      emulator.changed();
    }, isLive);
  };
  if (steps[0].afterMs <= 0) run(0);
  else emulator.schedule(steps[0].afterMs, () => run(0));
}

/** Runs `fn` later unless another transition starts first (used for things a running VM does). */
export function whileUndisturbed(
  emulator: Emulator,
  machine: MachineRecord,
  ms: number,
  fn: () => void,
) {
  const seq = machine.transition_seq ?? 0;
  emulator.schedule(ms, () => {
    if (live(emulator, machine, seq)) fn();
  });
}
