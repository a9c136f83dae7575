import type { Emulator } from "./emulator";
import { refreshChecks } from "./machine-checks";
import { restartPolicyOf } from "./machine-config-decoding";
import { runTransition, whileUndisturbed, type Step } from "./machine-transitions";
import { notifyMachineWatchers } from "./machine-watch";
import { detachVolumes } from "./mounts";
import type { GuestExit } from "./real-machines/guest-process";
import type { HaltRequest, RealMachines } from "./real-machines/real-machines";
import type { MachineRecord } from "./state";

/*
 * Fly's machine state machine (machine-states docs). Every state entered records an event whose
 * type names the cause - `launch`, `start`, `stop`, `exit`, `suspend`, `restart`, `update`,
 * `destroy` - and whose source is `user` for the request itself and `flyd` for what follows:
 *   create   created -> starting -> started           (skip_launch: stays created)
 *   start    starting -> started                      (from created, stopped, suspended, failed)
 *   stop     stopping -> stopped                      (an `exit` event with requested_stop)
 *   suspend  suspending -> suspended
 *   restart  restarting -> starting -> started
 *   update   replacing -> starting -> started         (not running before: replacing -> stopped)
 *   destroy  destroying -> destroyed                  (releases volume and lease)
 *   exit     stopped, then the restart policy: boot again, stay stopped, or auto_destroy
 *   no boot  starting -> failed                       (real machines that cannot start)
 *
 * A simulated machine moves on the emulator's timers. A real machine (an OpenClaw image with
 * real machines on) moves with its process: `started` once the process runs, `stopped` once it
 * has exited, its checks are real probes, and a process that exits by itself is an exit.
 */

/** The real-machine runtime of a machine, or undefined when it is simulated. */
function realOf(emulator: Emulator, machine: MachineRecord): RealMachines | undefined {
  return emulator.real?.runs(machine) ? emulator.real : undefined;
}

/** The `exit_event` Fly records for an exit, from the real process's exit when there is one. */
function exitEvent(
  emulator: Emulator,
  exit: GuestExit | undefined,
  fields: { requested_stop: boolean; restarting: boolean },
): Record<string, unknown> {
  const code = exit?.exitCode ?? 0;
  // A signal's number, only when one ended the process (its exit code is then 128 + it).
  const signal = exit?.signal ? { signal: code - 128, guest_signal: code - 128 } : {};
  return {
    exit_code: code,
    guest_exit_code: code,
    ...signal,
    oom_killed: exit?.oomKilled ?? false,
    ...fields,
    exited_at: emulator.isoNow(),
  };
}

function bootSteps(
  emulator: Emulator,
  machine: MachineRecord,
  afterMs: number,
  source: Step["source"],
) {
  const real = realOf(emulator, machine);
  const steps: Step[] = [
    {
      afterMs,
      state: "starting",
      type: "start",
      source,
      effect: () => captureSecrets(emulator, machine),
      // A real machine boots only once the previous process is gone.
      until: real && ((proceed) => real.whenHalted(machine, () => proceed())),
    },
    {
      afterMs: real ? 0 : emulator.settings.bootMs,
      state: "started",
      type: "start",
      source: "flyd",
      effect: () => onStarted(emulator, machine),
      until:
        real &&
        ((proceed) =>
          real.boot(machine, proceed, (reason) => bootFailed(emulator, machine, reason))),
    },
  ];
  return steps;
}

/** A real machine that could not start (no runtime, a port in use, ...) ends up `failed`. */
function bootFailed(emulator: Emulator, machine: MachineRecord, reason: string): void {
  runTransition(emulator, machine, [
    { afterMs: 0, state: "failed", type: "start", source: "flyd", request: { error: reason } },
  ]);
}

/** A booting machine reads the app's secrets as they are now; later writes need a restart/update. */
function captureSecrets(emulator: Emulator, machine: MachineRecord): void {
  if (machine.skip_secrets) delete machine.booted_secrets_version;
  else machine.booted_secrets_version = emulator.state.secrets[machine.app]?.version ?? 0;
}

