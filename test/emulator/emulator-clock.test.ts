import { describe, expect, it } from "vitest";
import { ManualClock, WallClock } from "../../emulator/emulator-clock";
import { until } from "../support/test-clocks";

describe("the manual clock", () => {
  it("stands still until advanced, then runs each timer falling due, in due order, at its time", () => {
    const clock = new ManualClock(1_000);
    const ran: string[] = [];
    clock.setTimer(30, () => ran.push(`b at ${clock.now()}`));
    clock.setTimer(10, () => {
      ran.push(`a at ${clock.now()}`);
      // A timer set by a timer runs in the same advance when it falls due within it.
      clock.setTimer(5, () => ran.push(`a2 at ${clock.now()}`));
    });
    clock.setTimer(30, () => ran.push(`c at ${clock.now()}`));
    clock.setTimer(31, () => ran.push(`d at ${clock.now()}`));
    expect([clock.now(), clock.pendingTimers, clock.nextDueMs()]).toEqual([1_000, 4, 1_010]);
    clock.advance(30);
    expect(ran).toEqual(["a at 1010", "a2 at 1015", "b at 1030", "c at 1030"]);
    expect([clock.now(), clock.pendingTimers, clock.nextDueMs()]).toEqual([1_030, 1, 1_031]);
    clock.advance(100);
    expect(ran.at(-1)).toBe("d at 1031");
    expect([clock.now(), clock.pendingTimers, clock.nextDueMs()]).toEqual([1_130, 0, undefined]);
  });

  it("forgets a cancelled timer", () => {
    const clock = new ManualClock(0);
    const ran: number[] = [];
    const cancel = clock.setTimer(10, () => ran.push(1));
    clock.setTimer(20, () => ran.push(2));
    cancel();
    clock.advance(50);
    expect(ran).toEqual([2]);
  });

  it("runs a timer already due on the next turn of the event loop, without being advanced", async () => {
    const clock = new ManualClock(0);
    const ran: number[] = [];
    clock.setTimer(0, () => ran.push(clock.now()));
    expect(ran).toEqual([]);
    await until(() => ran.length === 1, "the zero-delay timer");
    expect([ran, clock.now()]).toEqual([[0], 0]);
  });

  it("keeps its time across a reset, so later timestamps stay ordered", () => {
    const clock = new ManualClock(500);
    clock.advance(100);
    clock.reset();
    expect(clock.now()).toBe(600);
  });
});

describe("the wall clock", () => {
  it("reads real time plus the jumps asked for, which a reset undoes", () => {
    const clock = new WallClock();
    const before = Date.now();
    clock.advance(60_000);
    const read = clock.now();
    const after = Date.now();
    expect(read).toBeGreaterThanOrEqual(before + 60_000);
    expect(read).toBeLessThanOrEqual(after + 60_000);
    clock.reset();
    expect(clock.now()).toBeLessThanOrEqual(Date.now());
  });

  it("runs timers on real time, and never runs a cancelled one", async () => {
    const clock = new WallClock();
    const ran: string[] = [];
    const cancel = clock.setTimer(0, () => ran.push("cancelled"));
    clock.setTimer(0, () => ran.push("kept"));
    cancel();
    await until(() => ran.length > 0, "the timer");
    expect(ran).toEqual(["kept"]);
  });
});
