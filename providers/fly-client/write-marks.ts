/**
 * Which parts of Fly this process has written to, and when, as a sequence of marks: every request
 * that is not a read is marked when it is sent and again when it settles (answered, failed or
 * abandoned), so a read taken at mark M saw the effect of none of the writes marked after M. A
 * caller that keeps an answer (a list of an app's machines) asks `writtenSince` before using it.
 *
 * A write addressed to one machine (its path names the machine) is marked on that machine
 * alone: Fly changes nothing else of what it shows about other machines or the app's volumes
 * (at most the attachment of that machine's own volume). Any other write is marked on the whole
 * app, and a write that names no app (creating one) on every app.
 *
 * The marks live on `globalThis` under a registered symbol, for the reason `process-state.ts`
 * gives: every copy of the client in one process must see every other copy's writes.
 */

/** The whole-process mark, for writes that name no app. */
const EVERY_APP = "*";

interface WriteMarks {
  /** The latest mark given out. */
  sequence: number;
  /** The latest mark of each written part: `app`, `app/machine`, or every app. */
  latest: Map<string, number>;
}

const MARKS_KEY = "openclaw-fly.fly-client.write-marks.v1";

function marks(): WriteMarks {
  const registry = globalThis as unknown as Record<symbol, WriteMarks | undefined>;
  const key = Symbol.for(MARKS_KEY);
  return (registry[key] ??= { sequence: 0, latest: new Map() });
}

function partOf(app: string | undefined, machine: string | undefined): string {
  if (app === undefined) return EVERY_APP;
  return machine === undefined ? app : `${app}/${machine}`;
}

/** What a write names: its app, and its machine when the path addresses one. */
export interface WriteTarget {
  readonly app?: string;
  readonly machine?: string;
}

/** Records a write to `target` (called as it is sent and again as it settles). */
export function markWrite(target: WriteTarget): void {
  const state = marks();
  state.sequence += 1;
  state.latest.set(partOf(target.app, target.machine), state.sequence);
}

/** The current mark: take it just before sending a read whose answer may be kept. */
export function currentWriteMark(): number {
  return marks().sequence;
}

/**
 * Whether this process has written, since `mark`, to anything that could change what Fly shows
 * of `app` (or, with `machine`, of that machine of the app).
 */
export function writtenSince(mark: number, app: string, machine?: string): boolean {
  const { latest } = marks();
  const after = (part: string) => (latest.get(part) ?? 0) > mark;
  return after(EVERY_APP) || after(app) || (machine !== undefined && after(`${app}/${machine}`));
}
