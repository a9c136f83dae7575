/**
 * Finding a memory cgroup the emulator may create machines' cgroups in: cgroup v2 (unified, or
 * the unified part of a hybrid setup) when its memory controller is available to us, else the
 * cgroup v1 memory hierarchy. A folder `openclaw-fly-<pid>-<n>` is made for this emulator below
 * its process's own cgroup, and a write proves that a limit can be set there before it is chosen.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Which cgroup interface a hierarchy speaks. */
export type CgroupFlavour = "v2" | "v1";

/** The files of a memory cgroup, by flavour. */
export function cgroupMemoryFiles(flavour: CgroupFlavour) {
  return flavour === "v2"
    ? {
        limit: "memory.max",
        oomEvents: "memory.events",
        procs: "cgroup.procs",
        // No swap past the limit, and an OOM kills the whole group, as a VM dies whole.
        extra: [
          ["memory.swap.max", "0"],
          ["memory.oom.group", "1"],
        ] as Array<[string, string]>,
      }
    : {
        limit: "memory.limit_in_bytes",
        oomEvents: "memory.oom_control",
        procs: "cgroup.procs",
        extra: [["memory.swappiness", "0"]] as Array<[string, string]>,
      };
}

/** Folders made by this process so far. */
let made = 0;

/** A cgroup folder the emulator may create machine cgroups in. */
export interface MemoryCgroup {
  dir: string;
  flavour: CgroupFlavour;
}

/**
 * The memory cgroup this emulator may use under `root` (normally /sys/fs/cgroup), or undefined.
 * `selfCgroup` is the text of /proc/self/cgroup.
 */
export function findMemoryCgroup(
  root: string,
  selfCgroup = readOrEmpty("/proc/self/cgroup"),
): MemoryCgroup | undefined {
  const own = (pattern: RegExp) => pattern.exec(selfCgroup)?.[1];
  const unifiedPath = own(/^0::(\/.*)$/m);
  for (const mount of [root, join(root, "unified")]) {
    if (unifiedPath === undefined) break;
    const controllers = readOrEmpty(join(mount, "cgroup.controllers")).split(/\s+/);
    if (!controllers.includes("memory")) continue;
    const parent = join(mount, unifiedPath);
    // Children get the memory controller only if the parent hands it down; the root may.
    const delegated = readOrEmpty(join(parent, "cgroup.subtree_control")).split(/\s+/);
    if (unifiedPath !== "/" && !delegated.includes("memory")) continue;
    const dir = usable(parent, "v2");
    if (dir) return { dir, flavour: "v2" };
  }
  const v1Path = own(/^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m);
  const v1Mount = join(root, "memory");
  if (v1Path !== undefined && existsSync(join(v1Mount, "memory.limit_in_bytes"))) {
    const dir = usable(join(v1Mount, v1Path), "v1");
    if (dir) return { dir, flavour: "v1" };
  }
  return undefined;
}

/**
 * Creates `openclaw-fly-<pid>-<n>` under `parent` and proves a limit can be written there (setting
 * this emulator's own group to no limit: each machine gets its limit in a group below).
 */
function usable(parent: string, flavour: CgroupFlavour): string | undefined {
  // One per emulator: several emulators in one process (tests) each remove their own.
  const dir = join(parent, `openclaw-fly-${process.pid}-${++made}`);
  const files = cgroupMemoryFiles(flavour);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, files.limit), flavour === "v2" ? "max" : "-1");
    if (flavour === "v2") writeFileSync(join(dir, "cgroup.subtree_control"), "+memory");
    return dir;
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // Not created, or not empty.
    }
    return undefined;
  }
}

/** Whether a memory cgroup can be used under `root`; the folder made to find out is removed. */
export function memoryCgroupAvailable(root: string): boolean {
  const found = findMemoryCgroup(root);
  if (found) rmdirSync(found.dir);
  return found !== undefined;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
