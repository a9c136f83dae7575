import { describe, expect, it } from "vitest";
import { durationProblem, formatDurationMs, parseDurationMs } from "../../rules/go-durations";

describe("Go durations", () => {
  it.each([
    ["5s", 5_000],
    ["15s", 15_000],
    ["2m", 120_000],
    ["1m30s", 90_000],
    ["1h", 3_600_000],
    ["1.5s", 1_500],
    ["250ms", 250],
    ["500us", 0.5],
    ["500µs", 0.5],
    ["1000000ns", 1],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(["", "15", "s", "-5s", "5 s", "5sec", "1d", "1.s", ".5s", "5s "])(
    "%j is not a Go duration",
    (text) => {
      expect(parseDurationMs(text)).toBeUndefined();
      expect(durationProblem(text)).toBe(
        `must be a Go duration such as "15s", "2m" or "1m30s", got ${JSON.stringify(text)}`,
      );
    },
  );

  it.each(["0s", "0m0s", "0ms"])("%s is refused as zero", (text) => {
    expect(durationProblem(text)).toBe(`must be longer than zero, got ${JSON.stringify(text)}`);
  });

  it("accepts a positive duration", () => {
    expect(durationProblem("2m")).toBeUndefined();
  });
});

describe("formatDurationMs", () => {
  it.each([
    [120_000, "2m"],
    [90_000, "1m30s"],
    [15_000, "15s"],
    [3_600_000, "1h"],
    [3_690_500, "1h1m30s500ms"],
    [250, "250ms"],
    [0, "0s"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });

  it("spells Fly's echo of a duration the way it was written", () => {
    expect(formatDurationMs(parseDurationMs("2m0s")!)).toBe("2m");
    expect(formatDurationMs(parseDurationMs("1m30s")!)).toBe("1m30s");
  });
});
