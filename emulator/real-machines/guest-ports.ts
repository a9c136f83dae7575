/**
 * Guest ports on loopback. Inside a Fly machine every app may listen on port 3000; here all
 * machines share one computer, so each port a machine's config declares (a service's
 * `internal_port`, a check's `port`) gets a loopback port of its own, chosen at the machine's
 * first boot and kept for its whole life (so its `local_url` stays put across restarts and
 * updates, and across emulator restarts with `--state`).
 *
 * The gateway is told the host port in its command (`--port 3000` becomes `--port 41234`), so it
 * listens directly on the URL a browser opens and the Control UI origins it derives from its own
 * port match that URL. A preloaded module (`guest-listen.mjs`) moves any listener on all
 * interfaces to 127.0.0.1 and any listener on a declared guest port to its host port.
 */
import { createServer } from "node:net";
import type { MachineConfig } from "../machine-config-decoding";

/** The guest ports a config declares, in order of first mention: services, then checks. */
export function declaredPorts(config: MachineConfig): number[] {
  const ports: number[] = [];
  const add = (value: unknown) => {
    if (typeof value === "number" && Number.isInteger(value) && !ports.includes(value)) {
      ports.push(value);
    }
  };
  const services = Array.isArray(config.services) ? config.services : [];
  for (const service of services as Array<Record<string, unknown>>) {
    add(service.internal_port);
    const checks = Array.isArray(service.checks) ? service.checks : [];
    for (const check of checks as Array<Record<string, unknown>>) add(check.port);
  }
  const checks = (config.checks ?? {}) as Record<string, Record<string, unknown>>;
  for (const check of Object.values(checks)) add(check.port);
  return ports;
}

/** Whether 127.0.0.1:`port` can be listened on right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A loopback port nobody listens on (chosen by the operating system). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The host port of every declared guest port: the machine's remembered ones, and new ones for
 * ports its config declares for the first time.
 */
export async function assignPorts(
  declared: readonly number[],
  remembered: Readonly<Record<string, number>> = {},
): Promise<Record<string, number>> {
  const assigned: Record<string, number> = {};
  for (const port of declared) assigned[port] = remembered[port] ?? (await freePort());
  return assigned;
}

/**
 * Rewrites the value of `--port` (`--port 3000`, `--port=3000`) when it names a declared guest
 * port, in one argument list: as its own arguments, or inside one (a `sh -c` script).
 */
export function rewritePortArguments(
  argv: readonly string[],
  ports: Readonly<Record<string, number>>,
): string[] {
  const mapped = (value: string) => (ports[value] === undefined ? value : String(ports[value]));
  return argv.map((arg, i) => {
    if (i > 0 && argv[i - 1] === "--port" && /^\d+$/.test(arg)) return mapped(arg);
    return arg.replace(
      /(^|\s)(--port(?:=|\s+))(\d+)(?=$|[\s;&|)])/g,
      (_all, lead: string, flag: string, value: string) => `${lead}${flag}${mapped(value)}`,
    );
  });
}

/** The `local_url` of a machine: its first declared port (the service's internal port). */
export function localUrlOf(
  declared: readonly number[],
  ports: Readonly<Record<string, number>>,
): string | undefined {
  const first = declared[0];
  return first === undefined ? undefined : `http://127.0.0.1:${ports[first]}`;
}
