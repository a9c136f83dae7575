const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * Registers a detached child's process group so it is SIGKILLed if this process exits before the
 * operation could stop it (an uncaught exception, `process.exit`, a closed stdout pipe). Children
 * run in their own process groups, which nothing else would clean up.
 *
 * @returns a function to call once the child has exited.
 */
export function trackProcessGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const group of liveGroups) signalProcessGroup(group, "SIGKILL");
    });
  }
  return () => liveGroups.delete(pid);
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
