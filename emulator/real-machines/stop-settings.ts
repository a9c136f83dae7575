/**
 * How Fly stops a machine's process: its kill signal (SIGINT unless `stop_config.signal` or the
 * request names another) and how long it may take before SIGKILL (5 s unless `stop_config.timeout`
 * or the request says otherwise).
 */
import { durationMs } from "../fly-durations";
import type { MachineRecord } from "../state";

/** How a machine is asked to stop: Fly's kill signal and how long before SIGKILL. */
export interface HaltRequest {
  signal?: unknown;
  /** A duration: a Go string, or a number of seconds (the API's query and body form). */
  timeout?: unknown;
}

/** Fly's default kill signal and kill timeout (fly.toml's kill_signal and kill_timeout). */
export const DEFAULT_STOP = { signal: "SIGINT" as NodeJS.Signals, timeoutMs: 5_000 };

/** The kill signal and timeout of a stop: the request's, else the machine's `stop_config`. */
export function stopSettings(
  machine: MachineRecord,
  request: HaltRequest,
): { signal: NodeJS.Signals; timeoutMs: number } {
  const config = (machine.config.stop_config ?? {}) as Record<string, unknown>;
  const signal = [request.signal, config.signal].find(
    (s): s is string => typeof s === "string" && s !== "",
  );
  const fromConfig = durationMs(config.timeout, DEFAULT_STOP.timeoutMs, "ns");
  return {
    signal: (signal as NodeJS.Signals | undefined) ?? DEFAULT_STOP.signal,
    timeoutMs: durationMs(request.timeout, fromConfig, "s"),
  };
}
