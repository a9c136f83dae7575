/**
 * State written before providers were loaded keeps working: a stack deployed with the providers
 * copied into its state (each resource registered as `pulumi.dynamic.Resource` with the provider
 * object, serialized with everything it reaches, as earlier versions did) is refreshed, moved to
 * stubs by the next up without a single change on Fly, updated and destroyed by the code
 * installed now; and a stack never moved is destroyed as it stands.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import type { OperationResult, ResourceState } from "../../engine/engine-types";
import { loaderEntry } from "../../providers/provider-kit/loaded-resource";
import { stubText } from "../../providers/provider-kit/provider-stub";
import { FLY_STACK_DIR, FlyStack, providerName } from "./fly-stack";
import { clearRequestLog, requestLog, startEmulatorFixture, worldState } from "./provider-support";

let fx: EmulatorFixture;
const stacks: FlyStack[] = [];

beforeAll(async () => {
  fx = await startEmulatorFixture();
});

afterAll(async () => {
  for (const stack of stacks) stack.remove();
  await fx?.close();
});

function fixtureStack(name: string, appName: string): FlyStack {
  const stack = new FlyStack(name, { fx, appName });
  stacks.push(stack);
  return stack;
}

/** `op name [changed keys]` of every step that did something, sorted. */
const changedSteps = (result: OperationResult) =>
  result.steps
    .filter((step) => step.op !== "same")
    .map((step) => `${step.op} ${step.name} [${step.changedKeys.join(", ")}]`)
    .sort();

/** Each dynamic resource's stored `__provider` (outputs), by resource name. */
function providerTexts(resources: readonly ResourceState[]): Record<string, string> {
  return Object.fromEntries(
    resources
      .filter((resource) => providerName(resource.type) !== undefined)
      .map((resource) => [resource.urn.split("::").pop()!, resource.outputs.__provider as string]),
  );
}

