import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceState } from "../../engine/engine-types";
import {
  describeCalls,
  removeStateDirectory,
  stepOps,
  THING_TYPE,
  thingsEngine,
  thingsUrn,
  type FixtureOptions,
} from "./fixtures/things-project";
import { startThingStore, type StoreCall, type ThingStore } from "./fixtures/thing-store";
import { PROVIDER_KEY, SECRET_SIG, SIG_KEY, UNKNOWN } from "../../engine/property-values";

// One stack taken through its whole life; each test builds on the state the previous one left.
const STACK = "lifecycle";
const TOKEN = "lifecycle-token-7c1f"; // the `secure:` value in Pulumi.lifecycle.yaml
const GROUP_THING = `things:index:ThingGroup$${THING_TYPE}`;
const urn = (type: string, name: string) => thingsUrn(STACK, type, name);
const BASE = urn(THING_TYPE, "base");

let store: ThingStore;
const engine = (config: Record<string, string> = {}, options?: FixtureOptions) =>
  thingsEngine(STACK, store.url, { config, ...(options ? { options } : {}) });
const idOf = (name: string) => store.byName(name)?.id ?? `no thing named ${name}`;
const callsSince = (count: number) => describeCalls(store.mutations().slice(count));

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 40 });
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("the offline engine over a stack's life", { timeout: 60_000 }, () => {
  it("previews every create without calling the store, leaving computed outputs unknown", async () => {
    const subject = engine();
    const result = await subject.preview();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    expect(store.calls).toEqual([]);
    expect(result.outputs).toEqual({
      baseId: { value: UNKNOWN, secret: false },
      baseApiKey: { value: UNKNOWN, secret: false },
      announced: { value: UNKNOWN, secret: false },
      region: { value: "ams", secret: false },
      tokenLength: { value: TOKEN.length, secret: true },
      replicas: { value: 3, secret: false },
      limits: { value: { maxThings: 12, regions: ["ams", "fra"] }, secret: false },
    });
    expect(subject.readState()).toBeUndefined();
  });

  it("creates in dependency order, independent things in parallel", async () => {
    // Neither left's nor right's answer is released before both creates have arrived, so both
    // can only be answered that way if the engine runs them side by side. The 10 s bound is
    // liveness only: a serial engine's first create is released by it with one arrival counted.
    const sideBySide = (call: StoreCall) =>
      call.method === "POST" && ["left", "right"].includes(call.subject);
    const arrived = new Set<string>();
    const answeredAfterBoth: string[] = [];
    let bothArrived: () => void = () => undefined;
    const both = new Promise<void>((resolve) => (bothArrived = resolve));
    store.onRequest = (call) => {
      if (sideBySide(call)) arrived.add(call.subject);
      if (arrived.size === 2) bothArrived();
    };
    store.holdAnswer = (call) =>
      sideBySide(call)
        ? Promise.race([both, new Promise<void>((resolve) => setTimeout(resolve, 10_000))]).then(
            () => {
              if (arrived.size === 2) answeredAfterBoth.push(call.subject);
            },
          )
        : undefined;
    const result = await engine().up();
    store.onRequest = undefined;
    store.holdAnswer = undefined;
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    expect(answeredAfterBoth.sort()).toEqual(["left", "right"]);
    const post = (name: string) =>
      store.calls.find((c) => c.method === "POST" && c.subject === name)!;
    expect(post("left").startedAt).toBeGreaterThanOrEqual(post("base").finishedAt);
    expect(post("right").startedAt).toBeGreaterThanOrEqual(post("base").finishedAt);
    expect(post("leaf").startedAt).toBeGreaterThanOrEqual(post("left").finishedAt);
    // The token reached the provider through Configure; THING_REGION through the environment.
    expect(new Set(store.calls.map((c) => `${c.authorization} ${c.region}`))).toEqual(
      new Set([`Bearer ${TOKEN} ams`]),
    );
    expect(result.outputs.baseId).toEqual({ value: idOf("base"), secret: false });
    expect(result.outputs.baseApiKey).toEqual({
      value: store.byName("base")!.apiKey,
      secret: true,
    });
    expect(result.outputs.announced).toEqual({
      value: `base=${idOf("base")} label=v1 region=ams`,
      secret: false,
    });
    expect(result.logs).toContainEqual({
      severity: "info",
      message: "[thing base] creating",
      source: "provider",
    });
    expect(result.logs).toContainEqual({
      severity: "info",
      message: "things program: generation g1",
      source: "program",
    });
    expect(result.logs).toContainEqual({
      severity: "info",
      message: `base=${idOf("base")} label=v1 region=ams`,
      urn: urn("command:local:Command", "announce"),
      source: "command",
    });
  });

  it("stores secrets encrypted and each provider as CommonJS text that requires its libraries", async () => {
    const subject = engine();
    const text = readFileSync(subject.stateFile, "utf8");
    expect(text).not.toContain(store.byName("base")!.apiKey);
    expect(text).not.toContain(TOKEN);
    const stored = subject.readState()!.resources as ResourceState[];
    const base = stored.find((resource) => resource.urn === BASE)!;
    expect(base.outputs.apiKey).toEqual({
      [SIG_KEY]: SECRET_SIG,
      ciphertext: expect.stringMatching(/^v1:/),
    });
    const provider = base.inputs[PROVIDER_KEY] as string;
    expect(provider.startsWith("exports.handler = ")).toBe(true);
    expect(provider).toContain('require("zod")');
    expect(provider).not.toMatch(/ZodError|\$ZodType/);
    const decrypted = (await subject.loadState()).find((resource) => resource.urn === BASE)!;
    expect(decrypted.outputs.apiKey).toEqual({
      [SIG_KEY]: SECRET_SIG,
      value: store.byName("base")!.apiKey,
    });
  });

  it("changes nothing on a second up: every step is same, no mutating call", async () => {
    const before = store.calls.length;
    const result = await engine().up();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, same: 9 });
    expect(store.calls.slice(before)).toEqual([]);
  });

  it("updates in place on an input change and reruns the command", async () => {
    const before = store.mutations().length;
    const result = await engine({ label: "v2" }).up();
    expect(result.summary).toEqual({ create: 0, update: 2, replace: 0, delete: 0, same: 7 });
    const updates = result.steps.filter((step) => step.op === "update");
    expect(updates.map((step) => [step.name, step.changedKeys])).toEqual([
      ["base", ["label"]],
      ["announce", ["environment"]],
    ]);
    expect(callsSince(before)).toEqual([`PUT ${idOf("base")}`]);
    expect(result.logs).toContainEqual({
      severity: "info",
      message: "info: [runtime] [thing base] updating",
      source: "provider",
    });
    expect(result.outputs.announced?.value).toBe(`base=${idOf("base")} label=v2 region=ams`);
  });

  it("replaces create-before-delete, or delete-before-replace when the provider's diff asks", async () => {
    const before = store.mutations().length;
    const [oldCbd, oldDbr] = [idOf("cbd-g1"), idOf("dbr-g1")];
    const result = await engine({ label: "v2", generation: "g2" }).up();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 2, delete: 0, same: 7 });
    const replaces = result.steps.filter((step) => step.op === "replace");
    expect(replaces.map((s) => [s.name, s.replaceKeys, s.deleteBeforeReplace]).sort()).toEqual([
      ["cbd", ["name"], false],
      ["dbr", ["name"], true],
    ]);
    const calls = callsSince(before);
    expect([...calls].sort()).toEqual(
      [`DELETE ${oldCbd}`, `DELETE ${oldDbr}`, "POST cbd-g2", "POST dbr-g2"].sort(),
    );
    expect(calls.indexOf(`DELETE ${oldDbr}`)).toBeLessThan(calls.indexOf("POST dbr-g2"));
    // The replaced original goes last, after every create and update of the run.
    expect(calls.at(-1)).toBe(`DELETE ${oldCbd}`);
    expect((await engine().loadState()).filter((resource) => resource.pendingDelete)).toEqual([]);
  });

  it("refresh records drift and forgets what was deleted behind its back", async () => {
    const before = store.mutations().length;
    store.byName("right")!.label = "drifted";
    store.things.delete(idOf("leaf"));
    const subject = engine({ label: "v2", generation: "g2" });
    const result = await subject.refresh();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 1, replace: 0, delete: 1, same: 7 });
    // The provider's own diff (inverted) calls it drift; the row's `[diff: …]` compares inputs,
    // which this provider's read does not return, so it lists no key (step.go RefreshStep.Apply).
    expect(result.steps.find((step) => step.name === "group-right")).toMatchObject({
      op: "update",
      changedKeys: [],
    });
    expect(result.steps.find((step) => step.name === "group-leaf")?.op).toBe("delete");
    const state = await subject.loadState();
    expect(state.map((resource) => resource.urn)).not.toContain(urn(GROUP_THING, "group-leaf"));
    const right = state.find((resource) => resource.urn === urn(GROUP_THING, "group-right"));
    expect(right?.outputs.label).toBe("drifted");
    expect(callsSince(before)).toEqual([]);
  });

  it("records protect and retainOnDelete, recreates the lost leaf and corrects the drift", async () => {
    const before = store.mutations().length;
    const options = { protectBase: true, retainRight: true };
    const result = await engine({ label: "v2", generation: "g2" }, options).up();
    expect(result.summary).toEqual({ create: 1, update: 1, replace: 0, delete: 0, same: 7 });
    expect(stepOps(result.steps)).toMatchObject({
      "group-leaf": "create",
      "group-right": "update",
    });
    expect(callsSince(before).sort()).toEqual(["POST leaf", `PUT ${idOf("right")}`].sort());
    const state = await engine().loadState();
    expect(state.find((r) => r.urn === BASE)?.protect).toBe(true);
    expect(state.find((r) => r.urn === urn(GROUP_THING, "group-right"))?.retainOnDelete).toBe(true);
  });

  it("deletes what the program dropped in reverse dependency order, retaining `right`", async () => {
    const before = store.mutations().length;
    const [leaf, left] = [idOf("leaf"), idOf("left")];
    const options = { protectBase: true, retainRight: true, withExtras: false };
    const result = await engine({ label: "v2", generation: "g2" }, options).up();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 5, same: 4 });
    const deleted = result.steps.filter((step) => step.op === "delete").map((step) => step.name);
    expect([...deleted].sort()).toEqual([
      "announce",
      "group",
      "group-leaf",
      "group-left",
      "group-right",
    ]);
    expect(deleted.indexOf("announce")).toBeLessThan(deleted.indexOf("group-left"));
    expect(deleted.indexOf("group-leaf")).toBeLessThan(deleted.indexOf("group-left"));
    expect(deleted.at(-1)).toBe("group");
    expect(callsSince(before)).toEqual([`DELETE ${leaf}`, `DELETE ${left}`]);
    expect(store.byName("right")?.label).toBe("r");
    expect(result.outputs.announced).toBeUndefined();
  });

  it("destroy refuses to delete the protected resource with Pulumi's message, deleting the rest", async () => {
    const result = await engine({ label: "v2", generation: "g2" }).destroy();
    expect(result.ok).toBe(false);
    expect(result.error).toBe(
      `${BASE}: resource "${BASE}" cannot be deleted\nbecause it is protected. To unprotect the ` +
        "resource, either remove the `protect` flag from the resource in your Pulumi program and " +
        `run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${BASE}'\``,
    );
    expect([...store.things.values()].map((thing) => thing.name).sort()).toEqual(["base", "right"]);
    const left = engine().readState()!.resources as ResourceState[];
    expect(left.map((resource) => resource.urn)).toEqual([
      urn("pulumi:pulumi:Stack", "things-lifecycle"),
      BASE,
    ]);
  });

  it("destroys everything once unprotected", async () => {
    const options = { withExtras: false };
    const up = await engine({ label: "v2", generation: "g2" }, options).up();
    expect(up.summary).toEqual({ create: 2, update: 0, replace: 0, delete: 0, same: 2 });
    const result = await engine().destroy();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 4, same: 0 });
    expect([...store.things.values()].map((thing) => thing.name)).toEqual(["right"]);
    expect(engine().readState()!.resources).toEqual([]);
    expect(result.outputs).toEqual({});
  });
});
