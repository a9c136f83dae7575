import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { childrenCpuNowMs, reapedChildrenCpuMs } from "../../scripts/bench/child-cpu";

describe("the CPU time of ended child processes", () => {
  it("reads cutime and cstime (fields 16 and 17) after the command's last parenthesis", () => {
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime priority ...; a command may hold ") " itself.
    const stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 200 0 0 37 5 123 45 20 0 11";
    expect(reapedChildrenCpuMs(stat)).toBe(1680);
  });

  it("refuses a text that is not a stat line", () => {
    expect(() => reapedChildrenCpuMs("no such process")).toThrow(
      "not a /proc stat line: no such process",
    );
  });

  it.runIf(process.platform === "linux")("grows by a child's CPU once the child has ended", () => {
    const before = childrenCpuNowMs();
    // About 300 ms of CPU in a child; spawnSync reaps it before returning.
    const child = spawnSync(process.execPath, [
      "-e",
      "const end = process.cpuUsage().user + 300000; while (process.cpuUsage().user < end) {}",
    ]);
    expect(child.status).toBe(0);
    expect(childrenCpuNowMs() - before).toBeGreaterThanOrEqual(290);
  });
});
