import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceState } from "../../engine/engine-types";
import {
  removeStateDirectory,
  THING_TYPE,
  thingsEngine,
  thingsUrn,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";

const STACK = "crash";
const TOKEN = "crash-token-51de";
const LEFT = thingsUrn(STACK, `things:index:ThingGroup$${THING_TYPE}`, "group-left");
let store: ThingStore;

const engine = (crashAfter?: { method: "create"; count: number }) =>
  thingsEngine(STACK, store.url, {
    engine: { secretConfig: { storeToken: TOKEN }, ...(crashAfter ? { crashAfter } : {}) },
  });

const recordedThings = (subject: ReturnType<typeof engine>) =>
  ((subject.readState()?.resources ?? []) as ResourceState[]).filter(
    (resource) => resource.type === THING_TYPE,
  );

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 40 });
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("a provider host that dies mid-up", { timeout: 60_000 }, () => {
  it("fails the up and records no create that was in flight (crashAfter)", async () => {
    const subject = engine({ method: "create", count: 1 });
    const result = await subject.up();
    expect(result.ok).toBe(false);
    const lines = result.error!.split("\n");
    for (const line of lines) {
      expect(line).toMatch(
        /^(urn:pulumi:crash::things::pulumi-nodejs:dynamic\/things:Thing::(?:base|cbd|dbr)): the pulumi-nodejs provider host was killed by SIGKILL during (?:Check|Create) for \1$/,
      );
    }
    expect(lines.some((line) => line.includes("during Create"))).toBe(true);
    expect(recordedThings(subject)).toEqual([]);
  });

  it("fails when killed after the store accepted a create, leaving that thing out of the state", async () => {
    const subject = engine();
    store.onRequest = (call) => {
      if (call.method === "POST" && call.subject === "left") subject.killProviderHost();
    };
    const result = await subject.up();
    store.onRequest = undefined;
    expect(result.ok).toBe(false);
    expect(result.error!.split("\n")).toContain(
      `${LEFT}: the pulumi-nodejs provider host was killed by SIGKILL during Create for ${LEFT}`,
    );
    const leftId = store.byName("left")?.id;
    expect(leftId).toMatch(/^t-\d+$/);
    expect(recordedThings(subject).map((thing) => thing.id)).not.toContain(leftId);
  });

  it("converges on the next up: the accepted thing is adopted, nothing is duplicated", async () => {
    const leftId = store.byName("left")?.id;
    const subject = engine();
    const result = await subject.up();
    expect(result.error).toBeUndefined();
    const names = [...store.things.values()].map((thing) => thing.name).sort();
    expect(names).toEqual(["base", "cbd-g1", "dbr-g1", "leaf", "left", "right"]);
    const left = recordedThings(subject).find((thing) => thing.urn === LEFT);
    expect(left?.id).toBe(leftId);
    expect(
      recordedThings(subject)
        .map((thing) => thing.id)
        .sort(),
    ).toEqual([...store.things.keys()].sort());
  });
});
