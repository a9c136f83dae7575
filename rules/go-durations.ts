/**
 * Durations in the Go syntax Fly's API takes for check timing and stop timeouts ("15s", "2m",
 * "1m30s"). Only the unsigned form with a unit after every number is accepted, which is what
 * Fly's docs and examples use; Go's bare "0" and signed values make no sense here.
 */

// Milliseconds per unit, as Go's time.ParseDuration defines them (µs in both spellings).
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3,
  "\u03bcs": 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g;

/** Milliseconds in a Go duration string ("15s", "2m", "1m30s"), or undefined if it is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return total;
}

/**
 * The canonical spelling of a duration: the largest units first, zero parts left out ("2m",
 * "1m30s", "500ms"). Fly echoes durations in its own spelling ("2m0s" for "2m"), so both sides
 * of a comparison are brought to this one.
 */
export function formatDurationMs(ms: number): string {
  if (ms <= 0) return "0s";
  let rest = Math.round(ms);
  let text = "";
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return rest > 0 ? `${text}${rest}ms` : text;
}

/** The reason `text` is not a Go duration longer than zero, or undefined. */
export function durationProblem(text: string): string | undefined {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    return `must be a Go duration such as "15s", "2m" or "1m30s", got ${JSON.stringify(text)}`;
  }
  return ms > 0 ? undefined : `must be longer than zero, got ${JSON.stringify(text)}`;
}
