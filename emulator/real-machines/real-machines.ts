/**
 * Real machines: a machine whose image is an OpenClaw image runs the gateway of that version as
 * a child process, with its command, environment, files, volume and secrets, as Fly would run it.
 * The machine lifecycle (machine-lifecycle.ts) drives this class: boot, halt, freeze and thaw;
 * this class reports back when a process started, failed to start, or exited by itself.
 */
import type { RuntimeOptions } from "../../gateway-runtime/runtime-install";
import type { Emulator } from "../emulator";
import type { MachineRecord } from "../state";
import { ConsoleLog } from "./console-log";
import { openclawVersionOf } from "./guest-image";
import type { GuestExit, GuestProcess } from "./guest-process";
import { HealthProber } from "./health-probes";
import { launchGuest } from "./machine-launch";
import { MachineFolders } from "./machine-folders";
import { memoryLimiter, type MemoryLimiter, type MemoryLimitMode } from "./memory-limit";
import { killOnExit, ProcessGuard } from "./process-guard";
import { DEFAULT_STOP, stopSettings, type HaltRequest } from "./stop-settings";

export type { HaltRequest } from "./stop-settings";

/** Options of real machines (`startEmulator({ realMachines })`, `--real-machines`). */
export interface RealMachinesOptions {
  /** Folder for machines, volumes and snapshots (see MachineFolders). */
  root: string;
  /** Where gateway runtimes are found and whether a missing one is installed on first use. */
  runtime?: Pick<RuntimeOptions, "cacheDir" | "pinsDir" | "install">;
  /** Receives the emulator's own log lines about real machines (installs, failures). */
  onLog?: (line: string) => void;
  /**
   * How `guest.memory_mb` is enforced on each machine's process tree (see memory-limit.ts):
   * `auto` (the default) uses a memory cgroup where one is writable, else the watchdog.
   */
  memoryLimit?: MemoryLimitMode;
}

/** One machine's process and what runs with it. */
interface MachineRun {
  /** Bumped by every boot and halt: a boot whose number is stale was cancelled. */
  generation: number;
  guest?: GuestProcess;
  prober?: HealthProber;
  /** Whether the current process was asked to stop (so its exit is no crash). */
  halting: boolean;
  frozen: boolean;
  lastExit?: GuestExit;
}

/** The real machines of one emulator. */
export class RealMachines {
  readonly folders: MachineFolders;
  /** How machines' memory is limited. */
  readonly memory: MemoryLimiter;
  private readonly guard = new ProcessGuard();
  private readonly machines = new Map<string, MachineRun>();
  private readonly consoles = new Map<string, ConsoleLog>();

  constructor(
    private readonly emulator: Emulator,
    readonly options: RealMachinesOptions,
    private readonly onExit: (machine: MachineRecord, exit: GuestExit) => void,
  ) {
    this.folders = new MachineFolders(options.root);
    this.memory = memoryLimiter(options.memoryLimit ?? "auto", undefined, this.guard);
    options.onLog?.(`real machines: memory limited by ${this.memory.mechanism}`);
    killOnExit(() => this.close());
  }

  /** Whether a machine runs for real: its image is an OpenClaw image. */
  runs(machine: MachineRecord): boolean {
    return openclawVersionOf(String(machine.config.image)) !== undefined;
  }

  /** A machine's console (created empty when first asked for). */
  console(machineId: string): ConsoleLog {
    let log = this.consoles.get(machineId);
    if (!log) {
      log = new ConsoleLog(this.folders.consoleLog(machineId), () => this.emulator.now());
      this.consoles.set(machineId, log);
    }
    return log;
  }

