/**
 * Machines' console output, where Fly offers it: `GET /api/v1/apps/{app}/logs`, the HTTP logs
 * API `fly logs` polls (on api.fly.io, beside the Machines API; undocumented but what flyctl
 * depends on). It answers JSON:API-style pages of lines, filtered by `instance` (a machine id)
 * and `region`, and a `next_token` to ask for the lines after them. Only real machines print
 * anything; simulated ones have empty consoles.
 */
import type { Emulator } from "../emulator";
import type { ConsoleLine } from "../real-machines/console-log";
import type { Router } from "../router";
import type { MachineRecord } from "../state";

/** Lines in one page, as flyctl receives them. */
const PAGE_LINES = 100;

/** One line of an app's logs, with the machine that printed it. */
interface AppLogLine {
  machine: MachineRecord;
  line: ConsoleLine;
}

/** The lines of an app's machines after `afterSeq`, oldest first (at most `limit`, the newest). */
export function appLogLines(
  emulator: Emulator,
  app: string,
  filter: { instance?: string; region?: string; afterSeq?: number; limit: number },
): AppLogLine[] {
  const real = emulator.real;
  if (!real) return [];
  const lines: AppLogLine[] = [];
  for (const machine of Object.values(emulator.state.machines)) {
    if (machine.app !== app) continue;
    if (filter.instance && machine.id !== filter.instance) continue;
    if (filter.region && machine.region !== filter.region) continue;
    for (const line of real.console(machine.id).since(filter.afterSeq ?? 0)) {
      lines.push({ machine, line });
    }
  }
  lines.sort((a, b) => a.line.seq - b.line.seq);
  return filter.afterSeq === undefined ? lines.slice(-filter.limit) : lines.slice(0, filter.limit);
}

/** `GET /api/v1/apps/{app}/logs` (Fly's logs API). */
export function registerLogRoutes(router: Router): void {
  router.add("GET", "/api/v1/apps/{app_name}/logs", ({ emulator, params, query }) => {
    emulator.app(params.app_name);
    const token = query.get("next_token");
    const afterSeq = token && /^\d+$/.test(token) ? Number(token) : undefined;
    const lines = appLogLines(emulator, params.app_name, {
      instance: query.get("instance") || undefined,
      region: query.get("region") || undefined,
      afterSeq,
      limit: PAGE_LINES,
    });
    const last = lines.at(-1)?.line.seq ?? afterSeq ?? 0;
    return {
      status: 200,
      body: {
        data: lines.map(({ machine, line }) => ({
          id: String(line.seq),
          type: "logs",
          attributes: {
            timestamp: new Date(line.timestamp).toISOString(),
            message: line.message,
            level: "info",
            instance: machine.id,
            region: machine.region,
            meta: {
              instance: machine.id,
              region: machine.region,
              event: { provider: line.stream === "runner" ? "runner" : "app" },
            },
          },
        })),
        meta: { next_token: String(last) },
      },
    };
  });
}
