import type { Emulator } from "./emulator";
import { refreshChecks } from "./machine-checks";
import { restartPolicyOf } from "./machine-config-decoding";
import { runTransition, whileUndisturbed, type Step } from "./machine-transitions";
import { notifyMachineWatchers } from "./machine-watch";
import { detachVolumes } from "./mounts";
import type { MachineRecord } from "./state";

/*
 * Fly's machine state machine (machine-states docs). Every state entered records an event whose
 * type names the cause - `launch`, `start`, `stop`, `exit`, `suspend`, `restart`, `update`,
 * `destroy` - and whose source is `user` for the request itself and `flyd` for what follows:
 *   create   created -> starting -> started           (skip_launch: stays created)
 *   start    starting -> started                      (from created, stopped, suspended)
 *   stop     stopping -> stopped                      (an `exit` event with requested_stop)
 *   suspend  suspending -> suspended
 *   restart  restarting -> starting -> started
 *   update   replacing -> starting -> started         (not running before: replacing -> stopped)
 *   destroy  destroying -> destroyed                  (releases volume and lease)
 *   exit     stopped, then the restart policy: boot again, stay stopped, or auto_destroy
 */

function bootSteps(
  emulator: Emulator,
  machine: MachineRecord,
  afterMs: number,
  source: Step["source"],
) {
  const steps: Step[] = [
    {
      afterMs,
      state: "starting",
      type: "start",
      source,
      effect: () => captureSecrets(emulator, machine),
    },
    {
      afterMs: emulator.settings.bootMs,
      state: "started",
      type: "start",
      source: "flyd",
      effect: () => onStarted(emulator, machine),
    },
  ];
  return steps;
}

/** A booting machine reads the app's secrets as they are now; later writes need a restart/update. */
function captureSecrets(emulator: Emulator, machine: MachineRecord): void {
  if (machine.skip_secrets) delete machine.booted_secrets_version;
  else machine.booted_secrets_version = emulator.state.secrets[machine.app]?.version ?? 0;
}

function onStarted(emulator: Emulator, machine: MachineRecord): void {
  machine.checks_since = emulator.now();
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
      processExited(emulator, machine, fault.exit_code ?? 1),
    );
  }
}

/**
 * The main process exited on its own: Fly records an `exit` event and applies the restart policy.
 * `always` restarts, `on-failure` (the default) restarts after a non-zero exit, each up to
 * `max_retries` times; otherwise the machine stays stopped, or is destroyed if `auto_destroy` is set.
 */
export function processExited(emulator: Emulator, machine: MachineRecord, exitCode: number): void {
  const { policy, maxRetries } = restartPolicyOf(machine.config);
  const count = machine.restart_count ?? 0;
  const wants = policy === "always" || (policy !== "no" && exitCode !== 0);
  const restarting = wants && count < maxRetries;
  const exit: Step = {
    afterMs: 0,
    state: "stopped",
    type: "exit",
    source: "flyd",
    request: {
      exit_event: {
        exit_code: exitCode,
        guest_exit_code: exitCode,
        oom_killed: false,
        requested_stop: false,
        restarting,
        exited_at: emulator.isoNow(),
      },
      restart_count: count,
    },
  };
  if (restarting) {
    machine.restart_count = count + 1;
    runTransition(emulator, machine, [
      exit,
      ...bootSteps(emulator, machine, emulator.settings.transitionMs, "flyd"),
    ]);
  } else if (machine.config.auto_destroy === true) {
    runTransition(emulator, machine, [
      exit,
      ...destroySteps(emulator, machine, "flyd", emulator.settings.transitionMs),
    ]);
  } else {
    runTransition(emulator, machine, [{ ...exit, effect: () => (machine.stopped_by_exit = true) }]);
  }
}

function destroySteps(
  emulator: Emulator,
  machine: MachineRecord,
  source: Step["source"],
  afterMs = 0,
) {
  const finish = () => {
    machine.destroyed_at = emulator.now();
    delete machine.lease;
    detachVolumes(emulator, machine.id);
  };
  const steps: Step[] = [
    { afterMs, state: "destroying", type: "destroy", source },
    {
      afterMs: emulator.settings.transitionMs,
      state: "destroyed",
      type: "destroy",
      source: "flyd",
      effect: finish,
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

/** A user start (from created, stopped or suspended). */
export function startMachine(emulator: Emulator, machine: MachineRecord): void {
  machine.restart_count = 0;
  runTransition(emulator, machine, bootSteps(emulator, machine, 0, "user"));
}

/** A user stop: the process is asked to exit, and the machine reports `stopped` when it has. */
export function stopMachine(emulator: Emulator, machine: MachineRecord): void {
  const wasRunning = isRunning(machine);
  const exit_event = { exit_code: 0, oom_killed: false, requested_stop: true, restarting: false };
  runTransition(emulator, machine, [
    { afterMs: 0, state: "stopping", type: "stop", source: "user" },
    wasRunning
      ? {
          afterMs: emulator.settings.transitionMs,
          state: "stopped",
          type: "exit",
          source: "flyd",
          request: { exit_event },
        }
      : { afterMs: emulator.settings.transitionMs, state: "stopped", type: "stop", source: "flyd" },
  ]);
}

/** A user suspend: the VM's memory is snapshotted and the machine reports `suspended`. */
export function suspendMachine(emulator: Emulator, machine: MachineRecord): void {
  runTransition(emulator, machine, [
    { afterMs: 0, state: "suspending", type: "suspend", source: "user" },
    {
      afterMs: emulator.settings.transitionMs,
      state: "suspended",
      type: "suspend",
      source: "flyd",
    },
  ]);
}

/** A user restart of a started machine: it passes through `restarting`, then boots again. */
export function restartMachine(emulator: Emulator, machine: MachineRecord): void {
  machine.restart_count = 0;
  runTransition(emulator, machine, [
    { afterMs: 0, state: "restarting", type: "restart", source: "user" },
    ...bootSteps(emulator, machine, emulator.settings.transitionMs, "flyd"),
  ]);
}

/**
 * An update installed a new version: the machine is `replacing`, then boots the new version if it
 * was running (and `skip_launch` was not asked), else is left `stopped` as Fly does.
 */
export function replaceMachine(emulator: Emulator, machine: MachineRecord, boot: boolean): void {
  machine.restart_count = 0;
  const replacing: Step = { afterMs: 0, state: "replacing", type: "update", source: "user" };
  const after = emulator.settings.transitionMs;
  runTransition(emulator, machine, [
    replacing,
    ...(boot
      ? bootSteps(emulator, machine, after, "flyd")
      : [{ afterMs: after, state: "stopped", type: "update", source: "flyd" } satisfies Step]),
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
