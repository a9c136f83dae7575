import type { Emulator } from "./emulator";
import type { MachineConfig } from "./machine-config-decoding";
import type { CheckStatusRecord, MachineRecord } from "./state";

/** One health check a machine's config defines, as the emulator probes it. */
export interface CheckDefinition {
  name: string;
  type: "tcp" | "http";
  port: number;
  path: string;
}

/** What Fly reports for a check that has not produced a result yet. */
export const WAITING_OUTPUT = "waiting for status";

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function definition(name: string, raw: Record<string, unknown>, port: unknown): CheckDefinition {
  return {
    name,
    type: raw.type === "http" ? "http" : "tcp",
    port: typeof port === "number" ? port : 0,
    path: typeof raw.path === "string" ? raw.path : "/",
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
 * Brings a machine's check results up to date and returns them. Checks only run on a started
 * machine: for `checksMs` after it started they are `critical` with "waiting for status" (nothing
 * has answered yet), then `passing` - unless a `checks_fail` world fault names the machine's image,
 * in which case they stay `critical` with the failure a broken app produces (an HTTP 503 or a
 * refused connection). Results are judged when read, so clearing the fault lets checks recover.
 */
export function refreshChecks(emulator: Emulator, machine: MachineRecord): CheckStatusRecord[] {
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
