/**
 * A machine's console: the lines its processes print on stdout and stderr, and the lines Fly's
 * init prints about them ("Preparing to run: ...", "Main child exited normally with code: 78").
 * The last lines are kept in memory for the control endpoint, Fly's logs API and error
 * messages; every line is also appended to the machine's `console.log`.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** Where a line came from: the app's output streams, or Fly's init ("runner"). */
export type ConsoleStream = "stdout" | "stderr" | "runner";

/** One console line. */
export interface ConsoleLine {
  /** Increases with every line of every machine: a cursor for paging through logs. */
  seq: number;
  /** Unix milliseconds. */
  timestamp: number;
  stream: ConsoleStream;
  message: string;
}

/** Lines kept in memory per machine. */
const KEPT_LINES = 1_000;
/** `console.log` is moved to `console.log.1` past this size, so it never grows without bound. */
const ROTATE_BYTES = 8 * 1024 * 1024;
/** A line longer than this is cut (a process may print a whole file on one line). */
const MAX_LINE = 4_000;

let nextSeq = 1;

/** The console of one machine. */
export class ConsoleLog {
  private readonly lines: ConsoleLine[] = [];
  private partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };

  constructor(
    private readonly file: string,
    private readonly now: () => number,
  ) {}

  /** A chunk of a process stream; complete lines are recorded, the rest waits for more. */
  write(stream: "stdout" | "stderr", chunk: Buffer | string): void {
    const text = this.partial[stream] + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial[stream] = parts.pop() ?? "";
    for (const line of parts) this.record(stream, line);
  }

  /** Records what is left of the streams (a last line without a newline). */
  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream] !== "") this.record(stream, this.partial[stream]);
      this.partial[stream] = "";
    }
  }

  /** A line of Fly's init. */
  runner(message: string): void {
    this.record("runner", message);
  }

  /** The last `count` lines, oldest first. */
  tail(count: number): ConsoleLine[] {
    return this.lines.slice(-count);
  }

  /** Every kept line after line `afterSeq`, oldest first. */
  since(afterSeq: number): ConsoleLine[] {
    return this.lines.filter((line) => line.seq > afterSeq);
  }

  private appended = 0;

  private record(stream: ConsoleStream, raw: string): void {
    // eslint-disable-next-line no-control-regex
    const message = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").slice(0, MAX_LINE);
    const line = { seq: nextSeq++, timestamp: this.now(), stream, message };
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    this.append(`${new Date(line.timestamp).toISOString()} [${stream}] ${message}\n`);
  }

  private append(text: string): void {
    mkdirSync(dirname(this.file), { recursive: true });
    // The size is looked at every 200 lines, not on each one.
    if (this.appended++ % 200 === 0 && existsSync(this.file)) {
      if (statSync(this.file).size > ROTATE_BYTES) renameSync(this.file, `${this.file}.1`);
    }
    appendFileSync(this.file, text);
  }
}
