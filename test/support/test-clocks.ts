/**
 * Clocks for tests of time-based behaviour: retry budgets, pacing, lease refreshes, polls and the
 * emulator's transitions are proved by moving time by hand and counting what happened, never by
 * sleeping and hoping the machine was fast enough.
 */
import { subscribe } from "node:diagnostics_channel";
import { ManualClock } from "../../emulator/emulator-clock";
import type { Clock } from "../../providers/fly-client/call-options";

/** A fixed starting point, so that times in assertions are exact: 2026-01-01T00:00:00Z. */
export const CLOCK_START_MS = Date.UTC(2026, 0, 1);

/**
 * A client clock whose every sleep moves time forward by its length and returns at once. For code
 * that runs one thing at a time (a retry loop, a lease acquisition), where `pauses` then lists
 * exactly what it waited for.
 */
export interface JumpingClock extends Clock {
  readonly pauses: number[];
}

export function jumpingClock(startMs = CLOCK_START_MS): JumpingClock {
  let nowMs = startMs;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => nowMs,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      pauses.push(ms);
      nowMs += Math.max(0, ms);
    },
  };
}

/**
 * A client clock over a `ManualClock` (perhaps the one an emulator runs on): a sleep ends only
 * when the clock is advanced past it. `sleeping` counts the sleeps under way, so a test knows
 * when everything it started is waiting on the clock.
 */
export interface SteppedClock extends Clock {
  readonly manual: ManualClock;
  /** Every pause asked for, in order. */
  readonly pauses: number[];
  /** Sleeps that have neither ended nor been aborted. */
  readonly sleeping: number;
  advance(ms: number): void;
}

export function steppedClock(manual = new ManualClock(CLOCK_START_MS)): SteppedClock {
  const pauses: number[] = [];
  let sleeping = 0;
  return {
    manual,
    pauses,
    get sleeping() {
      return sleeping;
    },
    now: () => manual.now(),
    advance: (ms) => manual.advance(ms),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        pauses.push(ms);
        sleeping++;
        const onAbort = () => {
          cancel();
          sleeping--;
          reject(signal?.reason);
        };
        const cancel = manual.setTimer(ms, () => {
          sleeping--;
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

/**
 * Waits until `condition()` holds, looking first after a turn of the event loop (so that what
 * was just set in motion has begun), then every millisecond. `limitMs` of real time only bounds
 * a test that is already failing (the condition is an event the code under test owes), so that
 * it fails naming `what` instead of at the test timeout.
 */
export async function until(condition: () => boolean, what: string, limitMs = 10_000) {
  const deadline = Date.now() + limitMs;
  do {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
  } while (!condition());
}

/**
 * This process's undici requests under way (sent, and not yet answered in full nor failed), each
 * with the origin it went to.
 */
const requestsUnderWay = new Map<object, string>();
subscribe("undici:request:create", (message) => {
  const { request } = message as { request: { origin?: unknown } };
  requestsUnderWay.set(request, String(request.origin));
});
for (const name of ["undici:request:trailers", "undici:request:error"]) {
  subscribe(name, (message) => {
    requestsUnderWay.delete((message as { request: object }).request);
  });
}

/** How many requests to `origin` (`http://127.0.0.1:4280`) are under way. */
function underWayTo(origin: string): number {
  let count = 0;
  for (const to of requestsUnderWay.values()) if (to === origin) count++;
  return count;
}

/**
 * Moves `clock` for the operations it runs: only while all of them are blocked on it, that is
 * with no HTTP request to the server at `origin` under way but the long-polls it holds (`held()`
 * counts those), and something asleep on the clock or held; then the clock jumps to its earliest
 * pending timer.
 * So each sleep, timeout and transition comes exactly when it is due, however slow the machine,
 * and the HTTP in between takes no time at all on the clock. Operations may overlap, and an
 * operation started while the driver runs (one nested in another) joins the same driver.
 */
export class ClockDriver {
  private running = 0;
  private looping = false;
  private failure: Error | undefined;
  private readonly failed: Promise<never>;
  private fail: (error: Error) => void = () => {};

  constructor(
    readonly clock: SteppedClock,
    private readonly origin: string,
    private readonly held: () => number = () => 0,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failed.catch(() => {});
  }

  /** Runs `operation`, moving the clock for it (and for whatever else this driver runs). */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.failure) throw this.failure;
    this.running++;
    const result = operation().finally(() => {
      this.running--;
    });
    if (!this.looping) void this.loop();
    return Promise.race([result, this.failed]);
  }

  private blocked(): boolean {
    const held = this.held();
    return underWayTo(this.origin) === held && this.clock.sleeping + held > 0;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.running > 0) {
        // Between two waits an operation only sends requests and computes: seconds at most,
        // even on a busy machine; the limit leaves the test's own timeout room to report.
        await until(
          () => this.running === 0 || this.blocked(),
          `${this.running} operation(s) to finish or to wait on the clock`,
          20_000,
        );
        const due = this.clock.manual.nextDueMs();
        if (this.running > 0 && this.blocked() && due !== undefined) {
          this.clock.advance(Math.max(0, due - this.clock.now()));
        }
      }
    } catch (error) {
      this.failure = error as Error;
      this.fail(this.failure);
    } finally {
      this.looping = false;
    }
  }
}

/** Runs `operations` at once on a driver of their own (see `ClockDriver`). */
export function runOnClock<T>(
  clock: SteppedClock,
  origin: string,
  operations: readonly (() => Promise<T>)[],
  held: () => number = () => 0,
): Promise<T[]> {
  const driver = new ClockDriver(clock, origin, held);
  return Promise.all(operations.map((operation) => driver.run(operation)));
}

/**
 * `target` with every method (of it and of the objects it holds, such as a client's resource
 * groups) that returns a promise run through `driver`.
 */
export function drivenBy<T extends object>(driver: ClockDriver, target: T): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value: unknown = Reflect.get(object, key, receiver);
      if (typeof value === "function") {
        return (...args: unknown[]) => {
          const returned: unknown = value.apply(object, args);
          return returned instanceof Promise ? driver.run(() => returned) : returned;
        };
      }
      if (typeof value === "object" && value !== null) return drivenBy(driver, value);
      return value;
    },
  });
}
