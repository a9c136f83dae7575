import type { OperationResult, OutputValue } from "../../../engine/engine-types";

/** A plain stack output, as the engine reports it. */
export function known(value: unknown): OutputValue {
  return { value, secret: false };
}

/** A secret stack output (the engine hands tests the decrypted value). */
export function secretOutput(value: unknown): OutputValue {
  return { value, secret: true };
}

/** The URN of a region's machine in one of the project's stacks. */
export function machineUrn(stack: string, region: string): string {
  return (
    `urn:pulumi:${stack}::openclaw-fly::openclaw:fly:Gateway$` +
    `pulumi-nodejs:dynamic/fly:FlyMachine::gateway-${region}-machine`
  );
}

/** A map-valued stack output of an operation (`machineIds`, `volumeIds`). */
export function outputMap(result: OperationResult, key: string): Record<string, string> {
  return result.outputs[key]?.value as Record<string, string>;
}
