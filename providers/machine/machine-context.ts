/**
 * What FlyMachine's operations share: the Fly calls of one operation, the revisions a machine
 * moves between, and where the machine the resource stands for is found.
 */
import { sharedLookup } from "../provider-kit/shared-lookups";
import { createLeasesClient } from "../fly-client/lease-operations";
import { createLogsClient } from "../fly-client/log-operations";
import { createMachinesClient } from "../fly-client/machine-operations";
import { createWaitsClient } from "../fly-client/wait-operations";
import { createVolumesClient } from "../fly-client/volume-operations";
import { isNotFound } from "../fly-client/fly-api-error";
import type { Machine, MachineOperations } from "../fly-client/fly-client";
import { DEFAULT_HEALTH_TIMEOUT_SECONDS } from "../../rules/deployment-defaults";
import type { FlyMachineInputs } from "./machine-check";
import { isGone } from "./machine-drift";
import { specOf } from "./machine-normal-form";
import type { FlyMachineOutputs } from "./machine-outputs";
import type { RolloutContext } from "./machine-rollout";
import type { UpgradeContext, UpgradeRecord } from "./machine-upgrade";
import type { FlyCall } from "../provider-kit/fly-provider";
import { compact } from "../provider-kit/provider-values";

/** What every step of a machine's create, update or destroy needs, for one call. */
export function rolloutContext(
  call: FlyCall,
  machine: Pick<FlyMachineInputs, "healthTimeoutSeconds" | "stack">,
): RolloutContext {
  const { options, tuning, progress } = call;
  const seconds = machine.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
  return {
    client: {
      machines: createMachinesClient(options),
      waits: createWaitsClient(options),
      leases: createLeasesClient(options),
      logs: createLogsClient(options),
    },
    tuning,
    progress,
    healthTimeoutMs: seconds * 1000,
    stack: machine.stack ?? "",
  };
}

/** The revision a machine is brought to: the declared spec, marks and secrets version. */
export function revisionOf(machine: FlyMachineInputs | FlyMachineOutputs, stack: string) {
  return {
    spec: specOf(machine),
    minSecretsVersion: machine.minSecretsVersion,
    stack,
    volumeSizeGb: machine.volumeSizeGb,
  };
}

/** The rollout context with the volume calls a protected update makes. */
export function upgradeContext(
  call: FlyCall,
  machine: Pick<FlyMachineInputs, "healthTimeoutSeconds" | "stack">,
): UpgradeContext {
  return {
    ...rolloutContext(call, machine),
    volumes: createVolumesClient(call.options),
  };
}

/**
 * The machine the resource stands for now: its own id, or the machine a data rollback put in
 * its place (recorded as `machineId`).
 */
export function liveId(id: string, recorded: Partial<FlyMachineOutputs> | undefined): string {
  return recorded?.machineId || id;
}

/** What the outputs keep of the last protected update. */
export function upgradeRecord(recorded: UpgradeRecord, snapshotId?: string): UpgradeRecord {
  return compact({
    preUpdateSnapshotId: snapshotId ?? recorded.preUpdateSnapshotId,
    restoredVolume: recorded.restoredVolume,
  });
}

/**
 * The machine of the wanted name in the app, if one exists (not destroyed). Creates of one
 * fan-out share one list of the app's machines (see shared-lookups.ts).
 */
export async function findByName(
  machines: Pick<MachineOperations, "list">,
  inputs: Pick<FlyMachineInputs, "app" | "name">,
): Promise<Machine | undefined> {
  let listed: Machine[];
  try {
    listed = await sharedLookup(`machines of ${inputs.app}`, () => machines.list(inputs.app));
  } catch (error) {
    // No app yet: nothing of that name can exist.
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return listed.find((m) => m.name === inputs.name && !isGone(m));
}
