import { badRequest, notFound } from "../api-errors";
import type { Emulator } from "../emulator";
import { readJsonObject, type Router } from "../router";
import { appLogLines } from "./log-routes";
import { queryInt } from "./query-params";
import type { EmulatorState } from "../state";

/**
 * The control surface under `/__emulator/`: not part of Fly's API, unauthenticated, never logged,
 * rate limited or faulted. Tests and demos use it to inspect and steer the emulated world.
 */
export function registerControlRoutes(router: Router): void {
  router.add("POST", "/__emulator/reset", ({ emulator }) => {
    emulator.reset();
    return { status: 200, body: { ok: true } };
  });
  router.add("GET", "/__emulator/state", ({ emulator }) => ({
    status: 200,
    body: publicState(emulator),
  }));
  router.add("GET", "/__emulator/requests", ({ emulator }) => ({
    status: 200,
    body: emulator.log.toJSON(),
  }));
  router.add("DELETE", "/__emulator/requests", ({ emulator }) => {
    emulator.log.clear();
    return { status: 200, body: { ok: true } };
  });
  router.add("GET", "/__emulator/faults", ({ emulator }) => ({
    status: 200,
    body: { transport: emulator.faults.transport, world: emulator.faults.world },
  }));
  router.add("POST", "/__emulator/faults", (ctx) => ({
    status: 201,
    body: ctx.emulator.faults.add(readJsonObject(ctx, "fault")),
  }));
  router.add("DELETE", "/__emulator/faults", ({ emulator }) => {
    emulator.faults.clear();
    return { status: 200, body: { ok: true } };
  });
  router.add("GET", "/__emulator/machines/{machine_id}/logs", ({ emulator, params, query }) => {
    const machine = emulator.state.machines[params.machine_id];
    if (!machine) throw notFound("machine");
    const limit = Math.min(Math.max(queryInt(query, "lines") ?? 100, 1), 1_000);
    const lines = appLogLines(emulator, machine.app, { instance: machine.id, limit });
    return {
      status: 200,
      body: {
        machine: machine.id,
        app: machine.app,
        region: machine.region,
        ...(machine.local_url ? { local_url: machine.local_url } : {}),
        ...(emulator.real?.pidOf(machine.id) ? { pid: emulator.real.pidOf(machine.id) } : {}),
        ...(emulator.real ? { console_log: emulator.real.folders.consoleLog(machine.id) } : {}),
        lines: lines.map(({ line }) => ({
          timestamp: new Date(line.timestamp).toISOString(),
          stream: line.stream,
          message: line.message,
        })),
      },
    };
  });
  router.add("POST", "/__emulator/clock", (ctx) => {
    const advance = Number(readJsonObject(ctx, "clock").advance_ms);
    if (!Number.isFinite(advance) || advance < 0) {
      throw badRequest("clock.advance_ms must be a non-negative number");
    }
    ctx.emulator.clock.advance(advance);
    return { status: 200, body: { now: ctx.emulator.now() } };
  });
}

/**
 * The whole world as JSON, with secret values removed: the state endpoint is for inspection, and a
 * secret's value never leaves the emulator, exactly as it never leaves Fly.
 */
function publicState(emulator: Emulator): Record<string, unknown> {
  const { counters: _counters, secrets, ...rest } = emulator.state;
  const redacted: Record<string, { version: number; secrets: Record<string, unknown> }> = {};
  for (const [app, record] of Object.entries(secrets)) {
    const visible = Object.values(record.secrets).map(({ value: _value, ...shown }) => shown);
    redacted[app] = {
      version: record.version,
      secrets: Object.fromEntries(visible.map((s) => [s.name, s])),
    };
  }
  return { ...rest, secrets: redacted } satisfies Omit<EmulatorState, "counters" | "secrets"> & {
    secrets: unknown;
  };
}
