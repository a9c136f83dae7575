/**
 * Destroying a FlyMachine the way Fly wants it done: under its lease, stopped first, then
 * destroyed, and awaited until gone so that its volume is released for whoever deletes it next.
 */
import { isNotFound } from "../fly-client/fly-api-error";
import type { MachineTarget, RolloutContext } from "./machine-rollout";

/** States of a machine that runs or is on its way to running: it must be stopped first. */
const RUNNING_STATES = ["started", "starting", "replacing", "updating", "restarting"];

/** Destroys the machine; one that no longer exists counts as destroyed. */
export async function destroyMachine(ctx: RolloutContext, target: MachineTarget): Promise<void> {
  const { client, tuning, progress } = ctx;
  const machine = await client.machines.getOrUndefined(target.app, target.id);
  if (machine === undefined || machine.state === "destroyed") return;
  const lease = await client.leases.acquire(target.app, target.id, {
    ttlSeconds: tuning.leaseTtlSeconds,
    description: "openclaw-fly: destroying the machine",
    acquireTimeoutMs: tuning.leaseWaitMs,
  });
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