function onStarted(emulator: Emulator, machine: MachineRecord): void {
  machine.checks_since = emulator.now();
  const real = realOf(emulator, machine);
  if (real) {
    real.startChecks(machine);
    return;
  }
  refreshChecks(emulator, machine);
  whileUndisturbed(emulator, machine, emulator.settings.checksMs, () => {
    refreshChecks(emulator, machine);
    notifyMachineWatchers(emulator);
  });
  const fault = emulator.faults.worldFault("exit_after_start", {
    image: String(machine.config.image),
  });
  if (fault) {
    whileUndisturbed(emulator, machine, emulator.settings.transitionMs, () =>
      processExited(emulator, machine, { exitCode: fault.exit_code ?? 1, oomKilled: false }),
    );
  }
}

/**
 * The main process exited on its own: Fly records an `exit` event and applies the restart policy.
 * `always` restarts, `on-failure` (the default) restarts after a non-zero exit or an
 * out-of-memory kill, each up to `max_retries` times; otherwise the machine stays stopped, or is
 * destroyed if `auto_destroy` is set.
 */
export function processExited(emulator: Emulator, machine: MachineRecord, exit: GuestExit): void {
  const { policy, maxRetries } = restartPolicyOf(machine.config);
  const count = machine.restart_count ?? 0;
  const failedExit = exit.exitCode !== 0 || exit.oomKilled;
  const wants = policy === "always" || (policy !== "no" && failedExit);
  const restarting = wants && count < maxRetries;
  const step: Step = {
    afterMs: 0,
    state: "stopped",
    type: "exit",
    source: "flyd",
    request: {
      exit_event: exitEvent(emulator, exit, { requested_stop: false, restarting }),
      restart_count: count,
    },
  };
  if (restarting) {
    machine.restart_count = count + 1;
    runTransition(emulator, machine, [
      step,
      ...bootSteps(emulator, machine, emulator.settings.transitionMs, "flyd"),
    ]);
  } else if (machine.config.auto_destroy === true) {
    runTransition(emulator, machine, [
      step,
      ...destroySteps(emulator, machine, "flyd", emulator.settings.transitionMs),
    ]);
  } else {
    runTransition(emulator, machine, [{ ...step, effect: () => (machine.stopped_by_exit = true) }]);
  }
}

function destroySteps(
  emulator: Emulator,
  machine: MachineRecord,
  source: Step["source"],
  afterMs = 0,
) {
  const real = realOf(emulator, machine);
  const finish = () => {
    machine.destroyed_at = emulator.now();
    delete machine.lease;
    detachVolumes(emulator, machine.id);
    real?.forget(machine.id);
  };
  const steps: Step[] = [
    { afterMs, state: "destroying", type: "destroy", source, effect: () => real?.halt(machine) },
    {
      afterMs: real ? 0 : emulator.settings.transitionMs,
      state: "destroyed",
      type: "destroy",
      source: "flyd",
      effect: finish,
      until: real && ((proceed) => real.whenHalted(machine, () => proceed())),
    },
  ];
  return steps;
}

/** A new machine: `created` at once, then it boots unless `skip_launch` asked it not to. */
export function launchMachine(emulator: Emulator, machine: MachineRecord, skipLaunch: boolean) {
  const launch: Step = { afterMs: 0, state: "created", type: "launch", source: "user" };
  const boot = skipLaunch
    ? []
    : bootSteps(emulator, machine, emulator.settings.transitionMs, "flyd");
  runTransition(emulator, machine, [launch, ...boot]);
}

/**
 * A user start (from created, stopped, suspended or failed). A suspended real machine resumes
 * its frozen processes; with nothing to resume (the emulator restarted meanwhile) it boots anew,
 * as Fly falls back to a cold boot when a snapshot cannot be resumed.
 */
export function startMachine(emulator: Emulator, machine: MachineRecord): void {
  machine.restart_count = 0;
  const real = realOf(emulator, machine);
  if (real && machine.state === "suspended" && real.thaw(machine)) {
    runTransition(emulator, machine, [
      { afterMs: 0, state: "starting", type: "start", source: "user" },
      {
        afterMs: 0,
        state: "started",
        type: "start",
        source: "flyd",
        effect: () => onStarted(emulator, machine),
      },
    ]);
    return;
  }
  runTransition(emulator, machine, bootSteps(emulator, machine, 0, "user"));
}

/**
 * A user stop: the process is sent the kill signal (the request's, else `stop_config`'s), and the
 * machine reports `stopped` once it has exited (killed after the timeout if it does not).
 */
