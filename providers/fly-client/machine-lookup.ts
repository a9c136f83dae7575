/**
 * Reading one machine: the `GET` every machine module builds on, and a client of only that for
 * callers that need nothing else of the machines.
 */
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";
import { isNotFound } from "./fly-api-error";
import { machineSchemas } from "./machine-schemas";
import type { Machine } from "./machine-schemas";
import type { MachineOperations } from "./machine-operations";

/** Path of one machine; the other machine modules extend it. */
export const MACHINE_PATH = "/v1/apps/{app}/machines/{machine}";

/**
 * Only the lookup of one machine, for a caller that needs nothing else of the machines
 * (FlyVolume, about the machine a volume is attached to): it cannot change a machine by mistake.
 */
export function createMachineLookupClient(
  options: FlyClientOptions,
): Pick<MachineOperations, "getOrUndefined"> {
  const ctx = createClientContext(options);
  return { getOrUndefined: (app, id, callOptions) => findMachine(ctx, app, id, callOptions) };
}

/** The machine; a FlyApiError (404) once it is gone. */
export function getMachine(
  ctx: ClientContext,
  app: string,
  id: string,
  options: CallOptions = {},
): Promise<Machine> {
  return ctx.send({
    method: "GET",
    path: MACHINE_PATH,
    params: { app, machine: id },
    schema: machineSchemas().machine,
    action: "machine_get",
    scope: id,
    idempotent: true,
    signal: options.signal,
  });
}

/** The machine, or undefined when it does not exist. */
export async function findMachine(
  ctx: ClientContext,
  app: string,
  id: string,
  options?: CallOptions,
): Promise<Machine | undefined> {
  try {
    return await getMachine(ctx, app, id, options);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
