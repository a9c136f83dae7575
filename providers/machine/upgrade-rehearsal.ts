/**
 * Rehearsing a new gateway version on a copy of the region's data before the real machine gets
 * it: fork the volume, boot the new version on the fork in a temporary machine, wait until it
 * is healthy, then remove the temporary machine and the fork. The temporary machine has no
 * services, so Fly's proxy never sends it traffic; it boots with the app's secrets like the real
 * one. Leftovers of an interrupted rehearsal (same names) are removed before the next one.
 */
import { randomUUID } from "node:crypto";
import type { Machine } from "../fly-client/fly-client";
import { DELETED_VOLUME_STATES } from "../fly-client/volume-operations";
import { marksMetadata, toApiConfig } from "./machine-api-config";
import { logTail } from "./machine-diagnosis";
import { destroyMachine } from "./machine-destroy";
import { CREATE_TAG_KEY } from "./machine-normal-form";
import { versionOf, waitUntilHealthy } from "./machine-rollout";
import type { MachineRevision, MachineTarget } from "./machine-rollout";
import type { MachineSpec } from "./machine-spec";
import type { UpgradeContext } from "./machine-upgrade";
import { capacityError, isCapacityShortage } from "../volume/volume-capacity";
import { apiCompute } from "../volume/volume-check";
import { describeError } from "../provider-kit/fly-provider";

/** The temporary machine's name: the real one's with a suffix (names allow 63 characters). */
export function rehearsalMachineName(machineName: string): string {
  return `${machineName.slice(0, 53)}-rehearsal`;
}

/** The fork's name: the real volume's with a suffix (volume names allow 30 characters). */
export function rehearsalVolumeName(volumeName: string): string {
  return `${volumeName.slice(0, 20)}_rehearsal`;
}

/** The spec the temporary machine runs: the new one on the fork, with no services. */
export function rehearsalSpec(spec: MachineSpec, forkId: string): MachineSpec {
  const { services: _noTraffic, ...rest } = spec;
  return {
    ...rest,
    mounts: (spec.mounts ?? []).map((m, i) => (i === 0 ? { ...m, volume: forkId } : m)),
  };
}

/**
 * Boots `next` on a fork of `volumeId` and waits until it is healthy; always removes the
 * temporary machine and the fork. Throws, with the real machine untouched, when it is not.
 */
export async function rehearse(
  ctx: UpgradeContext,
  target: MachineTarget,
  next: MachineRevision,
  volumeId: string,
): Promise<void> {
  const { app, region } = target;
  const where = `machine ${target.id} (${target.name}) in region ${region}`;
  const source = await ctx.volumes.get(app, volumeId);
  const names = {
    machine: rehearsalMachineName(target.name),
    volume: rehearsalVolumeName(source.name),
  };
  await removeLeftovers(ctx, app, region, names);
  ctx.progress(`rehearsing ${next.spec.image} on a fork of volume ${volumeId}`);
  const started = Date.now();
  let fork;
  try {
    fork = await ctx.volumes.create(app, {
      name: names.volume,
      region,
      size_gb: source.size_gb,
      source_volume_id: volumeId,
      // On a host with room for the temporary machine too.
      compute: apiCompute(next.spec.guest),
    });
  } catch (error) {
    if (!isCapacityShortage(error)) throw error;
    throw capacityError(
      `${where}: the rehearsal's fork of volume ${volumeId}`,
      region,
      error,
      "The machine was not touched.",
    );
  }
  let rehearsal: Machine | undefined;
  try {
    const spec = rehearsalSpec(next.spec, fork.id);
    rehearsal = await ctx.client.machines.create(
      app,
      {
        config: toApiConfig(spec, marksMetadata(next)),
        name: names.machine,
        region,
        min_secrets_version: next.minSecretsVersion,
      },
      { createTag: { key: CREATE_TAG_KEY, value: randomUUID() } },
    );
    const temporary = { app, id: rehearsal.id, name: names.machine, region };
    await waitUntilHealthy(ctx, temporary, versionOf(rehearsal), spec);
    const seconds = Math.round((Date.now() - started) / 1000);
    ctx.progress(
      `rehearsal passed: ${next.spec.image} started healthy on a fork of the region's data in ${seconds} s`,
    );
  } catch (error) {
    throw new Error(
      `${where}: the rehearsal of ${next.spec.image} on a fork of volume ${volumeId} failed, ` +
        `so the machine was not touched: ${describeError(error)}${logTail(error)}`,
      { cause: error },
    );
  } finally {
    await cleanUp(ctx, app, region, rehearsal?.id, fork.id, names.machine);
  }
}

/** Removes the temporary machine and the fork; a failure to do so is reported, not thrown. */
async function cleanUp(
  ctx: UpgradeContext,
  app: string,
  region: string,
  machineId: string | undefined,
  forkId: string,
  machineName: string,
): Promise<void> {
  try {
    if (machineId !== undefined) {
      await destroyMachine(ctx, { app, id: machineId, name: machineName, region });
    }
    await deleteWhenDetached(ctx, app, forkId);
    ctx.progress(`removed the rehearsal's machine and fork ${forkId}`);
  } catch (error) {
    ctx.progress(
      `could not remove the rehearsal's machine or fork ${forkId} (the next rehearsal removes ` +
        `them): ${describeError(error)}`,
    );
  }
}

/** Fly releases a volume a moment after its machine is destroyed; delete it once it is free. */
async function deleteWhenDetached(ctx: UpgradeContext, app: string, volumeId: string) {
  const { clock } = ctx.volumes;
  const deadline = clock.now() + ctx.tuning.settleTimeoutMs;
  for (;;) {
    const volume = await ctx.volumes.getOrUndefined(app, volumeId);
    if (volume === undefined || DELETED_VOLUME_STATES.includes(volume.state)) return;
    if (!volume.attached_machine_id || clock.now() >= deadline) {
      await ctx.volumes.delete(app, volumeId);
      return;
    }
    await clock.sleep(ctx.tuning.pollIntervalMs);
  }
}

/** Removes what an interrupted rehearsal left: its machine and its unattached forks. */
async function removeLeftovers(
  ctx: UpgradeContext,
  app: string,
  region: string,
  names: { machine: string; volume: string },
): Promise<void> {
  const machines = await ctx.client.machines.list(app);
  for (const left of machines.filter((m) => m.name === names.machine && m.region === region)) {
    if (left.state === "destroyed" || left.state === "destroying") continue;
    ctx.progress(`removing machine ${left.id} left by an interrupted rehearsal`);
    await destroyMachine(ctx, { app, id: left.id, name: names.machine, region });
  }
  for (const left of await ctx.volumes.list(app)) {
    if (left.name !== names.volume || left.region !== region) continue;
    if (DELETED_VOLUME_STATES.includes(left.state)) continue;
    ctx.progress(`removing fork ${left.id} left by an interrupted rehearsal`);
    await deleteWhenDetached(ctx, app, left.id);
  }
}
