import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry, ResourceState } from "../../engine/engine-types";
import { PROVIDER_KEY } from "../../engine/property-values";
import {
  describeCalls,
  removeStateDirectory,
  THING_TYPE,
  thingsEngine,
  thingsUrn,
  type FixtureOptions,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";

const STACK = "failures";
const TOKEN = "failures-token-93b0";
const BASE = thingsUrn(STACK, THING_TYPE, "base");
const LEFT = thingsUrn(STACK, `things:index:ThingGroup$${THING_TYPE}`, "group-left");
let store: ThingStore;

// No Pulumi.failures.yaml: the token arrives as secret config from the command line.
const engine = (options?: FixtureOptions, config: Record<string, string> = {}) =>
  thingsEngine(STACK, store.url, {
    config,
    ...(options ? { options } : {}),
    engine: { secretConfig: { storeToken: TOKEN } },
  });

const recordedThingIds = (subject: ReturnType<typeof engine>) =>
  (subject.readState()?.resources as ResourceState[] | undefined)
    ?.filter((resource) => resource.type === THING_TYPE)
    .map((resource) => resource.id)
    .sort() ?? [];

/** The pids the engine reported starting, for checking nothing outlives an operation. */
const startedPids = (logs: readonly LogEntry[]) =>
  logs
    .filter((entry) => entry.source === "engine" && entry.severity === "debug")
    .map((entry) => Number(/\(pid (\d+)\)/.exec(entry.message)?.[1]));

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 20 });
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("failures", { timeout: 60_000 }, () => {
  it("keeps a partial create the provider reports, failing with the engine's InitError text", async () => {
    const subject = engine(undefined, { label: "unhealthy" });
    const result = await subject.up();
    expect(result.ok).toBe(false);
    // The CLI reports the init failure's reasons (provider_plugin.go InitError.Error, a
    // go-multierror list), not the provider's message.
    expect(result.error).toBe(
      `${BASE}: 1 error occurred:\n\t* thing base never became healthy\n\n`,
    );
    const stored = (await subject.loadState()).find((resource) => resource.urn === BASE);
    expect(stored).toMatchObject({
      id: store.byName("base")?.id,
      initErrors: ["thing base never became healthy"],
    });
    // Over 64 KB of properties, the provider code included, arrived whole.
    expect((stored?.outputs.padding as string).length).toBe(100_000);
    expect(stored?.outputs[PROVIDER_KEY]).toBe(stored?.inputs[PROVIDER_KEY]);
    expect(recordedThingIds(subject)).toEqual([...store.things.keys()].sort());
  });

  it("fails an up with the provider's message, attributed to the resource, state matching the store", async () => {
    store.failWhen = (call) =>
      call.method === "POST" && call.subject === "left"
        ? { status: 500, message: "disk full" }
        : undefined;
    const subject = engine();
    const result = await subject.up();
    const message = 'thing store POST /things -> 500: {"error":"disk full"}';
    expect(result.ok).toBe(false);
    expect(result.error).toBe(`${LEFT}: ${message}`);
    expect(result.steps.filter((step) => step.error !== undefined)).toEqual([
      expect.objectContaining({ op: "create", urn: LEFT, error: message }),
    ]);
    // The partial create from the previous run was updated (initialization is retried).
    expect(result.steps.find((step) => step.urn === BASE)?.op).toBe("update");
    expect(recordedThingIds(subject)).toEqual([...store.things.keys()].sort());
    const pids = startedPids(result.logs);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it("converges on the next up once the store accepts again, without duplicates", async () => {
    store.failWhen = undefined;
    const subject = engine();
    const result = await subject.up();
    expect(result.error).toBeUndefined();
    const names = [...store.things.values()].map((thing) => thing.name).sort();
    expect(names).toEqual(["base", "cbd-g1", "dbr-g1", "leaf", "left", "right"]);
    expect(recordedThingIds(subject)).toEqual([...store.things.keys()].sort());
  });

  it("fails with the program's own error when the program throws, deleting nothing", async () => {
    const before = store.calls.length;
    const subject = engine({ explode: true });
    const recorded = recordedThingIds(subject);
    const result = await subject.up();
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /^Running program '.+things-program\.ts' failed with an unhandled exception:\nError: the fixture program was told to explode\n/,
    );
    expect(describeCalls(store.calls.slice(before))).toEqual([]);
    expect(recordedThingIds(subject)).toEqual(recorded);
  });

  it("rejects a check failure with the engine's wording before anything is created", async () => {
    const subject = thingsEngine(STACK, "not a url", {
      engine: { secretConfig: { storeToken: TOKEN } },
    });
    const result = await subject.preview();
    expect(result.ok).toBe(false);
    expect(result.error?.split("\n")[0]).toMatch(
      // The value is Go's %v of the program's input (step_generator.go issueCheckFailures).
      /^urn:pulumi:failures::things::pulumi-nodejs:dynamic\/things:Thing::(base|cbd|dbr): pulumi-nodejs:dynamic\/things:Thing resource '(base|cbd|dbr)': property storeUrl value \{not a url\} has a problem: Invalid URL$/,
    );
  });

  it("stops an operation that outlives its timeout, with every child process", async () => {
    store.delayMs = 10_000;
    const subject = thingsEngine(STACK, store.url, {
      config: { label: "slow" },
      engine: { secretConfig: { storeToken: TOKEN }, timeoutMs: 3_000 },
    });
    const result = await subject.up();
    store.delayMs = 20;
    expect(result.ok).toBe(false);
    expect(result.error?.split("\n")[0]).toBe(
      "the operation did not finish within 3000 ms and was stopped",
    );
    expect(startedPids(result.logs).filter(isRunning)).toEqual([]);
  });
});
