/**
 * CPU time of this process's child processes that have ended: the program and the provider host
 * of each engine operation. Linux adds an ended child's user and system time (and that of the
 * children it waited for) to its parent's `cutime` and `cstime` in `/proc/self/stat` when the
 * parent reaps it, which Node does as soon as the child exits. CPU time, unlike wall time, hardly
 * grows with the load of other work on a shared machine, so it tells a slow run from a starved one.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ: 100 on every Linux build). */
const TICKS_PER_SECOND = 100;

/**
 * `cutime + cstime` of a `/proc/<pid>/stat` text in milliseconds: fields 16 and 17, counted after
 * the command name's closing parenthesis (the name may hold spaces and parentheses).
 */
export function reapedChildrenCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
  if (!Number.isFinite(ticks)) throw new Error(`not a /proc stat line: ${stat.slice(0, 80)}`);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** This process's reaped children's CPU so far (ms); 0 where there is no `/proc` (not Linux). */
export function childrenCpuNowMs(): number {
  try {
    return reapedChildrenCpuMs(readFileSync("/proc/self/stat", "utf8"));
  } catch {
    return 0;
  }
}
