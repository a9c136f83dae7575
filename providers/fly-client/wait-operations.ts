/**
 * Waiting for machines: for a state through Fly's long-poll `/wait` endpoint, and for health
 * through the machine's check results.
 *
 * `/wait` holds a request for at most 60 s and answers 408 when the state was not reached, so
 * longer waits are a loop of calls. "Started" is not "healthy": a provider is done only once every
 * check passes, and must not sit out its whole timeout when the machine has already died
 * (flyctl#2653).
 */
import { clientError, hasKind, isNotFound } from "./fly-api-error";
import type { FlyApiError } from "./fly-api-error";
import { apiSilence, SILENT_RETRY_MS } from "./api-silence";
import { getMachine } from "./machine-lookup";
import { waitSchemas } from "./machine-schemas";
import type { Machine, MachineCheckStatus, MachineEvent, WaitResult } from "./machine-schemas";
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** Options of one `/wait` call. */
export interface WaitOptions extends CallOptions {
  /** Target state: started, stopped, suspended, destroyed, failed or settled. */
  state: string;
  /** Wait for this machine version (the `instance_id` an update returned). */
  version?: string;
  /** How long the server holds the request; clamped to 1..60 s. Default 60. */
  timeoutSeconds?: number;
}

/** Options of a whole wait, however many calls it takes. */
export interface WaitForStateOptions extends CallOptions {
  state: string;
  version?: string;
  /** Overall limit in milliseconds. */
  timeoutMs: number;
  /** Receives human-readable progress lines. */
  onProgress?: (message: string) => void;
}

/** Options of a wait for passing health checks. */
export interface WaitForChecksOptions extends CallOptions {
  timeoutMs: number;
  /** Pause between polls. Default 1000 ms. */
  pollMs?: number;
  /** Only checks of this machine version count. */
  version?: string;
  onProgress?: (message: string) => void;
}

/** The wait operations of the client. */
export interface WaitOperations {
  /** One `/wait` call: resolves when reached, throws a FlyApiError (408) when not in time. */
  wait(app: string, id: string, options: WaitOptions): Promise<WaitResult>;
  /** Waits for a state past the server's 60 s limit; 408 answers mean "keep waiting". */
  waitForState(app: string, id: string, options: WaitForStateOptions): Promise<WaitResult>;
  /**
   * Polls the machine until it reports at least one check and all of them pass. Fails fast when
   * the machine is stopped, failed or destroyed, its latest event is an unrequested exit that Fly
   * does not restart from, or its process exited `CRASH_LOOP_EXITS` times since the wait began.
   */
  waitForChecks(app: string, id: string, options: WaitForChecksOptions): Promise<Machine>;
}

/** States from which a machine will not become healthy without someone acting. */
const DEAD_STATES = ["stopped", "failed", "destroyed"];

/**
 * Exits since the wait began after which a machine counts as crash-looping: its restart policy
 * keeps bringing it back (so it never rests stopped), but a process that died this often before
 * its checks ever passed will not become healthy by waiting.
 */
export const CRASH_LOOP_EXITS = 3;

/** Event timestamps are the server's clock: this much skew against ours is allowed for. */
const CLOCK_SKEW_MS = 5_000;

/** The wait operations alone, over a transport of their own. */
export function createWaitsClient(options: FlyClientOptions): WaitOperations {
  const ctx = createClientContext(options);
  return waitOperations(ctx, (app, id, callOptions) => getMachine(ctx, app, id, callOptions));
}

