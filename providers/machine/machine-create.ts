/**
 * Creating a FlyMachine: launch a new machine, or take over one of the wanted name that these
 * providers made (a create whose answer was lost, a state that was lost), but never a stranger's.
 * Either way the machine is done only once it is started and every check passes.
 */
import { randomUUID } from "node:crypto";
import type { Machine } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { fromApiConfig, toApiConfig } from "./machine-api-config";
import { machineOutputs } from "./machine-outputs";
import { comparableSpec, CREATE_TAG_KEY, MANAGED_MARKER_KEY, specOf } from "./machine-normal-form";
import type { MachineSpec } from "./machine-spec";
import { logTail } from "./machine-diagnosis";
import { ensureHealthy, rollOut, versionOf, waitUntilHealthy } from "./machine-rollout";
import type { MachineTarget, RolloutContext } from "./machine-rollout";
import { describeError, initFailure } from "../provider-kit/fly-provider";
import { sameValue } from "../provider-kit/provider-values";

/** Creates the machine and waits until it is healthy; a machine that is not stays recorded. */
export async function launchMachine(
  ctx: RolloutContext,
  inputs: FlyMachineInputs,
): Promise<Machine> {
  ctx.progress(`creating machine in ${inputs.app} (${inputs.region})`);
  const created = await ctx.client.machines.create(
    inputs.app,
    {
      config: toApiConfig(specOf(inputs), { [MANAGED_MARKER_KEY]: "true" }),
      name: inputs.name,
      region: inputs.region,
      min_secrets_version: inputs.minSecretsVersion,
    },
    { createTag: { key: CREATE_TAG_KEY, value: randomUUID() } },
  );
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
 * Takes over a machine of the wanted name, but only one these providers made (it carries the
 * ownership marker): converges its configuration, or starts it, then waits until healthy.
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
  const config = machine.config ?? {};
  if (config.metadata?.[MANAGED_MARKER_KEY] !== "true") {
    throw new Error(
      `a machine named "${inputs.name}" already exists in app ${inputs.app} (id ${machine.id}) ` +
        `without the ${MANAGED_MARKER_KEY} marker, so it was not created by openclaw-fly; ` +
        `refusing to take it over: destroy it or choose another name`,
    );
  }
  if (machine.region !== inputs.region) {
    throw new Error(
      `machine "${inputs.name}" (id ${machine.id}) exists in region ${machine.region}, not ` +
        `${inputs.region}; a machine cannot move: destroy it or choose another name`,
    );
  }
  ctx.progress(`adopting existing machine ${machine.id}`);
  const live: MachineSpec = fromApiConfig(config, machine.region);
  const desired = specOf(inputs);
  // Fly does not report the secrets version a machine booted with, so only the configuration
  // decides whether the adopted machine needs an update.
  if (!sameValue(comparableSpec(live), comparableSpec(desired))) {
    const next = { spec: desired, minSecretsVersion: inputs.minSecretsVersion };
    return rollOut(ctx, target, next, { spec: live });
  }
  return ensureHealthy(ctx, target, machine, desired);
}
