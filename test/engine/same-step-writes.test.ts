import { describe, expect, it } from "vitest";
import { DeploymentState, type Snapshot } from "../../engine/deployment-state";
import type { ResourceState } from "../../engine/engine-types";
import { makeSecret } from "../../engine/property-values";
import { sameStepMustWrite } from "../../engine/same-step-writes";

// Mirrors `sameSnapshotMutation.mustWrite` in pkg/backend/snapshot.go: a same step writes the
// checkpoint only for a semantically meaningful difference between its old and new state.
const URN = "urn:pulumi:prod::openclaw-fly::pulumi-nodejs:dynamic/fly:FlyVolume::gw-iad";
const OLD: ResourceState = {
  urn: URN,
  type: "pulumi-nodejs:dynamic/fly:FlyVolume",
  custom: true,
  id: "vol_1",
  parent: "urn:pulumi:prod::openclaw-fly::openclaw:fly:Gateway::gateway",
  inputs: { name: "data", sizeGb: 1, token: makeSecret("t") },
  outputs: { name: "data", sizeGb: 1, state: "created" },
  dependencies: ["urn:a", "urn:b"],
  propertyDependencies: { name: [] },
  protect: false,
  retainOnDelete: true,
  additionalSecretOutputs: [],
};

describe("whether a same step must write the state file", () => {
  it("does not when the new state carries the same meaning", () => {
    expect(sameStepMustWrite(OLD, { ...OLD, inputs: structuredClone(OLD.inputs) })).toBe(false);
    // Dependencies compare as sets; init errors, secret marks and other options are metadata.
    expect(sameStepMustWrite(OLD, { ...OLD, dependencies: ["urn:b", "urn:a"] })).toBe(false);
    expect(sameStepMustWrite(OLD, { ...OLD, initErrors: ["not healthy yet"] })).toBe(false);
    expect(sameStepMustWrite(OLD, { ...OLD, additionalSecretOutputs: ["name"] })).toBe(false);
    expect(sameStepMustWrite(OLD, { ...OLD, ignoreChanges: ["sizeGb"] })).toBe(false);
  });

  it.each([
    ["URN", { urn: `${URN}-2` }],
    ["type", { type: "pulumi-nodejs:dynamic/fly:FlyMachine" }],
    ["kind", { custom: false }],
    ["retainOnDelete", { retainOnDelete: false }],
    ["parent", { parent: "" }],
    ["deletedWith", { deletedWith: "urn:a" }],
    ["protect", { protect: true }],
    ["inputs", { inputs: { ...OLD.inputs, sizeGb: 2 } }],
    ["a secret input", { inputs: { ...OLD.inputs, token: makeSecret("u") } }],
    ["outputs", { outputs: { ...OLD.outputs, state: "restoring" } }],
    ["dependencies", { dependencies: ["urn:a"] }],
  ] as const)("does when its %s changed", (_, change) => {
    expect(sameStepMustWrite(OLD, { ...OLD, ...change })).toBe(true);
  });
});

describe("the deployment state's writes", () => {
  it("leaves a same step's unchanged resource to the run's last write", () => {
    const writes: Snapshot[] = [];
    const state = new DeploymentState({ resources: [OLD], pendingOperations: [] }, (snapshot) =>
      writes.push(snapshot),
    );
    const same = { ...OLD, inputs: structuredClone(OLD.inputs) };
    state.complete(same, OLD, undefined, false);
    expect(writes).toEqual([]);
    state.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0].resources[0]).toBe(same);
    state.complete({ ...same, protect: true }, same);
    expect(writes).toHaveLength(2);
  });
});
