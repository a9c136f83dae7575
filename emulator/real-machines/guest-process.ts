/**
 * The main process of a real machine, in a process group of its own (so the machine's whole
 * tree can be signalled and ended by the group id). When the main process exits, the rest of
 * the group is killed: on Fly the VM shuts down with it and nothing survives.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { ConsoleLog } from "./console-log";
import type { Confinement } from "./memory-limit";
import type { ProcessGuard } from "./process-guard";

/** How the main process ended. */
export interface GuestExit {
  /** The exit code, or 128 + the signal number when a signal ended it (as a shell reports it). */
  exitCode: number;
  /** The signal that ended it, if any (e.g. `SIGKILL`). */
  signal?: NodeJS.Signals;
  /** Whether the memory limit killed it. */
  oomKilled: boolean;
}

/** What a guest process is started with. */
export interface GuestSpawn {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  console: ConsoleLog;
  guard: ProcessGuard;
  /** The machine's memory limit: it watches the group and says whether it killed it. */
  confinement: Confinement;
}

/** A running guest process. */
export class GuestProcess {
  readonly pid: number;
  /** Resolves once the main process has exited and its group has been ended. */
  readonly exited: Promise<GuestExit>;
  private exit: GuestExit | undefined;
  private oomKilled = false;

  private constructor(child: ChildProcess, options: GuestSpawn) {
    this.pid = child.pid!;
    options.guard.watch(this.pid);
    options.confinement.watch(this.pid, () => this.killForMemory());
    child.stdout?.on("data", (chunk: Buffer) => options.console.write("stdout", chunk));
    child.stderr?.on("data", (chunk: Buffer) => options.console.write("stderr", chunk));
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        const exit: GuestExit = {
          exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
          ...(signal ? { signal } : {}),
          oomKilled: this.oomKilled || options.confinement.oomKilled(),
        };
        this.exit = exit;
        this.signalGroup("SIGKILL");
        options.guard.forget(this.pid);
        options.confinement.release();
        // Output still buffered in the pipes arrives before `close`.
        child.once("close", () => {
          options.console.flush();
          resolve(exit);
        });
      });
    });
  }

  /**
   * Starts `argv` in a new process group. Resolves once the process runs; rejects (with the
   * operating system's reason) when it cannot be started at all.
   */
  static start(options: GuestSpawn): Promise<GuestProcess> {
    return new Promise((resolve, reject) => {
      // Wrapped so that the process starts inside its memory cgroup, when one limits it.
      const [command, ...args] = options.confinement.wrap(options.argv);
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      child.once("error", (error) => {
        options.confinement.release();
        reject(error);
      });
      child.once("spawn", () => resolve(new GuestProcess(child, options)));
    });
  }

  /** Whether the main process is still running. */
  get running(): boolean {
    return this.exit === undefined;
  }

  /** Sends a signal to the main process alone (Fly's `/signal`, and its stop signal). */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // It exited in between.
    }
  }

  /** Sends a signal to every process of the machine's group. */
  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is already empty.
    }
  }

  /** Ends the machine because it ran out of memory: the exit will say `oom_killed`. */
  killForMemory(): void {
    this.oomKilled = true;
    this.signalGroup("SIGKILL");
  }

  /**
   * Stops the process as Fly stops a machine: `signal` to the main process, then SIGKILL to the
   * whole group if it has not exited after `timeoutMs`. Resolves with how it ended.
   */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<GuestExit> {
    if (this.running) {
      // A frozen (suspended) process must run again to act on the signal.
      this.signalGroup("SIGCONT");
      this.signal(signal);
      const timer = setTimeout(() => this.signalGroup("SIGKILL"), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}