/** The dynamic resources' ids and outputs, `__provider` aside, in URN order. */
function withoutProviders(resources: readonly ResourceState[]) {
  return resources
    .filter((resource) => providerName(resource.type) !== undefined)
    .map(({ urn, id, outputs: { __provider: _stub, ...outputs } }) => ({ urn, id, outputs }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
}

/** The Fly API requests (control calls aside) the emulator logged since the last clear. */
async function apiRequests(): Promise<string[]> {
  return (await requestLog(fx)).filter((line) => line.split(" ")[1].startsWith("/v1/"));
}

const NAMES = ["app", "certificate", "ipv6", "machine", "secrets", "token", "volume"];

/**
 * The up that moves every resource to its stub: `__provider` is its only change, which the
 * CLI's `[diff: …]` column (and so the step's changed keys) leaves out, as every `__` key.
 */
const MOVE = [
  "update app []",
  "update certificate []",
  "update ipv6 []",
  "update machine []",
  "update secrets []",
  "update token []",
  // Fly's default retention and daily snapshots, recorded by the refresh; the program leaves
  // them to Fly.
  "update volume [autoBackup, snapshotRetention]",
];

/** Its preview (see the test). */
const MOVE_PREVIEW = MOVE.map((step) =>
  step
    .replace("machine []", "machine [minSecretsVersion]")
    .replace("secrets []", "secrets [values]"),
);

/** The certificate's recorded status. */
const certificateStatus = (resources: readonly ResourceState[]) =>
  resources.find((resource) => resource.urn.endsWith("::certificate"))?.outputs.status;

describe("a stack whose state holds copied providers", () => {
  let stack: FlyStack;
  let legacy: OperationResult;
  let before: ResourceState[];

  beforeAll(async () => {
    stack = fixtureStack("migration", "migration-app");
    legacy = await stack.engine({ legacy: true }).up();
    before = await stack.resources();
  }, 180_000);

  it("was deployed with each provider's code in its state", () => {
    expect(legacy.error).toBeUndefined();
    expect(legacy.summary).toEqual({ create: 8, update: 0, replace: 0, delete: 0, same: 0 });
    expect(legacy.outputs.closureSerializations.value).toBe(7);
    const texts = providerTexts(before);
    expect(Object.keys(texts).sort()).toEqual(NAMES);
    for (const text of Object.values(texts)) {
      expect(text.startsWith("exports.handler = ")).toBe(true);
      expect(text.length).toBeGreaterThan(2_000);
      expect(text).not.toContain("provider-loader.cjs");
    }
  });

  it("refreshes with the code its state holds, before anything moved", async () => {
    // Past the certificate's issuance on the emulator's clock: its status is the one drift.
    await fx.control("POST", "/clock", { advance_ms: 3_600_000 });
    const refreshed = await stack.engine().refresh();
    expect(refreshed.error).toBeUndefined();
    // Only an output moved, so each provider's Diff sees nothing for an up to do: every step is
    // a `same`, as the CLI shows it, and the state holds what the stored code read.
    expect(changedSteps(refreshed)).toEqual([]);
    const status = certificateStatus(await stack.resources());
    expect(status).toBeDefined();
    expect(status).not.toBe(certificateStatus(before));
  });

  it("previews the move as an update of each resource's provider and nothing else", async () => {
    const preview = await stack.engine().preview();
    expect(preview.error).toBeUndefined();
    // A preview cannot know what an update's outputs will be (Pulumi plans an update's outputs as
    // its inputs), so what depends on an output shows as possibly changing: the token's value
    // feeds the secrets, their version the machine. The volume's snapshotRetention is Fly's
    // default, which the refresh recorded among its inputs. Nothing is replaced.
    expect(changedSteps(preview)).toEqual(MOVE_PREVIEW);
    expect(preview.outputs.closureSerializations.value).toBe(0);
  });

  it("moves every resource to its stub on the next up, without a change on Fly", async () => {
    const beforeMove = await stack.resources();
    await clearRequestLog(fx);
    const moved = await stack.engine().up();
    expect(moved.error).toBeUndefined();
    expect(changedSteps(moved)).toEqual(MOVE);
    const calls = await apiRequests();
    expect(calls.filter((call) => !call.startsWith("GET "))).toEqual([]);
    const after = await stack.resources();
    const entry = loaderEntry(FLY_STACK_DIR);
    for (const resource of after.filter((r) => providerName(r.type) !== undefined)) {
      expect(resource.inputs.__provider).toBe(stubText(providerName(resource.type)!, entry));
      expect(resource.outputs.__provider).toBe(stubText(providerName(resource.type)!, entry));
    }
    // Everything else each resource recorded stayed as it was: ids, the token, the salt.
    expect(withoutProviders(after)).toEqual(withoutProviders(beforeMove));
  });

  it("sees nothing to do after the move", async () => {
    const again = await stack.engine().up();
    expect(again.error).toBeUndefined();
    expect(again.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, same: 8 });
  });

  it("updates through the installed code once moved", async () => {
    await clearRequestLog(fx);
    const changed = await stack.engine({ config: { mode: "changed" } }).up();
    expect(changed.error).toBeUndefined();
    expect(changedSteps(changed)).toEqual(["update machine [env]"]);
    const world = await worldState(fx);
    const machine = world.machines[changed.outputs.machineId.value as string];
    expect(machine.config.env.MODE).toBe("changed");
    const mutations = (await apiRequests()).filter((call) => !call.startsWith("GET "));
    expect(mutations.map((call) => call.replace(/\/[0-9a-f]{14}/g, "/<machine>"))).toEqual([
      "POST /v1/apps/migration-app/machines/<machine>/lease 201",
      "POST /v1/apps/migration-app/machines/<machine> 200",
      "DELETE /v1/apps/migration-app/machines/<machine>/lease 200",
    ]);
  });

  it("destroys what it moved", async () => {
    const destroyed = await stack.engine({ config: { mode: "changed" } }).destroy();
    expect(destroyed.error).toBeUndefined();
    expect(destroyed.summary.delete).toBe(8);
    const world = await worldState(fx);
    expect(world.apps["migration-app"]).toBeUndefined();
  });
});

describe("a stack whose state holds copied providers, never moved", () => {
  it("is destroyed as it stands, by the code its state holds", async () => {
    const stack = fixtureStack("unmoved", "unmoved-app");
    const legacy = await stack.engine({ legacy: true }).up();
    expect(legacy.error).toBeUndefined();
    const destroyed = await stack.engine().destroy();
    expect(destroyed.error).toBeUndefined();
    expect(destroyed.summary.delete).toBe(8);
    const world = await worldState(fx);
    expect(world.apps["unmoved-app"]).toBeUndefined();
    expect(Object.values(world.machines).filter((m: any) => m.app === "unmoved-app")).toEqual([]);
    expect(Object.values(world.volumes).filter((v: any) => v.app === "unmoved-app")).toEqual([]);
  }, 180_000);
});
