/**
 * Which serialized provider code runs, through Pulumi's real dynamic-provider host
 * (cmd/dynamic-provider: Check/Diff/Update take `news.__provider`, Read and Delete the
 * `__provider` stored in the OUTPUTS) and the engine's same step (step.go `SameStep.Apply` keeps
 * the old outputs). A new provider version that changes no input is a same: the state's inputs
 * carry the new code, its outputs the old, so Read and Delete keep running the old code until an
 * update rewrites the outputs. Both engines behave this way; the fixture's provider logs its
 * version from every read, update and delete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OperationResult, ResourceState } from "../../engine/engine-types";
import { PROVIDER_KEY } from "../../engine/property-values";
import {
  removeStateDirectory,
  THING_TYPE,
  thingsEngine,
  thingsUrn,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";

const STACK = "code";
const TOKEN = "code-token-2b7e";
const BASE = thingsUrn(STACK, THING_TYPE, "base");
let store: ThingStore;

const engine = (providerVersion: string, label = "v1") =>
  thingsEngine(STACK, store.url, {
    config: { providerVersion, label },
    options: { withExtras: false },
    engine: { secretConfig: { storeToken: TOKEN } },
  });

const providerLines = (result: OperationResult) =>
  result.logs
    .filter((entry) => entry.source === "provider" && / by provider v\d$/.test(entry.message))
    .map((e) => e.message)
    .sort();

async function base(): Promise<ResourceState> {
  return (await engine("v1").loadState()).find((resource) => resource.urn === BASE)!;
}

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 10 });
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("the provider code a resource runs", { timeout: 60_000 }, () => {
  it("keeps the old code in the outputs when a new version changes nothing (a same step)", async () => {
    expect((await engine("v1").up()).error).toBeUndefined();
    const v1 = await base();
    const result = await engine("v2").up();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, same: 4 });
    const after = await base();
    expect(after.inputs[PROVIDER_KEY]).not.toBe(v1.inputs[PROVIDER_KEY]);
    expect(after.outputs[PROVIDER_KEY]).toBe(v1.outputs[PROVIDER_KEY]);
  });

  it("reads with the code stored in the outputs: still v1", async () => {
    const result = await engine("v2").refresh();
    expect(result.error).toBeUndefined();
    expect(providerLines(result)).toEqual([
      "[thing base] read by provider v1",
      "[thing cbd-g1] read by provider v1",
      "[thing dbr-g1] read by provider v1",
    ]);
  });

  it("updates with the new code, which then becomes the code in the outputs", async () => {
    const result = await engine("v2", "v2").up();
    expect(providerLines(result)).toEqual(["[thing base] updated by provider v2"]);
    const after = await base();
    expect(after.outputs[PROVIDER_KEY]).toBe(after.inputs[PROVIDER_KEY]);
  });

  it("deletes each resource with the code its outputs hold: v2 for the updated one, v1 for the others", async () => {
    const result = await engine("v3", "v2").destroy();
    expect(result.error).toBeUndefined();
    expect(providerLines(result)).toEqual([
      "[thing base] deleted by provider v2",
      "[thing cbd-g1] deleted by provider v1",
      "[thing dbr-g1] deleted by provider v1",
    ]);
  });
});
