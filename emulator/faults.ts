import { badRequest } from "./api-errors";

/** Faults injected into the transport of matching requests. */
export const TRANSPORT_FAULT_KINDS = [
  "429",
  "500",
  "502",
  "503",
  "504",
  "reset",
  "delay",
  "timeout_after_commit",
  "reset_after_commit",
] as const;
export type TransportFaultKind = (typeof TRANSPORT_FAULT_KINDS)[number];

/** Faults injected into the simulated world rather than one request. */
export const WORLD_FAULT_KINDS = [
  "checks_fail",
  "exit_after_start",
  "no_capacity",
  "list_lag",
] as const;
export type WorldFaultKind = (typeof WORLD_FAULT_KINDS)[number];

/**
 * A transport fault: the next `remaining` requests matching `route` (`"POST /v1/apps/*\/machines"`;
 * a `*`, `:name` or `{name}` segment matches any one segment) fail this way.
 */
export interface TransportFault {
  id: number;
  kind: TransportFaultKind;
  route: string;
  remaining: number;
  delay_ms: number;
}

/** A world fault, active until cleared. */
export interface WorldFault {
  id: number;
  kind: WorldFaultKind;
  /** checks_fail / exit_after_start: machines running this image are affected. */
  image?: string;
  /** exit_after_start: the exit code the main process reports. */
  exit_code?: number;
  /** no_capacity: machine and volume creates in this region fail. */
  region?: string;
  /**
   * list_lag: lists of machines and volumes leave out those created less than this many ms ago,
   * as Fly's lists lag its writes (flyctl waits before listing after a create for that reason).
   */
  lag_ms?: number;
}

function segments(route: string): { method: string; parts: string[] } {
  const [method, path = ""] = route.trim().split(/\s+/, 2);
  return { method: method.toUpperCase(), parts: path.split("/") };
}

function isWildcard(segment: string): boolean {
  return segment === "*" || segment.startsWith(":") || /^\{\w+\}$/.test(segment);
}

/** Whether a fault's route pattern matches a request's method and concrete path. */
export function routeMatches(pattern: string, method: string, path: string): boolean {
  const want = segments(pattern);
  const got = path.split("/");
  if (want.method !== method.toUpperCase() || want.parts.length !== got.length) return false;
  return want.parts.every((part, i) => isWildcard(part) || part === got[i]);
}

/** The set of active faults and the rules for consuming them. */
export class FaultBook {
  private nextId = 1;
  transport: TransportFault[] = [];
  world: WorldFault[] = [];

  /** Adds a fault from a control request body; throws a 400 naming the bad field. */
  add(body: Record<string, unknown>): TransportFault | WorldFault {
    const kind = String(body.kind ?? "");
    if ((TRANSPORT_FAULT_KINDS as readonly string[]).includes(kind)) {
      if (typeof body.route !== "string" || !/^[A-Za-z]+ \//.test(body.route)) {
        throw badRequest('fault.route must look like "POST /v1/apps/*/machines"');
      }
      const count = body.count === undefined ? 1 : Number(body.count);
      if (!Number.isInteger(count) || count < 1) {
        throw badRequest("fault.count must be an integer >= 1");
      }
      const fault: TransportFault = {
        id: this.nextId++,
        kind: kind as TransportFaultKind,
        route: body.route,
        remaining: count,
        delay_ms: Number(body.delay_ms ?? 0),
      };
      this.transport.push(fault);
      return fault;
    }
    if ((WORLD_FAULT_KINDS as readonly string[]).includes(kind)) {
      const fault: WorldFault = { id: this.nextId++, kind: kind as WorldFaultKind };
      if (kind === "list_lag") {
        const lag = Number(body.lag_ms);
        if (!Number.isFinite(lag) || lag <= 0) {
          throw badRequest("fault.lag_ms must be a positive number for list_lag");
        }
        fault.lag_ms = lag;
      } else if (kind === "no_capacity") {
        if (typeof body.region !== "string") {
          throw badRequest("fault.region is required for no_capacity");
        }
        fault.region = body.region;
      } else {
        if (typeof body.image !== "string") throw badRequest(`fault.image is required for ${kind}`);
        fault.image = body.image;
        if (kind === "exit_after_start") fault.exit_code = Number(body.exit_code ?? 1);
      }
      this.world.push(fault);
      return fault;
    }
    throw badRequest(
      `fault.kind must be one of ${[...TRANSPORT_FAULT_KINDS, ...WORLD_FAULT_KINDS].join(", ")}`,
    );
  }

  /** Takes one use of the first transport fault matching the request, if any. */
  consume(method: string, path: string): TransportFault | undefined {
    const fault = this.transport.find(
      (f) => f.remaining > 0 && routeMatches(f.route, method, path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.transport = this.transport.filter((f) => f.remaining > 0);
    return { ...fault };
  }

  /** The first active world fault of `kind` that applies to an image or region. */
  worldFault(
    kind: WorldFaultKind,
    match: { image?: string; region?: string },
  ): WorldFault | undefined {
    return this.world.find(
      (f) =>
        f.kind === kind &&
        (f.image === undefined || f.image === match.image) &&
        (f.region === undefined || f.region === match.region),
    );
  }

  /** Whether a list should still leave out what was created at `createdMs` (list_lag). */
  lagsBehind(createdMs: number, nowMs: number): boolean {
    return this.world.some(
      (f) => f.kind === "list_lag" && f.lag_ms !== undefined && nowMs - createdMs < f.lag_ms,
    );
  }

  /** Removes every fault. */
  clear(): void {
    this.transport = [];
    this.world = [];
  }
}
