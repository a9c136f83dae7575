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
const GUARD_SCRIPT = `
groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) groups=$(printf '%s' "$groups" | sed "s/ \${line#-} / /") ;;
  esac
done
for group in $groups; do kill -KILL "-$group" 2>/dev/null; done
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
