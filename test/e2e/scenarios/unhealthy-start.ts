import { expect, it } from "vitest";
import type { ResourceState } from "../../../engine/engine-types";
import { PROVIDER_KEY } from "../../../engine/property-values";
import type { StackChain } from "../support/chain";
import { liveMachines, logMark, mutating, requestsSince } from "../support/world";
import { changes } from "./local-modes";

const APP = "my-openclaw-dev";
const BROKEN_IMAGE = "ghcr.io/openclaw/openclaw:2026.9.7";

const machineIn = (resources: readonly ResourceState[], region: string) =>
  resources.find((r) => r.urn.endsWith(`::gateway-${region}-machine`));

/** Starts the dev stack with an image whose checks never pass: the first machine is created, unhealthy. */
async function unhealthyFirstUp(chain: StackChain) {
  const { stack } = chain;
  stack.emulator.emulator.faults.add({ kind: "checks_fail", image: BROKEN_IMAGE });
  stack.config.image = BROKEN_IMAGE;
  const result = await stack.up();
  expect(result.ok).toBe(false);
  expect(result.error).toMatch(
    /gateway-iad-machine: 1 error occurred:\n\t\* FlyMachine gateway-iad: machine \w+ in region iad was created but is not healthy: /,
  );
  const machine = machineIn(await stack.engine().loadState(), "iad")!;
  // The partial create keeps the provider code: without it nothing could read or delete it.
  expect(typeof machine.outputs[PROVIDER_KEY]).toBe("string");
  expect(machine.outputs[PROVIDER_KEY]).toBe(machine.inputs[PROVIDER_KEY]);
  expect(machine.initErrors).toHaveLength(1);
  expect(machine.outputs.healthy).toBe(false);
}

/**
 * The dev stack when its very first machine never turns healthy (a bad image on a first deploy):
 * under the real `pulumi` such a stack must still refresh, show the machine as a change, refuse
 * an org move without deleting anything, replace the machine elsewhere, and destroy.
 */
export function unhealthyStartScenarios(chain: StackChain): void {
  it("a first up whose machine never turns healthy fails, recording it with its provider code", async () => {
    await unhealthyFirstUp(chain);
  });

  it("refresh reads it through that code, clears the init errors, and keeps it a change", async () => {
    const { stack } = chain;
    const mark = logMark(stack.emulator);
    const result = await stack.refresh();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(["update gateway-iad-machine []"]);
    expect(mutating(requestsSince(stack.emulator, mark))).toEqual([]);
    const machine = machineIn(await stack.engine().loadState(), "iad")!;
    expect(machine.initErrors).toBeUndefined();
    expect(machine.outputs.healthy).toBe(false);
  });

  it("the next preview still plans to bring the machine back", async () => {
    const preview = await chain.stack.engine().preview();
    expect(preview.error).toBeUndefined();
    expect(changes(preview.steps)).toEqual(["update gateway-iad-machine []"]);
  });

  it("moving the app to another organization is refused at preview and at up, deleting nothing", async () => {
    const { stack } = chain;
    stack.config.org = "acme";
    const mark = logMark(stack.emulator);
    const refusal =
      "property org value {acme} has a problem: the app my-openclaw-dev exists already in " +
      "organization personal and Fly cannot move it to acme: replacing it would delete every " +
      "machine, volume, IP address and secret of the app; keep the old value, or give the app a " +
      "new name to create a new app";
    const preview = await stack.engine().preview();
    expect(preview.error).toContain(refusal);
    expect(preview.steps.filter((step) => step.op.startsWith("delete"))).toEqual([]);
    const up = await stack.up();
    expect(up.error).toContain(refusal);
    delete stack.config.org;
    expect(mutating(requestsSince(stack.emulator, mark))).toEqual([]);
  });

  it("moving the gateway to another region deletes the unhealthy machine through its recorded code", async () => {
    const { stack } = chain;
    stack.emulator.emulator.faults.clear();
    delete stack.config.image;
    stack.config.regions = JSON.stringify(["ams"]);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(liveMachines(stack.emulator, APP).map((m) => [m.region, m.state])).toEqual([
      ["ams", "started"],
    ]);
    const resources = await stack.engine().loadState();
    expect(machineIn(resources, "iad")).toBeUndefined();
    expect(machineIn(resources, "ams")?.outputs.healthy).toBeUndefined();
  });

  it("destroy deletes the rest", async () => {
    const result = await chain.stack.destroy();
    expect(result.error).toBeUndefined();
    expect(liveMachines(chain.stack.emulator, APP)).toEqual([]);
    expect(chain.stack.engine().readState()!.resources).toEqual([]);
  });
}

/** The same unhealthy first up, then a destroy straight away. */
export function unhealthyDestroyScenarios(chain: StackChain): void {
  it("a first up whose machine never turns healthy fails, recording it with its provider code", async () => {
    await unhealthyFirstUp(chain);
  });

  it("destroy deletes the unhealthy machine and everything else", async () => {
    const result = await chain.stack.destroy();
    expect(result.error).toBeUndefined();
    expect(liveMachines(chain.stack.emulator, APP)).toEqual([]);
    expect(chain.stack.engine().readState()!.resources).toEqual([]);
  });
}
