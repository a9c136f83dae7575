/**
 * Destroying a FlyMachine the way Fly wants it done: under its lease, stopped first, then
 * destroyed, and awaited until gone so that its volume is released for whoever deletes it next.
 * A machine another stack has since taken over is left to that stack.
 */
import { isNotFound } from "../fly-client/fly-api-error";
import { marksOf } from "./machine-api-config";
import { leaseOptions } from "./machine-rollout";
import type { MachineTarget, RolloutContext } from "./machine-rollout";

/** States of a machine that runs or is on its way to running: it must be stopped first. */
const RUNNING_STATES = ["started", "starting", "replacing", "updating", "restarting"];

/** Destroys the machine; one that no longer exists counts as destroyed. */
export async function destroyMachine(ctx: RolloutContext, target: MachineTarget): Promise<void> {
  const { client, progress } = ctx;
  const machine = await client.machines.getOrUndefined(target.app, target.id);
  if (machine === undefined || machine.state === "destroyed") return;
  const owner = marksOf(machine.config ?? {}).stack;
  if (owner !== undefined && owner !== ctx.stack) {
    // Another stack took the machine over on purpose: it is that stack's to destroy.
    progress(`leaving machine ${target.id} in place: it now belongs to stack ${owner}`);
    return;
  }
  const lease = await client.leases.acquire(
    target.app,
    target.id,
    leaseOptions(ctx, "destroying the machine"),
  );
  try {
    if (RUNNING_STATES.includes(machine.state)) {
      progress(`stopping machine ${target.id}`);
      await client.machines.stop(target.app, target.id, { leaseNonce: lease.nonce });
    }
    if (RUNNING_STATES.includes(machine.state) || machine.state === "stopping") {
      await client.waits.waitForState(target.app, target.id, {
        state: "stopped",
        timeoutMs: ctx.healthTimeoutMs,
        onProgress: progress,
      });
    }
    progress(`destroying machine ${target.id}`);
    await client.machines.delete(target.app, target.id, { leaseNonce: lease.nonce });
  } catch (error) {
    // The machine still exists: let go of it so that the next attempt (or anyone) can act.
    await client.leases.release(target.app, target.id, lease.nonce).catch(() => undefined);
    throw error;
  }
  // A destroyed machine takes its lease with it; nothing is left to release.
  try {
    await client.waits.waitForState(target.app, target.id, {
      state: "destroyed",
      timeoutMs: ctx.healthTimeoutMs,
      onProgress: progress,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
