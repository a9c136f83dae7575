/**
 * The memory a machine's processes use, added up over its process group: what the memory
 * watchdog compares with the machine's size, and what `npm run bench:memory` reports.
 *
 * On Linux each process's PSS (/proc/<pid>/smaps_rollup: shared pages counted once, split among
 * the processes sharing them) is the closest to what a VM's kernel would count; RSS, which counts
 * the node binary once per process, is the fallback. Elsewhere (macOS) `ps` reports RSS.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** One process of a group and its memory. */
export interface ProcessMemory {
  pid: number;
  /** Its name (`openclaw-gatewa`, `MainThread`, `node`). */
  name: string;
  /** Proportional set size in bytes (Linux), else undefined. */
  pssBytes?: number;
  rssBytes: number;
}

/** The processes of process group `pgid` and their memory (empty when the group is gone). */
export function processGroupMembers(pgid: number): ProcessMemory[] {
  return process.platform === "linux" ? linuxMembers(pgid) : psMembers(pgid);
}

/** Bytes the group uses: the sum of PSS where known, else of RSS. */
export function processGroupMemory(pgid: number): number {
  return processGroupMembers(pgid).reduce((sum, p) => sum + (p.pssBytes ?? p.rssBytes), 0);
}

function linuxMembers(pgid: number): ProcessMemory[] {
  const members: ProcessMemory[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the name (which may hold spaces and parentheses): state ppid pgrp ...
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
      let pssKb: number | undefined;
      try {
        const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, "utf8");
        pssKb = Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1]);
      } catch {
        pssKb = undefined;
      }
      members.push({
        pid: Number(entry),
        name,
        rssBytes: rssKb * 1024,
        ...(pssKb !== undefined && Number.isFinite(pssKb) ? { pssBytes: pssKb * 1024 } : {}),
      });
    } catch {
      // The process ended while being read.
    }
  }
  return members;
}

function psMembers(pgid: number): ProcessMemory[] {
  let out: string;
  try {
    out = execFileSync("ps", ["-o", "pid=,rss=,comm=", "-g", String(pgid)], { encoding: "utf8" });
  } catch {
    return [];
  }
  return out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [pid, rss, ...name] = line.trim().split(/\s+/);
      return { pid: Number(pid), name: name.join(" "), rssBytes: Number(rss) * 1024 };
    });
}
