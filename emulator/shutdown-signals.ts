import type { EmulatorHandle } from "./server";

/**
 * Ends a command-line emulator on SIGINT or SIGTERM: real machines are stopped with their kill
 * signal and timeout (capped), the state is saved, and the process exits 0. A second signal
 * does not wait: the process exits at once, and its exit hook kills what still runs.
 */
export function stopOnSignals(handle: EmulatorHandle): void {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    handle.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
