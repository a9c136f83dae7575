/**
 * A real machine's memory, limited to its `guest.memory_mb` across its whole process tree, as a
 * Fly VM has no more: past it the machine is killed and its exit says `oom_killed`.
 *
 * Two mechanisms, chosen once per emulator (`auto` picks the first that works here):
 * - the kernel's, through a memory cgroup per machine: cgroup v2 `memory.max` (with
 *   `memory.oom.group`, so the whole machine dies as a VM does), else cgroup v1
 *   `memory.limit_in_bytes`. The kernel OOM-kills exactly as inside a VM; a kill is read back
 *   from `memory.events` (v2) or `memory.oom_control` (v1). It needs a writable memory
 *   controller: root, or a delegated cgroup.
 * - a watchdog everywhere else (a user on macOS, a container without cgroup access): every
 *   250 ms it adds up the memory of the machine's processes (PSS where Linux reports it, which
 *   counts shared pages once as a VM does, else RSS) and kills the group past the limit.
 */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cgroupMemoryFiles, findMemoryCgroup, type CgroupFlavour } from "./memory-cgroups";
import { processGroupMemory } from "./process-memory";

/** How memory is limited: `auto` (kernel if possible, else watchdog) or one of them, or not. */
export type MemoryLimitMode = "auto" | "cgroup" | "watchdog" | "off";

/** One machine's limit while its process runs. */
export interface Confinement {
  /** The command to start: `argv` itself, or wrapped so it starts inside the cgroup. */
  wrap(argv: readonly string[]): string[];
  /** Called once the process runs: the watchdog starts watching its group. */
  watch(pgid: number, kill: () => void): void;
  /** After the process exited: whether the limit killed it. */
  oomKilled(): boolean;
  /** Stops watching and removes the cgroup. */
  release(): void;
}

/** Limits machines' memory by one mechanism. */
export interface MemoryLimiter {
  /** What is used, for the emulator's log and the README (`cgroup v1 memory.limit_in_bytes`). */
  readonly mechanism: string;
  confine(machineId: string, limitMb: number): Confinement;
  /** Removes what the limiter made (the emulator's cgroup folder), once every machine ended. */
  close(): void;
}

/** How often the watchdog looks. */
export const WATCHDOG_INTERVAL_MS = 250;

/** Who removes a cgroup folder should the emulator die first (the process guard). */
export interface CgroupJanitor {
  removeLater(dir: string): void;
  removed(dir: string): void;
}

const NO_JANITOR: CgroupJanitor = { removeLater: () => undefined, removed: () => undefined };

/**
 * The limiter `mode` asks for on this computer.
 *
 * @throws Error when `cgroup` is asked for and no writable memory cgroup exists.
 */
export function memoryLimiter(
  mode: MemoryLimitMode,
  cgroupRoot = "/sys/fs/cgroup",
  janitor: CgroupJanitor = NO_JANITOR,
): MemoryLimiter {
  if (mode === "off") return { mechanism: "off", confine: () => unlimited, close: () => undefined };
  if (mode !== "watchdog") {
    const cgroup = findMemoryCgroup(cgroupRoot);
    if (cgroup) return cgroupLimiter(cgroup.dir, cgroup.flavour, janitor);
    if (mode === "cgroup") {
      throw new Error(
        `no writable memory cgroup under ${cgroupRoot}: run as root, or use the watchdog`,
      );
    }
  }
  return watchdogLimiter();
}

const unlimited: Confinement = {
  wrap: (argv) => [...argv],
  watch: () => undefined,
  oomKilled: () => false,
  release: () => undefined,
};

function cgroupLimiter(
  base: string,
  flavour: CgroupFlavour,
  janitor: CgroupJanitor,
): MemoryLimiter {
  const files = cgroupMemoryFiles(flavour);
  janitor.removeLater(base);
  // Machine folders not removed yet; the emulator's own goes once it is closed and they are.
  const live = new Set<string>();
  let closed = false;
  const removeBase = () => removeCgroup(base, () => janitor.removed(base));
  const removeMachine = (dir: string) =>
    removeCgroup(dir, () => {
      janitor.removed(dir);
      live.delete(dir);
      if (closed && live.size === 0) removeBase();
    });
  return {
    mechanism: `cgroup ${flavour} ${files.limit}`,
    confine(machineId, limitMb) {
      const dir = join(base, `machine-${machineId}-${Date.now()}`);
      mkdirSync(dir);
      live.add(dir);
      janitor.removeLater(dir);
      writeFileSync(join(dir, files.limit), String(limitMb * 1024 * 1024));
      for (const [file, value] of files.extra) {
        try {
          writeFileSync(join(dir, file), value);
        } catch {
          // Optional (no swap accounting, an older kernel): the limit itself is in place.
        }
      }
      const oomKills = () => {
        try {
          const match = /^oom_kill (\d+)$/m.exec(readFileSync(join(dir, files.oomEvents), "utf8"));
          return match ? Number(match[1]) : 0;
        } catch {
          return 0;
        }
      };
      return {
        // The shell joins the cgroup, then becomes the command: the process starts inside it.
        wrap: (argv) => [
          "sh",
          "-c",
          'echo $$ > "$0" && exec "$@"',
          join(dir, files.procs),
          ...argv,
        ],
        watch: () => undefined,
        oomKilled: () => oomKills() > 0,
        release: () => removeMachine(dir),
      };
    },
    close: () => {
      closed = true;
      if (live.size === 0) removeBase();
    },
  };
}

/**
 * Removes a cgroup folder once it is empty. Right after a machine's main process exits the rest
 * of its group may still be there: killed, but not yet reaped by init (a zombie still counts as
 * a member), so this tries again every second for a minute.
 */
function removeCgroup(dir: string, done: () => void, attempt = 0): void {
  try {
    rmdirSync(dir);
    done();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return done();
    if (attempt < 60) setTimeout(() => removeCgroup(dir, done, attempt + 1), 1_000).unref();
  }
}

function watchdogLimiter(): MemoryLimiter {
  return {
    mechanism: `watchdog (the process group's ${process.platform === "linux" ? "PSS" : "RSS"}, every ${WATCHDOG_INTERVAL_MS} ms)`,
    confine(_machineId, limitMb) {
      let timer: NodeJS.Timeout | undefined;
      let killed = false;
      return {
        wrap: (argv) => [...argv],
        watch(pgid, kill) {
          timer = setInterval(() => {
            if (processGroupMemory(pgid) > limitMb * 1024 * 1024) {
              killed = true;
              clearInterval(timer);
              kill();
            }
          }, WATCHDOG_INTERVAL_MS);
          timer.unref();
        },
        oomKilled: () => killed,
        release: () => clearInterval(timer),
      };
    },
    close: () => undefined,
  };
}
