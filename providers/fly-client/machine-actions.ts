/**
 * Start, stop and restart of a machine, safe to repeat after an answer was lost.
 *
 * These POSTs are not idempotent on Fly: starting a machine that is already `started` answers
 * 412 `unable to start machine from current state: 'started'`. So after an ambiguous failure
 * (408, 5xx, reset) the machine is read first, and a state the action leads to is taken as proof
 * that the lost attempt went through; only otherwise is the action sent again.
 */
import type { ClientContext } from "./call-options";
import { createOrAdopt } from "./create-or-adopt";
import { hasKind } from "./fly-api-error";
import { findMachine, MACHINE_PATH } from "./machine-lookup";
import type { StopOptions } from "./machine-inputs";

/** The lifecycle actions of a machine. */
export type LifecycleVerb = "start" | "stop" | "restart";

/**
 * States that prove an earlier attempt of the action went through. A restart is only proven
 * while it is under way: a `started` machine may not have restarted yet, and restarting it once
 * more is harmless.
 */
export const LIFECYCLE_PROOF_STATES: Record<LifecycleVerb, readonly string[]> = {
  start: ["starting", "started"],
  stop: ["stopping", "stopped"],
  restart: ["restarting", "stopping", "starting"],
};

/** Sends `verb` for the machine; after an ambiguous failure, checks its state before repeating. */
export async function runLifecycleAction(
  ctx: ClientContext,
  verb: LifecycleVerb,
  app: string,
  id: string,
  options: StopOptions,
): Promise<void> {
  const stopBody = { signal: options.stopSignal, timeout: options.timeout };
  const hasStopBody = options.stopSignal !== undefined || options.timeout !== undefined;
  const proof = LIFECYCLE_PROOF_STATES[verb];
  await createOrAdopt(ctx, {
    create: async () => {
      await ctx.send({
        method: "POST",
        path: `${MACHINE_PATH}/${verb}`,
        params: { app, machine: id },
        body: verb === "stop" && hasStopBody ? stopBody : undefined,
        query: verb === "restart" ? stopBody : undefined,
        action: `machine_${verb}`,
        scope: id,
        // Repeated only after the state check below, never blindly by the transport.
        idempotent: false,
        leaseNonce: options.leaseNonce,
        signal: options.signal,
      });
      return true;
    },
    find: async () => {
      const machine = await findMachine(ctx, app, id, { signal: options.signal });
      return machine !== undefined && proof.includes(machine.state) ? true : undefined;
    },
    // A 412 right after our own ambiguous attempt usually means that attempt moved the machine.
    provesEarlierSuccess: (error) => hasKind(error, "fly.precondition_failed"),
    signal: options.signal,
  });
}
