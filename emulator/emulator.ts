import { writeFileSync, renameSync } from "node:fs";
import { notFound } from "./api-errors";
import { ManualClock, WallClock, type EmulatorClock } from "./emulator-clock";
import { FaultBook } from "./faults";
import { RealMachines, type RealMachinesOptions } from "./real-machines/real-machines";
import type { GuestExit } from "./real-machines/guest-process";
import { RateLimiter } from "./rate-limit";
import { RequestLog } from "./request-log";
import { SecretValues } from "./machine-secret-values";
import { readStateFile } from "./state-file";
import { emptyState, type AppRecord, type EmulatorState, type MachineRecord } from "./state";

/** Timing and behaviour knobs. Every duration is in milliseconds. */
export interface EmulatorSettings {
  /** The token clients must present (`Bearer <token>` or `FlyV1 <token>`). */
  token: string;
  /** Added before every API response, to imitate a real network round trip. */
  latencyMs: number;
  /** How long a machine takes from `starting` to `started`. */
  bootMs: number;
  /** How long after `started` a machine's checks report passing. */
  checksMs: number;
  /** How long other transitions take (stopping, suspending, destroying, replacing). */
  transitionMs: number;
  /** Whether Fly's per-action rate limits answer 429. */
  rateLimit: boolean;
  /**
   * Whether time stands still until `POST /__emulator/clock` moves it (see `emulator-clock.ts`),
   * for tests whose outcome must not depend on how busy the machine is.
   */
  manualClock: boolean;
  /** Where the world is persisted, if anywhere. */
  statePath?: string;
  /**
   * Machines whose image is an OpenClaw image run the real gateway as a child process (see
   * `real-machines/`); other images, and every machine without this, are simulated.
   */
  realMachines?: RealMachinesOptions;
}

/**
 * What happens when a real machine's process exits by itself (machine-lifecycle's
 * `processExited`), passed in so this file need not depend on the lifecycle.
 */
export type ExitHandler = (emulator: Emulator, machine: MachineRecord, exit: GuestExit) => void;

/**
 * The emulated Fly platform: the world's state plus the clock, timers, faults, request log and rate
 * limiter that route handlers act through. One instance per running emulator.
 */
export class Emulator {
  state: EmulatorState;
  readonly faults = new FaultBook();
  readonly log = new RequestLog();
  readonly limiter = new RateLimiter();
  /** `POST /__emulator/clock` moves it forward, so TTLs expire without sleeping. */
  readonly clock: EmulatorClock;
  /** Real machines, when enabled. */
  readonly real: RealMachines | undefined;
  /** Secret values, kept only for real machines (the state holds digests). */
  readonly secretValues: SecretValues | undefined;
  /** Cancellers of the pending transitions. */
  private readonly timers = new Set<() => void>();
  private persistTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: EmulatorSettings,
    onExit?: ExitHandler,
  ) {
    this.clock = settings.manualClock ? new ManualClock(Date.now()) : new WallClock();
    this.state =
      (settings.statePath ? readStateFile(settings.statePath, this.clock.now()) : undefined) ??
      emptyState();
    if (settings.realMachines) {
      this.secretValues = new SecretValues(
        settings.statePath ? SecretValues.fileFor(settings.statePath) : undefined,
      );
      this.real = new RealMachines(this, settings.realMachines, (machine, exit) =>
        onExit?.(this, machine, exit),
      );
    }
  }

  /** The emulator's clock in Unix milliseconds. */
  now(): number {
    return this.clock.now();
  }

  /** The emulator's clock as an RFC 3339 string, the format of Fly's `created_at` fields. */
  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * Runs `fn` after `delayMs`, tracked so `close()` and `reset()` cancel it. State transitions are
   * asynchronous on Fly, and clients must observe the transient states in between.
   */
  schedule(delayMs: number, fn: () => void): void {
    const cancel = this.clock.setTimer(delayMs, () => {
      this.timers.delete(cancel);
      fn();
      this.changed();
    });
    this.timers.add(cancel);
  }

  /** Looks up an app or answers 404 `app not found`. */
  app(name: string): AppRecord {
    const app = this.state.apps[name];
    if (!app) throw notFound("app");
    return app;
  }

  /**
   * Looks up a machine of an app or answers 404 `machine not found`. A destroyed machine is still
   * visible for a short while, as on Fly, before it disappears.
   */
  machine(appName: string, id: string): MachineRecord {
    this.app(appName);
    const machine = this.state.machines[id];
    if (!machine || machine.app !== appName) throw notFound("machine");
    if (
      machine.destroyed_at !== undefined &&
      this.now() - machine.destroyed_at > DESTROYED_VISIBLE_MS
    ) {
      throw notFound("machine");
    }
    return machine;
  }

  /** Marks the world as changed, persisting it soon when a state file is configured. */
  changed(): void {
    if (!this.settings.statePath || this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persist();
    }, 50);
  }

  /** Writes the world to the state file atomically. */
  persist(): void {
    if (!this.settings.statePath) return;
    const tmp = `${this.settings.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.settings.statePath);
  }

  /** Empties the world, the faults, the log and the rate limiter; real machines are killed. */
  reset(): void {
    this.real?.killAll();
    this.secretValues?.clear();
    this.cancelTimers();
    this.state = emptyState();
    this.faults.clear();
    this.log.clear();
    this.limiter.reset();
    this.clock.reset();
    this.changed();
  }

  /**
   * Stops real machines' processes gracefully (each machine's kill signal and timeout, capped),
   * then closes. Machines keep their recorded state for the next run with `--state`.
   */
  async shutdown(): Promise<void> {
    this.cancelTimers();
    await this.real?.shutdown();
    this.close();
  }

  /** Cancels pending transitions, kills any real machine still running, and persists. */
  close(): void {
    this.real?.close();
    this.cancelTimers();
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    this.persist();
  }

  private cancelTimers(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}

/** How long a destroyed machine still answers GET with state `destroyed` before 404. */
export const DESTROYED_VISIBLE_MS = 5_000;