  /**
   * Boots a machine: its runtime (installed on first use), a fresh rootfs with its files, its
   * volume, its loopback ports, then its process. Calls `started` once the process runs, or
   * `failed` with the reason when the machine cannot start. A halt during the boot cancels it.
   */
  boot(machine: MachineRecord, started: () => void, failed: (reason: string) => void): void {
    const run = this.run(machine.id);
    const generation = ++run.generation;
    const current = () => run.generation === generation;
    this.launch(machine, run, current).then(
      (guest) => {
        if (!guest) return;
        if (!current()) {
          guest.signalGroup("SIGKILL");
          return;
        }
        started();
      },
      (error: Error) => {
        if (!current()) return;
        this.log(machine, `failed to start: ${error.message}`);
        this.console(machine.id).runner(`Error: ${error.message}`);
        failed(error.message);
      },
    );
  }

  private async launch(
    machine: MachineRecord,
    run: MachineRun,
    current: () => boolean,
  ): Promise<GuestProcess | undefined> {
    const guest = await launchGuest(machine, {
      folders: this.folders,
      guard: this.guard,
      memory: this.memory,
      console: this.console(machine.id),
      secrets: machine.skip_secrets ? undefined : this.emulator.secretValues?.of(machine.app),
      runtime: this.options.runtime ?? {},
      log: (message) => this.log(machine, message),
      current,
    });
    if (!guest) return undefined;
    run.guest = guest;
    run.frozen = false;
    // A halt that came while it was being spawned: it ends at once, and its exit is no crash.
    run.halting = !current();
    void guest.exited.then((exit) => this.exited(machine, run, guest, exit));
    return guest;
  }

  private exited(machine: MachineRecord, run: MachineRun, guest: GuestProcess, exit: GuestExit) {
    if (run.guest !== guest) return;
    run.guest = undefined;
    run.lastExit = exit;
    run.prober?.stop();
    run.prober = undefined;
    const output = this.console(machine.id);
    if (exit.oomKilled) output.runner("Process appears to have been OOM killed!");
    output.runner(
      exit.signal
        ? `Main child exited with signal (with signal '${exit.signal}', core dumped? false)`
        : `Main child exited normally with code: ${exit.exitCode}`,
    );
    if (!run.halting && this.emulator.state.machines[machine.id] === machine) {
      this.onExit(machine, exit);
    }
    run.halting = false;
  }

  /** Starts probing a machine's checks (it has just started). */
  startChecks(machine: MachineRecord): void {
    const run = this.run(machine.id);
    run.prober?.stop();
    run.prober = new HealthProber(
      machine,
      machine.local_ports ?? {},
      () => this.emulator.now(),
      () => this.emulator.changed(),
    );
    run.prober.start();
  }

  /**
   * Asks a machine's process to stop with its kill signal (the request's, else `stop_config`'s,
   * else SIGINT), and kills its group after the timeout (else `stop_config`'s, else 5 s). Cancels
   * a boot in progress. `whenHalted` hears when it is gone.
   */
  halt(machine: MachineRecord, request: HaltRequest = {}): void {
    const run = this.run(machine.id);
    run.generation += 1;
    run.prober?.stop();
    run.prober = undefined;
    const guest = run.guest;
    if (!guest) return;
    run.halting = true;
    const { signal, timeoutMs } = stopSettings(machine, request);
    this.console(machine.id).runner(`Sending signal ${signal} to main child`);
    void guest.stop(signal, timeoutMs);
  }

  /** Calls `done` once the machine has no process (at once when it has none). */
  whenHalted(machine: MachineRecord, done: (exit: GuestExit | undefined) => void): void {
    const run = this.run(machine.id);
    if (!run.guest) {
      done(run.lastExit);
      return;
    }
    void run.guest.exited.then((exit) => done(exit));
  }

  /** Suspends a machine: its processes are frozen where they are (SIGSTOP). */
  freeze(machine: MachineRecord): void {
    const run = this.run(machine.id);
    run.prober?.stop();
    run.prober = undefined;
    if (!run.guest) return;
    run.guest.signalGroup("SIGSTOP");
    run.frozen = true;
  }

