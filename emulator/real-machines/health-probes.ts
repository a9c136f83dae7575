/**
 * The checks of a real machine, run for real: each declared check probes the machine's process
 * at its port (through the port's loopback mapping) and path, from its grace period after the
 * machine started, every interval, each probe bounded by the check's timeout. An HTTP check
 * passes on a 2xx answer; a TCP check passes when a connection opens. Results are reported the
 * way Fly reports them, addressed to the machine's private IP and guest port.
 */
import { STATUS_CODES } from "node:http";
import { connect } from "node:net";
import { request } from "undici";
import { definedChecks, WAITING_OUTPUT, type CheckDefinition } from "../machine-checks";
import type { CheckStatusRecord, MachineRecord } from "../state";

/** How much of a check answer's body is kept in its output. */
const OUTPUT_BODY_CHARS = 200;

/** Runs one machine's checks until stopped. */
export class HealthProber {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly machine: MachineRecord,
    private readonly ports: Readonly<Record<string, number>>,
    private readonly now: () => number,
    private readonly onChange: () => void,
  ) {}

  /** Starts probing; every check reads "waiting for status" until its first probe answers. */
  start(): void {
    const checks = definedChecks(this.machine.config);
    const at = new Date(this.now()).toISOString();
    this.machine.checks = checks.map((check) => ({
      name: check.name,
      status: "critical",
      output: WAITING_OUTPUT,
      updated_at: at,
    }));
    checks.forEach((check, index) => this.every(check, index, check.gracePeriodMs));
  }

  /** Stops probing; the machine reports no checks until it runs again. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private every(check: CheckDefinition, index: number, delayMs: number): void {
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      const result = await this.probe(check);
      if (this.stopped) return;
      this.machine.checks[index] = {
        name: check.name,
        ...result,
        updated_at: new Date(this.now()).toISOString(),
      };
      this.onChange();
      this.every(check, index, check.intervalMs);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async probe(
    check: CheckDefinition,
  ): Promise<Omit<CheckStatusRecord, "name" | "updated_at">> {
    const hostPort = this.ports[check.port];
    const shown = `[${this.machine.private_ip}]:${check.port}`;
    if (hostPort === undefined) {
      return { status: "critical", output: `dial tcp ${shown}: connect: connection refused` };
    }
    return check.type === "http"
      ? httpProbe(check, hostPort, shown)
      : tcpProbe(hostPort, shown, check.timeoutMs);
  }
}

async function httpProbe(check: CheckDefinition, hostPort: number, shown: string) {
  const scheme = check.protocol === "https" ? "https" : "http";
  const label = `${check.method} ${scheme}://${shown}${check.path}`;
  try {
    const response = await request(`${scheme}://127.0.0.1:${hostPort}${check.path}`, {
      method: check.method as "GET",
      headers: check.headers,
      headersTimeout: check.timeoutMs,
      bodyTimeout: check.timeoutMs,
      signal: AbortSignal.timeout(check.timeoutMs),
    });
    const body = (await response.body.text()).trim().slice(0, OUTPUT_BODY_CHARS);
    const status = `${response.statusCode} ${statusText(response.statusCode)}`;
    const passing = response.statusCode >= 200 && response.statusCode < 300;
    return {
      status: passing ? ("passing" as const) : ("critical" as const),
      output: `${label}: ${status}${body ? ` Output: ${body}` : ""}`,
    };
  } catch (error) {
    return { status: "critical" as const, output: `${label}: ${probeFailure(error, shown)}` };
  }
}

function tcpProbe(hostPort: number, shown: string, timeoutMs: number) {
  return new Promise<{ status: "passing" | "critical"; output: string }>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: hostPort });
    const done = (status: "passing" | "critical", output: string) => {
      socket.destroy();
      resolve({ status, output });
    };
    socket.setTimeout(timeoutMs, () => done("critical", `dial tcp ${shown}: i/o timeout`));
    socket.once("connect", () => done("passing", `TCP connection to ${shown} succeeded`));
    socket.once("error", (error) => done("critical", probeFailure(error, shown)));
  });
}

function probeFailure(error: unknown, shown: string): string {
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  if (code === "ECONNREFUSED") return `dial tcp ${shown}: connect: connection refused`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") {
    return `read tcp ${shown}: connection reset by peer`;
  }
  if (
    (error as Error).name === "TimeoutError" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT"
  ) {
    return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
  }
  return (error as Error).message;
}

function statusText(code: number): string {
  return STATUS_CODES[code] ?? "";
}
