import { type ApiError, badRequest, preconditionFailed } from "../api-errors";
import { STOP_SIGNALS } from "../machine-config-decoding";
import {
  processExited,
  restartMachine,
  startMachine,
  stopMachine,
  suspendMachine,
} from "../machine-lifecycle";
import { readJsonObject, type Handler, type RequestContext, type Router } from "../router";
import type { MachineRecord, MachineState } from "../state";
import { requireLeaseNonce } from "./lease-routes";
import { eventsJson, versionsJson } from "./machine-json";
import { queryBool, queryInt } from "./query-params";

/** Signals the signal endpoint accepts (the spec's `SignalRequest` enum) and their numbers. */
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** A Go duration ("10s", "1m30s") or a whole number of seconds, as Fly's timeouts accept. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$|^\d+$/;

/** Fly's refusal of an action the machine's state does not allow (text seen verbatim for start). */
function unableFrom(action: string, state: MachineState): ApiError {
  return preconditionFailed(`unable to ${action} machine from current state: '${state}'`);
}

function checkTimeout(value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (!DURATION.test(String(value))) {
    throw badRequest(
      `invalid ${field} ${JSON.stringify(value)}: must be a duration such as "10s" or a number of seconds`,
    );
  }
}

function checkStopSignal(value: unknown, field: string): void {
  if (value === undefined || value === null || value === "") return;
  if (!STOP_SIGNALS.includes(String(value))) {
    throw badRequest(
      `invalid ${field} ${JSON.stringify(value)}: must be one of ${STOP_SIGNALS.join(", ")}`,
    );
  }
}

/**
 * A mutating machine action: looks the machine up, checks the lease nonce first (as Fly does), then
 * runs `act`, which answers `{"ok": true}` unless it returns a body of its own.
 */
function action(act: (machine: MachineRecord, ctx: RequestContext) => unknown): Handler {
  return (ctx) => {
    const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
    requireLeaseNonce(ctx, machine);
    const body = act(machine, ctx);
    return { status: 200, body: body ?? { ok: true } };
  };
}

/** Start, stop, restart, suspend, signal, cordon, uncordon, events and versions of a machine. */
export function registerMachineActionRoutes(router: Router): void {
  const base = "/v1/apps/{app_name}/machines/{machine_id}";
  const limit = (name: string) => ({ action: name, scopeParam: "machine_id" as const });

  router.add(
    "POST",
    `${base}/start`,
    action((machine, { emulator }) => {
      const previous = machine.state;
      if (!["created", "stopped", "suspended", "failed"].includes(previous)) {
        throw unableFrom("start", previous);
      }
      startMachine(emulator, machine);
      return { previous_state: previous, migrated: false, new_host: "" };
    }),
    limit("machine_start"),
  );

  router.add(
    "POST",
    `${base}/stop`,
    action((machine, ctx) => {
      const body = readJsonObject(ctx, "main.stopRequest");
      checkStopSignal(body.signal, "signal");
      checkTimeout(body.timeout, "timeout");
      if (machine.state === "destroying" || machine.state === "destroyed") {
        throw unableFrom("stop", machine.state);
      }
      // Stopping a stopped machine is a no-op; stopping a suspended one discards its snapshot.
      if (machine.state !== "stopped" && machine.state !== "stopping") {
        stopMachine(ctx.emulator, machine, { signal: body.signal, timeout: body.timeout });
      }
      return undefined;
    }),
    limit("machine_stop"),
  );

  router.add(
    "POST",
    `${base}/restart`,
    action((machine, { emulator, query }) => {
      checkStopSignal(query.get("signal"), "signal");
      checkTimeout(query.get("timeout"), "timeout");
      queryBool(query, "force_stop");
      if (machine.state !== "started") throw unableFrom("restart", machine.state);
      restartMachine(emulator, machine, {
        signal: query.get("signal") ?? undefined,
        timeout: query.get("timeout") ?? undefined,
      });
      return undefined;
    }),
    limit("machine_restart"),
  );

  router.add(
    "POST",
    `${base}/suspend`,
    action((machine, { emulator }) => {
      if (machine.state !== "started") throw unableFrom("suspend", machine.state);
      suspendMachine(emulator, machine);
      return undefined;
    }),
    limit("machine_suspend"),
  );

  router.add(
    "POST",
    `${base}/signal`,
    action((machine, ctx) => {
      const raw = readJsonObject(ctx, "main.SignalRequest").signal;
      // The spec names signals; fly-go's Kill sends the number 9.
      const number = typeof raw === "number" ? raw : SIGNAL_NUMBERS[String(raw)];
      if (raw === undefined || !Object.values(SIGNAL_NUMBERS).includes(number)) {
        throw badRequest(
          `invalid signal ${JSON.stringify(raw ?? null)}: must be one of ${Object.keys(SIGNAL_NUMBERS).join(", ")} or its number`,
        );
      }
      if (machine.state !== "started") throw unableFrom("signal", machine.state);
      const name = Object.keys(SIGNAL_NUMBERS).find((key) => SIGNAL_NUMBERS[key] === number);
      // A real process gets the signal and does what it does with it; its exit, if any, is an
      // exit like any other.
      if (ctx.emulator.real?.runs(machine)) {
        ctx.emulator.real.signal(machine, name as NodeJS.Signals);
        return undefined;
      }
      // The simulated process only dies of SIGKILL; the restart policy then applies.
      if (number === SIGNAL_NUMBERS.SIGKILL) {
        processExited(ctx.emulator, machine, {
          exitCode: 128 + number,
          signal: "SIGKILL",
          oomKilled: false,
        });
      }
      return undefined;
    }),
    limit("machine_signal"),
  );

  for (const [verb, cordoned] of [
    ["cordon", true],
    ["uncordon", false],
  ] as const) {
    router.add(
      "POST",
      `${base}/${verb}`,
      action((machine, { emulator }) => {
        machine.cordoned = cordoned;
        machine.updated_at = emulator.isoNow();
        return undefined;
      }),
      limit(`machine_${verb}`),
    );
  }

  router.add(
    "GET",
    `${base}/events`,
    ({ emulator, params, query }) => {
      const machine = emulator.machine(params.app_name, params.machine_id);
      const requested = queryInt(query, "limit") ?? 20;
      if (requested < 1) throw badRequest(`invalid limit ${requested}: must be at least 1`);
      // The spec caps the page at 50 events.
      return { status: 200, body: eventsJson(machine, Math.min(requested, 50)) };
    },
    limit("machine_events"),
  );

  router.add(
    "GET",
    `${base}/versions`,
    ({ emulator, params }) => ({
      status: 200,
      body: versionsJson(emulator.machine(params.app_name, params.machine_id)),
    }),
    limit("machine_versions"),
  );
}
