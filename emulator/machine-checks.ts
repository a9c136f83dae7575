import type { Emulator } from "./emulator";
import { durationMs } from "./fly-durations";
import type { MachineConfig } from "./machine-config-decoding";
import type { CheckStatusRecord, MachineRecord } from "./state";

/** One health check a machine's config defines, as the emulator probes it. */
export interface CheckDefinition {
  name: string;
  type: "tcp" | "http";
  port: number;
  path: string;
  method: string;
  /** `https` probes with TLS; anything else is plain HTTP. */
  protocol: string;
  headers: Record<string, string>;
  /** When probes begin after the machine starts, how often they run, and how long each may take. */
  gracePeriodMs: number;
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Check timing when a config leaves it out. Fly does not document machine-check defaults; these
 * are the values of its fly.toml examples (interval 15s, timeout 2s) and no grace period.
 */
export const DEFAULT_CHECK_TIMING = { gracePeriodMs: 0, intervalMs: 15_000, timeoutMs: 2_000 };

/** What Fly reports for a check that has not produced a result yet. */
export const WAITING_OUTPUT = "waiting for status";

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function definition(name: string, raw: Record<string, unknown>, port: unknown): CheckDefinition {
  const headers: Record<string, string> = {};
  for (const header of Array.isArray(raw.headers) ? raw.headers : []) {
    const { name: key, values } = asRecord(header);
    if (typeof key === "string" && Array.isArray(values)) headers[key] = values.join(", ");
  }
  return {
    name,
    type: raw.type === "http" ? "http" : "tcp",
    port: typeof port === "number" ? port : 0,
    path: typeof raw.path === "string" ? raw.path : "/",
    method: typeof raw.method === "string" && raw.method !== "" ? raw.method.toUpperCase() : "GET",
    protocol: typeof raw.protocol === "string" ? raw.protocol : "http",
    headers,
    gracePeriodMs: durationMs(raw.grace_period, DEFAULT_CHECK_TIMING.gracePeriodMs, "ns"),
    intervalMs: durationMs(raw.interval, DEFAULT_CHECK_TIMING.intervalMs, "ns"),
    timeoutMs: durationMs(raw.timeout, DEFAULT_CHECK_TIMING.timeoutMs, "ns"),
  };
}

/**
 * The checks a config defines: top-level `checks` under their own names, then each service's
 * checks under the names Fly gives them, `servicecheck-<NN>-<type>-<internal port>` numbered across
 * all services. A service check without a port probes the service's internal port.
 */
export function definedChecks(config: MachineConfig): CheckDefinition[] {
  const checks = Object.entries(asRecord(config.checks)).map(([name, value]) => {
    const raw = asRecord(value);
    return definition(name, raw, raw.port);
  });
  const services = Array.isArray(config.services) ? config.services : [];
  let index = 0;
  for (const service of services.map(asRecord)) {
    const serviceChecks = Array.isArray(service.checks) ? service.checks : [];
    for (const raw of serviceChecks.map(asRecord)) {
      const type = raw.type === "http" ? "http" : "tcp";
      const name = `servicecheck-${String(index++).padStart(2, "0")}-${type}-${String(service.internal_port ?? 0)}`;
      checks.push(definition(name, raw, raw.port ?? service.internal_port));
    }
  }
  return checks;
}

function probeOutput(check: CheckDefinition, ip: string, healthy: boolean): string {
  const address = `[${ip}]:${check.port}`;
  if (check.type === "http") {
    const status = healthy ? "200 OK" : "503 Service Unavailable";
    return `GET http://${address}${check.path}: ${status}`;
  }
  return healthy
    ? `TCP connection to ${address} succeeded`
    : `dial tcp ${address}: connect: connection refused`;
}

/**
 * A real machine's probe results as a `checks_fail` fault on its image reports them: critical,
 * while the process goes on running (and reading and writing its volume), as a version broken
 * after its startup would. Without the fault, the probes' own results.
 */
function withFault(
  emulator: Emulator,
  machine: MachineRecord,
  checks: CheckStatusRecord[],
): CheckStatusRecord[] {
  const image = String(machine.config.image);
  if (emulator.faults.worldFault("checks_fail", { image }) === undefined) return checks;
  return checks.map((check) => ({
    ...check,
    status: "critical",
    output: `a checks_fail fault names image ${image} (the probe saw: ${check.output})`,
  }));
}

/**
 * Brings a machine's check results up to date and returns them. Checks only run on a started
 * machine: for `checksMs` after it started they are `critical` with "waiting for status" (nothing
 * has answered yet), then `passing` - unless a `checks_fail` world fault names the machine's image,
 * in which case they stay `critical` with the failure a broken app produces (an HTTP 503 or a
 * refused connection). Results are judged when read, so clearing the fault lets checks recover.
 */
export function refreshChecks(emulator: Emulator, machine: MachineRecord): CheckStatusRecord[] {
  if (emulator.real?.runs(machine)) {
    // A real machine's results come from its probes (real-machines/health-probes.ts).
    if (machine.state !== "started") machine.checks = [];
    return withFault(emulator, machine, machine.checks);
  }
  const since = machine.checks_since;
  if (machine.state !== "started" || since === undefined) {
    machine.checks = [];
    return machine.checks;
  }
  const judged = emulator.now() - since >= emulator.settings.checksMs;
  const image = String(machine.config.image);
  const failing = emulator.faults.worldFault("checks_fail", { image }) !== undefined;
  const updatedAt = new Date(judged ? since + emulator.settings.checksMs : since).toISOString();
  machine.checks = definedChecks(machine.config).map((check) => ({
    name: check.name,
    status: judged && !failing ? "passing" : "critical",
    output: judged ? probeOutput(check, machine.private_ip, !failing) : WAITING_OUTPUT,
    updated_at: updatedAt,
  }));
  return machine.checks;
}
