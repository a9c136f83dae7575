/**
 * Peak memory of one operation's processes: the engine (this process), the program and the
 * dynamic-provider host (the engine's child processes). Linux's `/proc/<pid>/status` keeps each
 * process's high-water mark (`VmHWM`), so sampling it now and then until the process exits loses
 * nothing but the last interval's growth; the engine's own peak is sampled the same way.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Peak resident memory in MiB per role; 0 when the process was never seen. */
export interface MemoryPeaks {
  readonly engineMb: number;
  readonly programMb: number;
  readonly providerHostMb: number;
}

/** Which role a process plays, from its command line. */
export function processRole(commandLine: string): keyof MemoryPeaks | undefined {
  if (commandLine.includes("dynamic-provider")) return "providerHostMb";
  if (commandLine.includes("cmd/run")) return "programMb";
  return undefined;
}

/** `VmHWM` of a `/proc/<pid>/status` text, in KiB; undefined when absent. */
export function highWaterKib(status: string): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]);
}

/** Samples peaks every `intervalMs` until `stop()`, which returns them. */
export function watchMemory(intervalMs = 200): { stop(): MemoryPeaks } {
  const peaks = { engineMb: 0, programMb: 0, providerHostMb: 0 };
  const raise = (role: keyof MemoryPeaks, kib: number) => {
    peaks[role] = Math.max(peaks[role], Math.round(kib / 1024));
  };
  const sample = () => {
    raise("engineMb", process.memoryUsage.rss() / 1024);
    for (const pid of descendants(process.pid)) {
      const role = processRole(read(`/proc/${pid}/cmdline`).replaceAll("\0", " "));
      const kib = highWaterKib(read(`/proc/${pid}/status`));
      if (role !== undefined && kib !== undefined) raise(role, kib);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peaks };
    },
  };
}

/** Every process below `root`, from each process's parent in `/proc/<pid>/stat`. */
function descendants(root: number): number[] {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return []; // Not Linux: peaks of children are not measured.
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    // The command may hold spaces and parentheses; the fields after its last ")" do not.
    const stat = read(`/proc/${pid}/stat`);
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isInteger(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), Number(pid)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** A /proc file's text, or "" when the process is gone. */
function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