/** Builds the wait operations; `getMachine` is the client's `machines.get`. */
export function waitOperations(
  ctx: ClientContext,
  getMachine: (app: string, id: string, options?: CallOptions) => Promise<Machine>,
): WaitOperations {
  const { clock } = ctx;
  const wait = async (app: string, id: string, options: WaitOptions): Promise<WaitResult> => {
    const seconds = Math.min(60, Math.max(1, Math.ceil(options.timeoutSeconds ?? 60)));
    const result = await ctx.send({
      method: "GET",
      path: "/v1/apps/{app}/machines/{machine}/wait",
      params: { app, machine: id },
      query: { state: options.state, version: options.version, timeout: seconds },
      schema: waitSchemas().waitResult,
      action: "machine_wait",
      scope: id,
      idempotent: true,
      noRetryOn408: true,
      timeoutMs: seconds * 1000 + ctx.requestTimeoutMs,
      signal: options.signal,
    });
    return result ?? { ok: true };
  };

  return {
    wait,

    async waitForState(app, id, options) {
      const startedMs = clock.now();
      const target = options.version
        ? `${options.state} (version ${options.version})`
        : options.state;
      const silence = apiSilence(app, id, `waiting for ${target}`, options.onProgress);
      for (;;) {
        const remainingMs = startedMs + options.timeoutMs - clock.now();
        if (remainingMs <= 0) {
          silence.throwIfUnanswered(options.timeoutMs);
          const machine = await getMachine(app, id, options).catch(() => undefined);
          const now = machine ? `; it is ${machine.state}` : "";
          throw waitTimeout(
            app,
            id,
            `did not reach ${target} within ${options.timeoutMs} ms${now}`,
          );
        }
        try {
          const seconds = Math.ceil(remainingMs / 1000);
          return await wait(app, id, { ...options, timeoutSeconds: seconds });
        } catch (error) {
          // Fly forgets destroyed machines after a while: gone is as destroyed as it gets.
          if (options.state === "destroyed" && isNotFound(error)) {
            return { ok: true, state: "destroyed" };
          }
          if (hasKind(error, "fly.request_timeout")) {
            silence.answered();
            const elapsedS = Math.round((clock.now() - startedMs) / 1000);
            options.onProgress?.(`machine ${id}: waiting for ${target} (${elapsedS}s)`);
            continue;
          }
          silence.heard(error);
          await clock.sleep(SILENT_RETRY_MS, options.signal);
        }
      }
    },

    async waitForChecks(app, id, options) {
      const startedMs = clock.now();
      const pollMs = options.pollMs ?? 1000;
      const silence = apiSilence(app, id, "waiting for its checks", options.onProgress);
      let lastReport = "";
      // A stopped machine may no longer report checks; the last results seen explain why it died.
      let lastChecks: MachineCheckStatus[] = [];
      for (;;) {
        const timeUp = () => clock.now() + pollMs - startedMs > options.timeoutMs;
        let machine: Machine;
        try {
          machine = await getMachine(app, id, options);
          silence.answered();
        } catch (error) {
          // Only the machine's own state and checks decide its health: the API's silence does not.
          silence.heard(error);
          if (timeUp()) silence.throwIfUnanswered(options.timeoutMs);
          await clock.sleep(pollMs, options.signal);
          continue;
        }
        const version = machine.instance_id ?? machine.version;
        const sameVersion = options.version === undefined || version === options.version;
        const checks = machine.checks ?? [];
        if (sameVersion && checks.length > 0) lastChecks = checks;
        const exit = sameVersion ? unrequestedExit(machine.events ?? []) : undefined;
        const exits = sameVersion ? exitsSince(machine.events ?? [], startedMs) : [];
        if (exits.length >= CRASH_LOOP_EXITS) {
          const last = describeExit(exits[exits.length - 1]);
          throw clientError(
            "client.machine_failed",
            `machine ${id} in app ${app} is crash-looping: its process exited ${exits.length} times since the wait began (the last time, ${last.replace(/^its process /, "it ")}); ${describeChecks(lastChecks)}`,
            { method: "GET", path: machinePath(app, id) },
          );
        }
        // An exit Fly restarts from is not the end: a gateway on a busy host may fail one boot
        // and pass the next. The crash-loop count above ends a wait on one that keeps failing.
        const restarting =
          exit?.request?.exit_event?.restarting === true &&
          !["failed", "destroyed"].includes(machine.state);
        if (!restarting && (DEAD_STATES.includes(machine.state) || exit !== undefined)) {
          const how = exit === undefined ? "" : ` (${describeExit(exit)})`;
          const seen =
            checks.length === 0 && lastChecks.length > 0
              ? `last seen: ${describeChecks(lastChecks)}`
              : describeChecks(checks);
          throw clientError(
            "client.machine_failed",
            `machine ${id} in app ${app} is ${machine.state}${how}; ${seen}`,
            { method: "GET", path: machinePath(app, id) },
          );
        }
        if (sameVersion && checks.length > 0 && checks.every((c) => c.status === "passing")) {
          return machine;
        }
        const report = sameVersion
          ? `machine ${id}: ${describeChecks(checks)}`
          : `machine ${id}: waiting for version ${options.version} (now ${version})`;
        if (report !== lastReport) options.onProgress?.(report);
        lastReport = report;
        if (timeUp()) {
          const detail = `not healthy within ${options.timeoutMs} ms (${machine.state}); ${describeChecks(checks)}`;
          throw waitTimeout(app, id, detail);
        }
        await clock.sleep(pollMs, options.signal);
      }
    },
  };
}

/**
 * Exits nobody asked for, from `sinceMs` on (allowing for clock skew), oldest first, and never
 * from before the machine's latest `launch` or `update` event: the exits of a version an update
 * replaced a moment ago are not the new version's.
 */
export function exitsSince(events: readonly MachineEvent[], sinceMs: number): MachineEvent[] {
  const versionStart = Math.max(
    0,
    ...events.filter((e) => e.type === "launch" || e.type === "update").map((e) => e.timestamp),
  );
  const from = Math.max(sinceMs - CLOCK_SKEW_MS, versionStart);
  return events
    .filter(
      (e) =>
        e.type === "exit" && e.timestamp >= from && e.request?.exit_event?.requested_stop !== true,
    )
    .sort((a, b) => a.timestamp - b.timestamp);
}

/** The newest start-or-exit event when it is an exit nobody asked for, else undefined. */
function unrequestedExit(events: MachineEvent[]): MachineEvent | undefined {
  const latest = events
    .filter((e) => e.type === "start" || e.type === "exit")
    .sort((a, b) => b.timestamp - a.timestamp)[0];
  if (latest?.type !== "exit") return undefined;
  return latest.request?.exit_event?.requested_stop === true ? undefined : latest;
}

function describeExit(event: MachineEvent): string {
  const exit = event.request?.exit_event;
  if (exit?.oom_killed) return "its process was killed for lack of memory";
  const code = exit?.exit_code;
  return code === undefined || code === null
    ? "its process exited"
    : `its process exited with code ${code}`;
}

function describeChecks(checks: MachineCheckStatus[]): string {
  if (checks.length === 0) return "no check results";
  const passing = checks.filter((c) => c.status === "passing").length;
  const failing = checks
    .filter((c) => c.status !== "passing")
    .map((c) => `check "${c.name}" is ${c.status}${c.output ? `: ${c.output.trim()}` : ""}`);
  return [`${passing}/${checks.length} checks passing`, ...failing].join("; ");
}

function machinePath(app: string, id: string): string {
  return `/v1/apps/${encodeURIComponent(app)}/machines/${encodeURIComponent(id)}`;
}

function waitTimeout(app: string, id: string, detail: string): FlyApiError {
  return clientError("client.wait_timeout", `machine ${id} in app ${app} ${detail}`, {
    method: "GET",
    path: machinePath(app, id),
  });
}
