/**
 * The outputs of FlyMachine, built from a machine as Fly reports it: the normalized spec read
 * back from its configuration, plus the machine's identity and state.
 */
import type { Machine } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { fromApiConfig } from "./machine-api-config";
import { comparableSpec, specOf } from "./machine-normal-form";
import { versionOf } from "./machine-rollout";
import { compact, sameValue } from "../provider-kit/provider-values";

/** Outputs of FlyMachine: the normalized spec as Fly stores it, plus the machine's identity. */
export interface FlyMachineOutputs extends FlyMachineInputs {
  machineId: string;
  /** The running version (Fly's `instance_id`). */
  version: string;
  /** The machine's state when last seen (`started` after a successful create or update). */
  state: string;
  /** The machine's address in the app's private network. */
  privateIp: string;
  /**
   * `false` when the machine was last seen not started with every check passing (a create that
   * never became healthy, or a refresh that found it so); absent otherwise. `diff` counts it as a
   * change, so the next `up` brings the machine back.
   */
  healthy?: false;
}

/**
 * The outputs for `machine`, keeping what Fly does not report (secrets version, timeout).
 * `healthy` says whether it was seen started and healthy (recorded only when it was not).
 */
export function machineOutputs(
  inputs: FlyMachineInputs,
  machine: Machine,
  healthy = true,
): FlyMachineOutputs {
  const spec = fromApiConfig(machine.config ?? machine.incomplete_config ?? {}, machine.region);
  return compact({
    app: inputs.app,
    name: machine.name ?? inputs.name,
    region: machine.region,
    ...spec,
    minSecretsVersion: inputs.minSecretsVersion,
    healthTimeoutSeconds: inputs.healthTimeoutSeconds,
    machineId: machine.id,
    version: versionOf(machine),
    state: machine.state,
    privateIp: machine.private_ip ?? "",
    healthy: healthy ? undefined : false,
  });
}

/** Whether the machine runs with every check of its spec passing, as Fly reports it now. */
export function isStartedAndHealthy(machine: Machine, specHasChecks: boolean): boolean {
  if (machine.state !== "started") return false;
  const checks = machine.checks ?? [];
  return (
    !specHasChecks || (checks.length > 0 && checks.every((check) => check.status === "passing"))
  );
}

/** Whether recorded outputs say the machine is not started and healthy (so `up` must act). */
export function recordedUnhealthy(olds: FlyMachineOutputs): boolean {
  return olds.state !== "started" || olds.healthy === false;
}

/** Whether Fly must change anything to go from `olds` to `news` (config or secrets version). */
export function flyConfigDiffers(olds: FlyMachineInputs, news: FlyMachineInputs): boolean {
  return (
    !sameValue(comparableSpec(specOf(olds)), comparableSpec(specOf(news))) ||
    olds.minSecretsVersion !== news.minSecretsVersion
  );
}
