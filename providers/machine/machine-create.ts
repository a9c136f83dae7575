/**
 * Creating a FlyMachine: launch a new machine, or take over one of the wanted name that this
 * stack made (a create whose answer was lost, a state that was lost) or an older version of
 * these providers made, or that the stack named in `takeOverFrom` made; never a stranger's and
 * never another stack's. Either way the machine is done only once it is started and every check
 * passes.
 */
import { randomUUID } from "node:crypto";
import type { Machine } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { fromApiConfig, marksMetadata, marksOf, toApiConfig } from "./machine-api-config";
import { machineRefusal } from "./machine-drift";
import { differingKeys, machineOutputs } from "./machine-outputs";
import { CREATE_TAG_KEY, mountedVolume, specOf } from "./machine-normal-form";
import { logTail } from "./machine-diagnosis";
import { ensureHealthy, rollOut, versionOf, waitUntilHealthy } from "./machine-rollout";
import type { MachineTarget, RolloutContext } from "./machine-rollout";
import { describeError, initFailure } from "../provider-kit/fly-provider";
import { capacityError, isCapacityShortage } from "../volume/volume-capacity";

/**
 * Why a create may not take over `existing`, the machine of its name: not made by these
 * providers, another stack's, or in another region. Undefined when it may.
 */
export function creationRefusal(existing: Machine, inputs: FlyMachineInputs): string | undefined {
  const refusal = machineRefusal(existing, inputs, inputs);
  if (refusal !== undefined) return refusal;
  if (existing.region !== inputs.region) {
    return (
      `machine "${inputs.name}" (id ${existing.id}) exists in region ${existing.region}, not ` +
      `${inputs.region}; a machine cannot move: destroy it or choose another name`
    );
  }
  return undefined;
}

/**
 * What a create refused for lack of room leaves in the region: no machine, and the volume (if
 * any) as it was, so the next run creates the machine on it.
 */
function noMachineLeft(inputs: FlyMachineInputs): string {
  const volume = mountedVolume(inputs);
  return volume === undefined
    ? `No machine was created in ${inputs.region}.`
    : `No machine was created in ${inputs.region}; volume ${volume} is kept as it was, unattached, ` +
        `and the next \`pulumi up\` creates the machine on it.`;
}

/** Creates the machine and waits until it is healthy; a machine that is not stays recorded. */
export async function launchMachine(
  ctx: RolloutContext,
  inputs: FlyMachineInputs,
): Promise<Machine> {
  ctx.progress(`creating machine in ${inputs.app} (${inputs.region})`);
  let created: Machine;
  try {
    created = await ctx.client.machines.create(
      inputs.app,
      {
        config: toApiConfig(specOf(inputs), marksMetadata(inputs)),
        name: inputs.name,
        region: inputs.region,
        min_secrets_version: inputs.minSecretsVersion,
      },
      { createTag: { key: CREATE_TAG_KEY, value: randomUUID() } },
    );
  } catch (error) {
    if (!isCapacityShortage(error)) throw error;
    throw capacityError(`machine ${inputs.name}`, inputs.region, error, noMachineLeft(inputs), {
      onVolumeHost: mountedVolume(inputs) !== undefined,
    });
  }
  const target = { app: inputs.app, id: created.id, name: inputs.name, region: inputs.region };
  try {
    return await waitUntilHealthy(ctx, target, versionOf(created), specOf(inputs));
  } catch (error) {
    const latest = await ctx.client.machines.get(inputs.app, created.id).catch(() => created);
    throw initFailure(
      inputs,
      created.id,
      machineOutputs(inputs, latest, false),
      `FlyMachine ${inputs.name}: machine ${created.id} in region ${inputs.region} was created but is not healthy: ${describeError(error)}${logTail(error)}`,
    );
  }
}

/**
 * Takes over a machine of the wanted name that `creationRefusal` allows: converges its
 * configuration and marks (an older version's machine gets this stack's marker; a taken-over one
 * is marked anew), or starts it, then waits until healthy.
 */
export async function adoptMachine(
  ctx: RolloutContext,
  inputs: FlyMachineInputs,
  existing: Machine,
): Promise<Machine> {
  const target: MachineTarget = {
    app: inputs.app,
    id: existing.id,
    name: inputs.name,
    region: existing.region,
  };
  const machine = await ctx.client.machines.get(inputs.app, existing.id);
  const refusal = creationRefusal(machine, inputs);
  if (refusal !== undefined) throw new Error(refusal);
  const config = machine.config ?? {};
  const marks = marksOf(config);
  ctx.progress(
    marks.stack === undefined
      ? `adopting existing machine ${machine.id}, made by an older openclaw-fly, and marking it as this stack's`
      : marks.stack === inputs.stack
        ? `adopting existing machine ${machine.id}`
        : `taking over machine ${machine.id} from stack ${marks.stack}`,
  );
  const live = { spec: fromApiConfig(config, machine.region), ...marks };
  const seen = machineOutputs(inputs, machine);
  // Fly does not report the secrets version a machine booted with, so only the configuration
  // and the marks decide whether the adopted machine needs an update.
  if (differingKeys(seen, inputs).length > 0) {
    const next = {
      spec: specOf(inputs),
      minSecretsVersion: inputs.minSecretsVersion,
      stack: inputs.stack,
      volumeSizeGb: inputs.volumeSizeGb,
    };
    return rollOut(ctx, target, next, { ...live, stack: inputs.stack });
  }
  return ensureHealthy(ctx, target, machine, specOf(inputs));
}