export function stopMachine(
  emulator: Emulator,
  machine: MachineRecord,
  request: HaltRequest = {},
): void {
  const real = realOf(emulator, machine);
  const wasRunning = isRunning(machine) || machine.state === "suspended";
  const requested = { requested_stop: true, restarting: false };
  // A suspended machine's snapshot is discarded, not asked to shut down.
  const halt = machine.state === "suspended" ? { signal: "SIGKILL", timeout: 0 } : request;
  runTransition(emulator, machine, [
    {
      afterMs: 0,
      state: "stopping",
      type: "stop",
      source: "user",
      effect: () => real?.halt(machine, halt),
    },
    wasRunning
      ? {
          afterMs: real ? 0 : emulator.settings.transitionMs,
          state: "stopped",
          type: "exit",
          source: "flyd",
          // What the simulated process reports; a real one's exit replaces it.
          request: { exit_event: { exit_code: 0, oom_killed: false, ...requested } },
          until:
            real &&
            ((proceed) =>
              real.whenHalted(machine, (exit) =>
                proceed({ exit_event: exitEvent(emulator, exit, requested) }),
              )),
        }
      : { afterMs: emulator.settings.transitionMs, state: "stopped", type: "stop", source: "flyd" },
  ]);
}

/** A user suspend: the VM's memory is snapshotted (a real machine's processes are frozen). */
export function suspendMachine(emulator: Emulator, machine: MachineRecord): void {
  const real = realOf(emulator, machine);
  runTransition(emulator, machine, [
    {
      afterMs: 0,
      state: "suspending",
      type: "suspend",
      source: "user",
      effect: () => real?.freeze(machine),
    },
    {
      afterMs: real ? 0 : emulator.settings.transitionMs,
      state: "suspended",
      type: "suspend",
      source: "flyd",
    },
  ]);
}

/** A user restart of a started machine: it passes through `restarting`, then boots again. */
export function restartMachine(
  emulator: Emulator,
  machine: MachineRecord,
  request: HaltRequest = {},
): void {
  machine.restart_count = 0;
  const real = realOf(emulator, machine);
  runTransition(emulator, machine, [
    {
      afterMs: 0,
      state: "restarting",
      type: "restart",
      source: "user",
      effect: () => real?.halt(machine, request),
    },
    ...bootSteps(emulator, machine, real ? 0 : emulator.settings.transitionMs, "flyd"),
  ]);
}

/**
 * An update installed a new version: the machine is `replacing`, then boots the new version if it
 * was running (and `skip_launch` was not asked), else is left `stopped` as Fly does.
 */
export function replaceMachine(emulator: Emulator, machine: MachineRecord, boot: boolean): void {
  machine.restart_count = 0;
  const real = realOf(emulator, machine);
  // The old version's process ends even when the new version's image is not a real one.
  const halting = emulator.real;
  const replacing: Step = {
    afterMs: 0,
    state: "replacing",
    type: "update",
    source: "user",
    effect: () => halting?.halt(machine),
  };
  const after = real ? 0 : emulator.settings.transitionMs;
  runTransition(emulator, machine, [
    replacing,
    ...(boot
      ? bootSteps(emulator, machine, after, "flyd")
      : [
          {
            afterMs: after,
            state: "stopped",
            type: "update",
            source: "flyd",
            until: halting && ((proceed) => halting.whenHalted(machine, () => proceed())),
          } satisfies Step,
        ]),
  ]);
}

/** Whether a machine is running or on its way to running (what an update keeps running). */
export function isRunning(machine: MachineRecord): boolean {
  return machine.state === "started" || machine.transition_to === "started";
}

/** A user destroy: `destroying`, then `destroyed`, releasing its volume and lease. */
export function destroyMachine(emulator: Emulator, machine: MachineRecord): void {
  runTransition(emulator, machine, destroySteps(emulator, machine, "user"));
}

/**
 * After an emulator restart with `--state`, real machines that were started have no process:
 * they boot again, as Fly machines come back after their host restarts.
 */
export function rebootRealMachines(emulator: Emulator): void {
  for (const machine of Object.values(emulator.state.machines)) {
    if (machine.state !== "started" || !realOf(emulator, machine)) continue;
    runTransition(emulator, machine, bootSteps(emulator, machine, 0, "flyd"));
  }
}
