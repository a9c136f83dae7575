/**
 * The emulator's time. Everything time-driven in the emulated world reads or waits on one clock:
 * machine transitions, health checks, lease TTLs, `/wait` timeouts, rate-limit refills, how long a
 * destroyed machine stays visible, certificate issuance and volume retention.
 *
 * Two kinds: the wall clock (the default), which `POST /__emulator/clock` can move forward so that
 * TTLs expire without sleeping; and a manual clock, on which time stands still until it is moved,
 * for tests that must not depend on how fast the machine running them is. Network imitation
 * (`latencyMs`, delay faults) and persistence run on real time in both.
 */

/** Where the emulator's time comes from. */
export interface EmulatorClock {
  /** The current time in Unix milliseconds. */
  now(): number;
  /** Runs `fn` once `delayMs` have passed on this clock; returns a function that cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** Undoes what `advance` did, where time can run backwards (`POST /__emulator/reset`). */
  reset(): void;
}

/**
 * Real time plus an offset. A jump moves `now()` only: pending timers keep their real deadlines,
 * and state derived from the clock on read (checks, TTLs, retention) follows the jump.
 */
export class WallClock implements EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    // A pending transition or wait never keeps a closing process alive.
    timer.unref();
    return () => clearTimeout(timer);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

interface ManualTimer {
  dueMs: number;
  /** Creation order: timers due at the same time run in the order they were set. */
  order: number;
  fn: () => void;
}

/**
 * A clock that moves only when `advance` is called, starting from `startMs`. `advance` runs every
 * timer that falls due on the way, in due order, each with the clock reading its due time. A timer
 * set to a time already reached runs on its own, on the next turn of the event loop.
 */
export class ManualClock implements EmulatorClock {
  private nowMs: number;
  private readonly timers: ManualTimer[] = [];
  private created = 0;
  private flushQueued = false;

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: ManualTimer = {
      dueMs: this.nowMs + Math.max(0, delayMs),
      order: this.created++,
      fn,
    };
    const at = this.timers.findIndex(
      (other) =>
        other.dueMs > timer.dueMs || (other.dueMs === timer.dueMs && other.order > timer.order),
    );
    this.timers.splice(at === -1 ? this.timers.length : at, 0, timer);
    if (timer.dueMs <= this.nowMs) this.queueFlush();
    return () => {
      const index = this.timers.indexOf(timer);
      if (index !== -1) this.timers.splice(index, 1);
    };
  }

  advance(ms: number): void {
    const target = this.nowMs + Math.max(0, ms);
    for (
      let next = this.timers[0];
      next !== undefined && next.dueMs <= target;
      next = this.timers[0]
    ) {
      this.timers.shift();
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.fn();
    }
    this.nowMs = target;
  }

  /** Time never runs backwards on this clock: ids and timestamps made after a reset stay ordered. */
  reset(): void {}

  /** When the earliest pending timer falls due, or undefined when none is pending. */
  nextDueMs(): number | undefined {
    return this.timers[0]?.dueMs;
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.advance(0);
    });
  }
}
