/**
 * Where the resource steps' time went, beyond the step records: how long Fly kept machines
 * booting and checking (from the emulator's request log), how long the client's pacing held
 * requests back (from the providers' progress lines), and how close the requests came to Fly's
 * rate limits. Pure.
 */
import type { RequestLogEntry } from "../../emulator/request-log";
import type { LogEntry } from "../../engine/engine-types";
import { readPacingHold } from "../../providers/provider-kit/progress";

/** The resource steps' time, split by what it waited for. */
export interface TimeBreakdown {
  /**
   * Wall time during which at least one machine was being waited for: from its first `/wait` to
   * the end of the last read of it (its boot and checks, as the client saw them).
   */
  readonly machineWaitsMs: number;
  /** Requests the client's pacing held back, and for how long in all and at most. */
  readonly pacingHolds: number;
  readonly pacingHeldMs: number;
  readonly longestHoldMs: number;
  /**
   * The fewest tokens Fly's rate-limit bucket held when one of the run's requests arrived (below
   * 1 is a 429), and the route of that request; undefined when no request met a limit.
   */
  readonly leastRateTokens: number | undefined;
  readonly leastRateTokensRoute: string | undefined;
}

const MACHINE_PATH = /^\/v1\/apps\/[^/]+\/machines\/([^/]+)(\/wait)?$/;

/** Splits one operation's time by what it waited for. */
export function timeBreakdown(
  requests: readonly RequestLogEntry[],
  logs: readonly LogEntry[],
): TimeBreakdown {
  const holds = logs
    .filter((entry) => entry.source === "provider")
    .map((entry) => readPacingHold(entry.message))
    .filter((hold) => hold !== undefined);
  const limited = requests.filter((entry) => entry.rate_tokens !== undefined);
  const least = limited.reduce<RequestLogEntry | undefined>(
    (low, entry) => (low === undefined || entry.rate_tokens! < low.rate_tokens! ? entry : low),
    undefined,
  );
  return {
    machineWaitsMs: unionMs(machineWaitIntervals(requests)),
    pacingHolds: holds.length,
    pacingHeldMs: holds.reduce((sum, hold) => sum + hold.waitMs, 0),
    longestHoldMs: Math.max(0, ...holds.map((hold) => hold.waitMs)),
    leastRateTokens: least?.rate_tokens,
    leastRateTokensRoute: least === undefined ? undefined : `${least.method} ${least.route}`,
  };
}

/** Per machine that was waited for: its first `/wait` to the end of its last read. */
export function machineWaitIntervals(
  requests: readonly RequestLogEntry[],
): Array<[number, number]> {
  const spans = new Map<string, { from?: number; to: number }>();
  for (const entry of requests) {
    const match = entry.method === "GET" ? MACHINE_PATH.exec(entry.path) : null;
    if (match === null) continue;
    const span = spans.get(match[1]) ?? { to: 0 };
    if (match[2] !== undefined && span.from === undefined) span.from = entry.time;
    if (span.from !== undefined) span.to = Math.max(span.to, entry.time + entry.duration_ms);
    spans.set(match[1], span);
  }
  return [...spans.values()]
    .filter((span) => span.from !== undefined)
    .map((span) => [span.from!, span.to]);
}

/** Total length of the union of `[from, to]` intervals. */
export function unionMs(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of sorted) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
