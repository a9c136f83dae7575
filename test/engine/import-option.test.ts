/**
 * The `import` option on a dynamic resource, through Pulumi's real dynamic-provider host: the
 * engine reads by id with no state (step.go `ImportStep.Apply`, in previews too), the host finds
 * no provider code in the missing state and fails. Nothing is created, no state is written for
 * the resource (pulumi/pulumi#3550, #16175). Adoption by name is what works instead.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceState } from "../../engine/engine-types";
import {
  removeStateDirectory,
  THING_TYPE,
  thingsEngine,
  thingsUrn,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";

const STACK = "import";
const TOKEN = "import-token-91c4";
const BASE = thingsUrn(STACK, THING_TYPE, "base");
// The 3.276 host; 3.248 failed earlier, with "Cannot read properties of undefined (reading 'toJavaScript')".
const HOST_ERROR = "code must be a string, not undefined";
let store: ThingStore;

const engine = () =>
  thingsEngine(STACK, store.url, {
    options: { withExtras: false, importBase: "t-1" },
    engine: { secretConfig: { storeToken: TOKEN } },
  });

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 10 });
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("the import option on a dynamic resource", { timeout: 60_000 }, () => {
  it("fails in a preview with the host's own error, creating nothing", async () => {
    const result = await engine().preview();
    expect(result.ok).toBe(false);
    expect(result.error?.split("\n")).toContain(`${BASE}: ${HOST_ERROR}`);
    expect(result.steps.find((step) => step.urn === BASE)).toMatchObject({
      op: "import",
      error: HOST_ERROR,
    });
    expect(store.calls).toEqual([]);
  });

  it("fails the same way in an up: no silent create, no state for the resource", async () => {
    const subject = engine();
    const result = await subject.up();
    expect(result.error?.split("\n")).toContain(`${BASE}: ${HOST_ERROR}`);
    expect(store.mutations().filter((call) => call.subject === "base")).toEqual([]);
    const recorded = (subject.readState()?.resources ?? []) as ResourceState[];
    expect(recorded.map((resource) => resource.urn)).not.toContain(BASE);
  });
});
