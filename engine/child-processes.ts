import { spawn, type ChildProcess } from "node:child_process";

const liveGroups = new Set<number>();
let exitHookInstalled = false;
let guardian: ChildProcess | undefined;

/**
 * The guardian: a small Node process holding the read end of a pipe from this one. It is told
 * every process group the engine starts and stops; when the pipe closes, which happens however
 * this process ends (SIGKILL included), it SIGKILLs the groups still listed and exits. So no
 * program, provider host or local command outlives the engine, even when nothing in the engine
 * gets to run its cleanup. It runs in its own process group (a terminal's Ctrl-C reaches only the
 * engine) and keeps neither this process nor itself alive.
 */
const GUARDIAN_SOURCE = `
const groups = new Set();
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  let end;
  while ((end = pending.indexOf("\\n")) >= 0) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    const pid = Number(line.slice(1));
    if (line[0] === "+") groups.add(pid); else groups.delete(pid);
  }
});
process.stdin.on("close", () => {
  for (const pid of groups) { try { process.kill(-pid, "SIGKILL"); } catch {} }
  process.exit(0);
});
`;

function tellGuardian(line: string): void {
  if (guardian === undefined) {
    guardian = spawn(process.execPath, ["-e", GUARDIAN_SOURCE], {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
    });
    guardian.on("error", () => undefined);
    guardian.stdin!.on("error", () => undefined);
    guardian.unref();
    (guardian.stdin as unknown as { unref?: () => void }).unref?.();
  }
  guardian.stdin!.write(`${line}\n`);
}

/**
 * Registers a detached child's process group so it is SIGKILLed if this process ends before the
 * operation could stop it: at `exit` (an uncaught exception, `process.exit`, a closed stdout pipe)
 * by this process, and by the guardian when this process is killed outright. Children run in
 * their own process groups, which nothing else would clean up.
 *
 * @returns a function to call once the child has exited.
 */
export function trackProcessGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  liveGroups.add(pid);
  tellGuardian(`+${pid}`);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const group of liveGroups) signalProcessGroup(group, "SIGKILL");
    });
  }
  return () => {
    if (liveGroups.delete(pid)) tellGuardian(`-${pid}`);
  };
}

/** The guardian's process id, once it runs (tests check that it ends with the engine). */
export function guardianPid(): number | undefined {
  return guardian?.pid;
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalProcessGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has exited already.
  }
}
