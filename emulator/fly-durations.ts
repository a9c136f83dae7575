/**
 * Durations as Fly's API carries them: Go duration strings ("10s", "1m30s"), or bare numbers
 * whose unit depends on the field (query parameters such as restart's `timeout` count seconds;
 * a JSON number in a config field is a Go `time.Duration`, i.e. nanoseconds).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * Milliseconds of `value`, or `fallbackMs` when it is absent or unreadable. A bare number (or
 * numeric string) is read in `bareUnit`.
 */
export function durationMs(value: unknown, fallbackMs: number, bareUnit: "s" | "ns"): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
    return bareUnit === "s" ? value * 1_000 : value / 1e6;
  }
  if (typeof value !== "string" || value === "") return fallbackMs;
  if (/^\d+$/.test(value)) return durationMs(Number(value), fallbackMs, bareUnit);
  if (!GO_DURATION.test(value)) return fallbackMs;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return total;
}
