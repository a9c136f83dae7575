/**
 * The guard that ends real machines' processes when the emulator dies abruptly (SIGKILL, an
 * out-of-memory kill, a crash that skips every exit handler). Machines run in process groups of
 * their own, so nothing would otherwise stop them: the guard is a tiny `sh` that reads the
 * groups to watch from a pipe held by the emulator, and when the pipe closes (the emulator is
 * gone, however it went) kills every group still listed. A clean shutdown ends the machines
 * first and unlists them, so the guard then has nothing left to kill.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

// \`kill -KILL -<pgid>\` signals a whole group in dash, bash and zsh alike (dash refuses \`--\`).
// Memory cgroup folders (`d<path>`, unlisted with `u<path>`) are removed after the kill, newest
// first, so a machine's folder goes before the emulator's; a folder is removable only once its
// killed processes were reaped, so removal is tried again every second for half a minute.
const GUARD_SCRIPT = `
groups=" "
dirs=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) groups=$(printf '%s' "$groups" | sed "s/ \${line#-} / /") ;;
    d*) dirs=" \${line#d}$dirs" ;;
    u*) dirs=$(printf '%s' "$dirs" | sed "s| \${line#u} | |") ;;
  esac
done
for group in $groups; do kill -KILL "-$group" 2>/dev/null; done
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
  left=""
  for dir in $dirs; do
    if [ -d "$dir" ] && ! rmdir "$dir" 2>/dev/null; then left="$left $dir"; fi
  done
  [ -z "$left" ] && break
  sleep 1
done
`;

/** Watches process groups on the emulator's behalf. */
export class ProcessGuard {
  private guard: ChildProcessWithoutNullStreams | undefined;

  /** Starts watching a process group (starting the guard itself when needed). */
  watch(pgid: number): void {
    this.ensure().stdin.write(`+${pgid}\n`);
  }

  /** Stops watching a group whose processes have ended. */
  forget(pgid: number): void {
    this.guard?.stdin.write(`-${pgid}\n`);
  }

  /** Removes a cgroup folder after the kill, should the emulator die before it does. */
  removeLater(dir: string): void {
    this.ensure().stdin.write(`d${dir}\n`);
  }

  /** The folder was removed: nothing left to do for it. */
  removed(dir: string): void {
    this.guard?.stdin.write(`u${dir}\n`);
  }

  /** Ends the guard (after the emulator has ended its machines). */
  close(): void {
    this.guard?.stdin.end();
    this.guard = undefined;
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.guard) return this.guard;
    // Its own process group: a Ctrl-C meant for the emulator's terminal does not end it early.
    const guard = spawn("sh", ["-c", GUARD_SCRIPT], { detached: true, stdio: "pipe" });
    guard.stdin.on("error", () => undefined);
    guard.unref();
    // The pipes must not keep the emulator's event loop alive.
    for (const stream of [guard.stdin, guard.stdout, guard.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
    this.guard = guard;
    return guard;
  }
}

/** What to kill when this process exits: every emulator's machines. */
const onExit = new Set<() => void>();

/**
 * Registers `kill` to run when this process exits (a crash included, when Node still runs its
 * exit handlers); an abrupt death that skips them is the guard's job.
 */
export function killOnExit(kill: () => void): void {
  if (onExit.size === 0) {
    process.once("exit", () => {
      for (const each of onExit) each();
    });
  }
  onExit.add(kill);
}
