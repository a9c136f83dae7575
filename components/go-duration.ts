/**
 * Durations in the Go syntax Fly's API takes for check timing ("15s", "2m", "1m30s").
 *
 * Only the unsigned form with a unit after every number is accepted, which is what Fly's docs
 * and examples use; Go's bare "0" and signed values make no sense for check timing.
 */

// Milliseconds per unit, as Go's time.ParseDuration defines the units.
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g;

/** Milliseconds in `text`, or `undefined` when it is not a Go duration. */
export function parseGoDurationMs(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return total;
}

/** The rule every check duration must meet, or `undefined` when `text` meets it. */
export function durationProblem(text: string): string | undefined {
  const ms = parseGoDurationMs(text);
  if (ms === undefined) {
    return `must be a Go duration such as "15s", "2m" or "1m30s", got ${JSON.stringify(text)}`;
  }
  if (ms <= 0) return `must be longer than zero, got ${JSON.stringify(text)}`;
  return undefined;
}
