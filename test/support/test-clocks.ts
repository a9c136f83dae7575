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

/** This process's undici requests under way: sent, and not yet answered in full nor failed. */
const requestsUnderWay = new Set<object>();
subscribe("undici:request:create", (message) => {
  requestsUnderWay.add((message as { request: object }).request);
});
for (const name of ["undici:request:trailers", "undici:request:error"]) {
  subscribe(name, (message) => {
    requestsUnderWay.delete((message as { request: object }).request);
  });
}

/**
 * Runs `operations` at once, with time moving only while they are all blocked on `clock`: no
 * HTTP request under way but the long-polls the server holds (`held()` counts those), and
 * something asleep on the clock or held. Then the clock jumps to its earliest pending timer. So
 * each sleep, timeout and transition comes exactly when it is due, however slow the machine, and
 * the HTTP in between takes no time at all on the clock.
 */
export async function runOnClock<T>(
  clock: SteppedClock,
  operations: readonly (() => Promise<T>)[],
  held: () => number = () => 0,
): Promise<T[]> {
  let settled = 0;
  let failed = false;
  const results = operations.map((operation) =>
    operation().finally(() => {
      settled++;
    }),
  );
  void Promise.all(results).catch(() => {
    failed = true;
  });
  const done = () => failed || settled === operations.length;
  const blocked = () => requestsUnderWay.size === held() && clock.sleeping + held() > 0 && !done();
  while (!done()) {
    await until(() => done() || blocked(), "the operations to finish or to wait on the clock");
    const due = clock.manual.nextDueMs();
    if (blocked() && due !== undefined) clock.advance(Math.max(0, due - clock.now()));
  }
  return Promise.all(results);
}