  /** Resumes a suspended machine's frozen processes; false when there is nothing to resume. */
  thaw(machine: MachineRecord): boolean {
    const run = this.run(machine.id);
    if (!run.guest || !run.frozen) return false;
    run.guest.signalGroup("SIGCONT");
    run.frozen = false;
    return true;
  }

  /** Sends a signal to a machine's main process (Fly's `/signal`); false without a process. */
  signal(machine: MachineRecord, signal: NodeJS.Signals): boolean {
    const guest = this.run(machine.id).guest;
    if (!guest) return false;
    guest.signal(signal);
    return true;
  }

  /** Ends a destroyed machine's process at once and removes its folder. */
  forget(machineId: string): void {
    const run = this.machines.get(machineId);
    run?.prober?.stop();
    if (run?.guest) {
      run.halting = true;
      run.guest.signalGroup("SIGKILL");
      void run.guest.exited.then(() => this.folders.removeMachine(machineId));
    } else {
      this.folders.removeMachine(machineId);
    }
    this.machines.delete(machineId);
  }

  /**
   * A deleted app: its machines' processes are killed at once (Fly's forced app delete), then
   * their folders, its volumes and its snapshots are removed. Resolves when all of that is done.
   */
  async forgetApp(machineIds: string[], volumeIds: string[], snapshotIds: string[]) {
    const exits = machineIds.map((id) => this.machines.get(id)?.guest?.exited);
    for (const id of machineIds) this.forget(id);
    await Promise.all(exits);
    for (const id of machineIds) this.folders.removeMachine(id);
    for (const id of volumeIds) this.folders.removeVolume(id);
    for (const id of snapshotIds) this.folders.removeSnapshot(id);
  }

  /**
   * Stops every process gracefully (each machine's kill signal, at most `capMs` before SIGKILL)
   * and ends the guard. Machines keep their state: with `--state`, the next emulator boots the
   * ones that were started again.
   */
  async shutdown(capMs = 10_000): Promise<void> {
    const stopping = [...this.machines.entries()].map(async ([id, run]) => {
      run.generation += 1;
      run.prober?.stop();
      const guest = run.guest;
      if (!guest) return;
      run.halting = true;
      const machine = this.emulator.state.machines[id];
      const settings = machine ? stopSettings(machine, {}) : DEFAULT_STOP;
      await guest.stop(settings.signal, Math.min(settings.timeoutMs, capMs));
    });
    await Promise.all(stopping);
    this.memory.close();
    this.guard.close();
  }

  /** Kills every process at once (a reset; `close` for the emulator's end). Synchronous. */
  killAll(): void {
    for (const run of this.machines.values()) {
      run.generation += 1;
      run.prober?.stop();
      if (run.guest) {
        run.halting = true;
        run.guest.signalGroup("SIGKILL");
      }
    }
  }

  /**
   * The emulator's end, at once: every process killed, and the guard told to finish (it removes
   * the memory cgroup folders once the processes are gone). Synchronous, for exit hooks.
   */
  close(): void {
    this.killAll();
    this.memory.close();
    this.guard.close();
  }

  /** The process id of a machine's main process, while it runs. */
  pidOf(machineId: string): number | undefined {
    const guest = this.machines.get(machineId)?.guest;
    return guest?.running ? guest.pid : undefined;
  }

  /** The number of machines whose process is running (for tests and the demo). */
  get runningCount(): number {
    return [...this.machines.values()].filter((run) => run.guest?.running).length;
  }

  private run(machineId: string): MachineRun {
    let run = this.machines.get(machineId);
    if (!run) {
      run = { generation: 0, halting: false, frozen: false };
      this.machines.set(machineId, run);
    }
    return run;
  }

  private log(machine: MachineRecord, message: string): void {
    this.options.onLog?.(
      `machine ${machine.id} (app ${machine.app}, region ${machine.region}): ${message}`,
    );
  }
}
