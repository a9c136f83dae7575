/**
 * Ctrl-C through the whole engine (backend/cancellation_scope.go, deployment_executor.go `Execute`,
 * host.go `SignalCancellation`): the first cancel sends the Cancel RPC to the provider host,
 * interrupts the program and lets the creates in flight finish and be recorded; nothing new starts
 * and the run ends `update canceled`. The second (terminate) stops writing the state at once, so
 * what was in flight stays a pending operation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry, PendingOperation, ResourceState } from "../../engine/engine-types";
import {
  removeStateDirectory,
  THING_TYPE,
  thingsEngine,
  thingsUrn,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";

const STACK = "cancel";
const TOKEN = "cancel-token-c15e";
const BASE = thingsUrn(STACK, THING_TYPE, "base");
let store: ThingStore;

const engine = () =>
  thingsEngine(STACK, store.url, { engine: { secretConfig: { storeToken: TOKEN } } });

const recordedThingIds = (subject: ReturnType<typeof engine>) =>
  ((subject.readState()?.resources ?? []) as ResourceState[])
    .filter((resource) => resource.type === THING_TYPE)
    .map((resource) => resource.id)
    .sort();

const startedPids = (logs: readonly LogEntry[]) =>
  logs
    .filter((entry) => entry.source === "engine" && entry.severity === "debug")
    .map((entry) => Number(/\(pid (\d+)\)/.exec(entry.message)?.[1]))
    .filter((pid) => pid > 0);

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 300 });
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("cancelling an up", { timeout: 60_000 }, () => {
  it("lets the creates in flight finish and records them; nothing depending on them starts", async () => {
    const subject = engine();
    store.onRequest = (call) => {
      if (call.method !== "POST" || call.subject !== "base") return;
      store.onRequest = undefined;
      void subject.cancel();
    };
    const result = await subject.up();
    expect(result.canceled).toBe(true);
    expect(result.error?.split("\n").at(-1)).toBe("update canceled");
    expect(result.logs).toContainEqual({
      severity: "debug",
      message: "sent Cancel to the provider host",
      source: "engine",
    });
    expect(store.byName("base")).toBeDefined();
    expect(recordedThingIds(subject)).toEqual([...store.things.keys()].sort());
    expect(["left", "right", "leaf"].map((name) => store.byName(name))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(subject.readState()?.pendingOperations).toBeUndefined();
    expect(startedPids(result.logs).filter(isRunning)).toEqual([]);
  });

  it("converges on the next up", async () => {
    const result = await engine().up();
    expect(result.error).toBeUndefined();
    expect(recordedThingIds(engine())).toEqual([...store.things.keys()].sort());
  });

  it("keeps what was in flight as a pending operation when terminated", async () => {
    // A label change makes base an update: the call in flight when the run is terminated.
    const subject = thingsEngine(STACK, store.url, {
      config: { label: "v2" },
      engine: { secretConfig: { storeToken: TOKEN } },
    });
    const baseId = store.byName("base")!.id;
    store.onRequest = (call) => {
      if (call.method !== "PUT" || call.subject !== baseId) return;
      store.onRequest = undefined;
      void subject.terminate();
    };
    const result = await subject.up();
    expect(result.ok).toBe(false);
    const pending = (subject.readState()?.pendingOperations ?? []) as PendingOperation[];
    expect(pending.map((operation) => `${operation.type} ${operation.resource.urn}`)).toEqual([
      `updating ${BASE}`,
    ]);
    expect(startedPids(result.logs).filter(isRunning)).toEqual([]);
  });
});
