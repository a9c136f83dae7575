import type { EmulatorHandle } from "../../../emulator/server";
import type { RequestLogEntry } from "../../../emulator/request-log";
import type { IpAddressRecord, MachineRecord, VolumeRecord } from "../../../emulator/state";

/**
 * Read-only views of an in-process emulator's world and request log, shaped for exact
 * assertions: what exists for an app, and which API calls a stretch of a test made.
 */

/** The machines of an app that exist (not destroyed or on their way out), by region. */
export function liveMachines(handle: EmulatorHandle, app: string): MachineRecord[] {
  return Object.values(handle.emulator.state.machines)
    .filter((m) => m.app === app && m.state !== "destroyed" && m.state !== "destroying")
    .sort((a, b) => a.region.localeCompare(b.region));
}

/** The machine of an app in a region; fails loudly when there is not exactly one. */
export function machineIn(handle: EmulatorHandle, app: string, region: string): MachineRecord {
  const found = liveMachines(handle, app).filter((m) => m.region === region);
  if (found.length !== 1) {
    throw new Error(`expected one machine of ${app} in ${region}, found ${found.length}`);
  }
  return found[0];
}

/** The volumes of an app that are not being deleted, by region. */
export function liveVolumes(handle: EmulatorHandle, app: string): VolumeRecord[] {
  return Object.values(handle.emulator.state.volumes)
    .filter((v) => v.app === app && v.destroyed_at === undefined)
    .sort((a, b) => a.region.localeCompare(b.region));
}

/** The IP assignments of an app as `type address`, sorted. */
export function ipsOf(handle: EmulatorHandle, app: string): string[] {
  return handle.emulator.state.ipAddresses
    .filter((ip: IpAddressRecord) => ip.app === app)
    .map((ip) => `${ip.type} ${ip.ip}`)
    .sort();
}

/** The app's secret names, sorted, and its secrets version. */
export function secretsOf(
  handle: EmulatorHandle,
  app: string,
): { names: string[]; version: number } | undefined {
  const record = handle.emulator.state.secrets[app];
  if (record === undefined) return undefined;
  return { names: Object.keys(record.secrets).sort(), version: record.version };
}

/** `region -> id` of the live machines, the shape of the `machineIds` stack output. */
export function machineIdsByRegion(handle: EmulatorHandle, app: string): Record<string, string> {
  return Object.fromEntries(liveMachines(handle, app).map((m) => [m.region, m.id]));
}

/** `region -> id` of the live volumes (one per region expected), like `volumeIds`. */
export function volumeIdsByRegion(handle: EmulatorHandle, app: string): Record<string, string> {
  return Object.fromEntries(liveVolumes(handle, app).map((v) => [v.region, v.id]));
}

/** The request log's current length: a mark to take the calls made after it. */
export function logMark(handle: EmulatorHandle): number {
  return handle.emulator.log.entries.length;
}

/** The requests logged since `mark`. */
export function requestsSince(handle: EmulatorHandle, mark: number): RequestLogEntry[] {
  return handle.emulator.log.entries.slice(mark);
}

/** The requests that are not reads. */
export function mutating(entries: readonly RequestLogEntry[]): RequestLogEntry[] {
  return entries.filter((entry) => entry.method !== "GET");
}

/** `METHOD path status` per request: a compact, exact view of a stretch of the log. */
export function describeRequests(entries: readonly RequestLogEntry[]): string[] {
  return entries.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

/** The requests about one machine (its own path or below it). */
export function aboutMachine(
  entries: readonly RequestLogEntry[],
  app: string,
  id: string,
): RequestLogEntry[] {
  const prefix = `/v1/apps/${app}/machines/${id}`;
  return entries.filter((entry) => entry.path === prefix || entry.path.startsWith(`${prefix}/`));
}

/**
 * The mutating calls of a machine in order, with the routine start-wait polls and background
 * lease refreshes left out:
 * `POST lease`, `POST update`, `DELETE lease`, and so on.
 */
export function machineMutations(
  entries: readonly RequestLogEntry[],
  app: string,
  id: string,
): string[] {
  const prefix = `/v1/apps/${app}/machines/${id}`;
  const described = mutating(aboutMachine(entries, app, id)).map(
    (entry) =>
      `${entry.method} ${entry.path === prefix ? "machine" : entry.path.slice(prefix.length + 1)} ${entry.status}`,
  );
  // A lease POST while a lease is already held is the background refresh that long waits make;
  // how many there are depends on timing, so they are left out of the sequence.
  let held = false;
  return described.filter((line) => {
    if (line.startsWith("POST lease ")) {
      const refresh = held;
      held = true;
      return !refresh;
    }
    if (line.startsWith("DELETE lease ")) held = false;
    return true;
  });
}

/** The first request of `method` on exactly `path`; fails loudly when there is none. */
export function firstRequest(
  log: readonly RequestLogEntry[],
  method: string,
  path: string,
): RequestLogEntry {
  const entry = log.find((e) => e.method === method && e.path === path);
  if (entry === undefined) throw new Error(`no ${method} ${path} in the request log`);
  return entry;
}

/**
 * Runs `action` once, for the first request the emulator logs that `matches`, as it is logged:
 * after the emulator acted on it and before the answer leaves. Returns a function that stops
 * watching.
 */
export function whenLogged(
  handle: EmulatorHandle,
  matches: (entry: RequestLogEntry) => boolean,
  action: (entry: RequestLogEntry) => void,
): () => void {
  const stop = handle.emulator.log.watch((entry) => {
    if (!matches(entry)) return;
    stop();
    action(entry);
  });
  return stop;
}
