/**
 * The outputs of FlyMachine, built from a machine as Fly reports it: the normalized spec read
 * back from its configuration, plus the machine's identity and state.
 */
import type { Machine } from "../fly-client/fly-client";
import type { FlyMachineInputs } from "./machine-check";
import { fromApiConfig, marksOf } from "./machine-api-config";
import { comparableSpec, SPEC_KEYS, specOf } from "./machine-normal-form";
import { versionOf } from "./machine-rollout";
import type { UpgradeRecord } from "./machine-upgrade";
import { compact, sameValue } from "../provider-kit/provider-values";

/**
 * Outputs of FlyMachine: the normalized spec as Fly stores it, the marks Fly stores with it
 * (`stack` is absent on a machine an older version made), plus the machine's identity.
 */
export interface FlyMachineOutputs extends Omit<FlyMachineInputs, "stack">, UpgradeRecord {
  /** The stack the machine's metadata names. */
  stack?: string;
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
  const config = machine.config ?? machine.incomplete_config ?? {};
  const spec = fromApiConfig(config, machine.region);
  const marks = marksOf(config);
  return compact({
    app: inputs.app,
    name: machine.name ?? inputs.name,
    region: machine.region,
    ...spec,
    minSecretsVersion: inputs.minSecretsVersion,
    healthTimeoutSeconds: inputs.healthTimeoutSeconds,
    stack: marks.stack,
    takeOverFrom: inputs.takeOverFrom,
    volumeSizeGb: marks.volumeSizeGb,
    snapshotBeforeUpdate: inputs.snapshotBeforeUpdate,
    rehearseUpgrades: inputs.rehearseUpgrades,
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

/** The spec keys and marks in which `have` differs from `want`, in spec order. */
export function differingKeys(
  have: Pick<FlyMachineOutputs, "stack" | "volumeSizeGb">,
  want: Pick<FlyMachineInputs, "stack" | "volumeSizeGb">,
): string[] {
  const left = comparableSpec(specOf(have)) as unknown as Record<string, unknown>;
  const right = comparableSpec(specOf(want)) as unknown as Record<string, unknown>;
  const keys = SPEC_KEYS.filter((key) => !sameValue(left[key], right[key])) as string[];
  if (have.stack !== want.stack) keys.push("stack");
  if (have.volumeSizeGb !== want.volumeSizeGb) keys.push("volumeSizeGb");
  return keys;
}

/** Whether Fly must change anything to go from `olds` to `news` (config, marks, secrets). */
export function flyConfigDiffers(
  olds: Pick<FlyMachineOutputs, "stack" | "volumeSizeGb" | "minSecretsVersion">,
  news: Pick<FlyMachineInputs, "stack" | "volumeSizeGb" | "minSecretsVersion">,
): boolean {
  return differingKeys(olds, news).length > 0 || olds.minSecretsVersion !== news.minSecretsVersion;
}
