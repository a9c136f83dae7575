import type { Emulator } from "./emulator";

/** Listeners per emulator, told whenever a machine changes state; long-polls re-check on each. */
const watchers = new WeakMap<Emulator, Set<() => void>>();

/** Registers `listener` for machine changes of `emulator`; returns the function that removes it. */
export function watchMachines(emulator: Emulator, listener: () => void): () => void {
  let set = watchers.get(emulator);
  if (!set) {
    set = new Set();
    watchers.set(emulator, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells every listener that some machine of `emulator` changed. */
export function notifyMachineWatchers(emulator: Emulator): void {
  for (const listener of [...(watchers.get(emulator) ?? [])]) listener();
}

/** How many long-polls of `emulator` are waiting for a machine change right now. */
export function machineWatcherCount(emulator: Emulator): number {
  return watchers.get(emulator)?.size ?? 0;
}
