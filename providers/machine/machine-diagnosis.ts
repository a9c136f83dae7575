/**
 * Why a machine did not become healthy, in the machine's own words: the exits Fly recorded in
 * its events since the wait began (exit code, out-of-memory kills), a start Fly refused, and the
 * last lines it printed (Fly's logs API). A health timeout alone says only "not healthy"; these
 * say "exited with code 78: invalid config" or "killed for lack of memory".
 */
import { RECOMMENDED_MEMORY_MB } from "../../rules/deployment-defaults";
import { hasKind } from "../fly-client/fly-api-error";
import { exitsSince } from "../fly-client/wait-operations";
import type { MachineEvent } from "../fly-client/fly-client";
import type { LogLine } from "../fly-client/log-operations";
import type { MachineSpec } from "./machine-spec";
import type { MachineTarget, RolloutContext } from "./machine-rollout";

/** Log lines quoted in an error. */
const QUOTED_LOG_LINES = 15;
/** Event timestamps are the server's clock: allow for skew against ours. */
const CLOCK_SKEW_MS = 5_000;

/**
 * A health wait that failed, with what the machine itself says about it: a plain Error with two
 * fields, read by duck typing wherever it arrives (`logTail`).
 */
export type UnhealthyMachineError = Error & {
  /** The last console lines of the machine's last run, when Fly's logs API had any. */
  logLines: readonly string[];
  machineId: string;
};

/** `\n  last log lines of machine …:` and the lines, for the end of an error message. */
export function logTail(error: unknown): string {
  const lines = (error as Partial<UnhealthyMachineError> | undefined)?.logLines;
  if (!Array.isArray(lines) || lines.length === 0) return "";
  const quoted = lines.map((line) => `\n    | ${line}`).join("");
  return `\n  last log lines of machine ${(error as UnhealthyMachineError).machineId}:${quoted}`;
}

/**
 * The lines of the machine's last finished run, as Fly's init frames it: from its last
 * "Preparing to run" line to the "Main child exited" line that ended the run (a crash-looping
 * machine may already be running again), or to the end while the run goes on; at most
 * QUOTED_LOG_LINES of them.
 */
function lastRun(lines: readonly LogLine[]): string[] {
  const runner = (prefix: string) => (line: LogLine) =>
    line.provider === "runner" && line.text.startsWith(prefix);
  const lastExit = lines.map(runner("Main child exited")).lastIndexOf(true);
  const end = lastExit === -1 ? lines.length : lastExit + 1;
  const start = lines.slice(0, end).map(runner("Preparing to run:")).lastIndexOf(true);
  return lines
    .slice(start + 1, end)
    .map((line) => line.text)
    .slice(-QUOTED_LOG_LINES);
}

/**
 * One sentence about the exits, or "" when there is nothing to add: none happened, or the wait's
 * own error already describes them (`lastDescribed`: the machine was found dead or
 * crash-looping). Out-of-memory kills are always named, with the machine's size.
 */
function describeExits(
  exits: readonly MachineEvent[],
  target: MachineTarget,
  spec: MachineSpec,
  lastDescribed: boolean,
) {
  if (exits.length === 0) return "";
  const last = exits[exits.length - 1].request?.exit_event;
  const times = exits.length === 1 ? "once" : `${exits.length} times`;
  const code = last?.exit_code ?? "unknown";
  const ooms = exits.filter((e) => e.request?.exit_event?.oom_killed === true).length;
  if (ooms > 0) {
    return (
      `; its process exited ${times} since the wait began, ${ooms === exits.length ? "each time" : `${ooms} of them`} ` +
      `killed for lack of memory (out of memory): machine ${target.id} in region ${target.region} has ` +
      `${spec.guest.memoryMb} MB; give it at least ${memoryToUse(spec.guest.memoryMb)} MB (memoryMb)`
    );
  }
  if (lastDescribed) return "";
  return `; its process exited ${times} since the wait began, the last time with code ${code}`;
}

/**
 * The memory to name after an out-of-memory kill: the recommended size when the machine had
 * less, else twice what it had.
 */
export function memoryToUse(memoryMb: number): number {
  return memoryMb < RECOMMENDED_MEMORY_MB ? RECOMMENDED_MEMORY_MB : memoryMb * 2;
}

/** Why Fly refused to start the machine, from its latest `failed` event. */
function startFailure(events: readonly MachineEvent[], sinceMs: number): string {
  const failed = events
    .filter((e) => e.status === "failed" && e.timestamp >= sinceMs - CLOCK_SKEW_MS)
    .sort((a, b) => b.timestamp - a.timestamp)[0];
  const reason = (failed?.request as { error?: unknown } | undefined)?.error;
  return typeof reason === "string" ? `; the machine failed to start: ${reason}` : "";
}

/**
 * Adds the machine's own account to a failed health wait: throws an UnhealthyMachineError whose
 * message is `error`'s plus what the events say, and which carries the last log lines.
 */
export async function explainUnhealthy(
  ctx: RolloutContext,
  target: MachineTarget,
  spec: MachineSpec,
  sinceMs: number,
  error: unknown,
  describe: (error: unknown) => string,
): Promise<UnhealthyMachineError> {
  const { client } = ctx;
  const events = await client.machines.events(target.app, target.id, { limit: 50 }).catch(() => []);
  const lines = lastRun(
    (await client.logs
      ?.recentLines(target.app, target.id, { region: target.region })
      .catch(() => undefined)) ?? [],
  );
  // The client's error for a machine it found dead already tells how its last process ended.
  const lastDescribed = hasKind(error, "client.machine_failed");
  const exits = exitsSince(events, sinceMs);
  const message =
    describe(error) +
    startFailure(events, sinceMs) +
    describeExits(exits, target, spec, lastDescribed);
  return Object.assign(new Error(message, { cause: error }), {
    logLines: lines,
    machineId: target.id,
  });
}
