/**
 * The providers loaded, not copied, under Pulumi's own language runtime and dynamic-provider host
 * (started by the offline engine as the CLI starts them): a fixture program with one of each
 * resource goes through preview, up, refresh and destroy against the emulator. Each resource's
 * `__provider` is a stub naming its provider, the program never loads Pulumi's closure
 * serializer, and the host loads the installed TypeScript through the project's own loader.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import type { OperationResult, ResourceState } from "../../engine/engine-types";
import { isSecret } from "../../engine/property-values";
import { loaderEntry } from "../../providers/provider-kit/loaded-resource";
import { PROVIDER_NAMES } from "../../providers/provider-kit/provider-registry";
import { stubText } from "../../providers/provider-kit/provider-stub";
import {
  FLY_STACK_DIR,
  FlyStack,
  SECRET_VALUE,
  providerBytes,
  providerName,
  type StoredResource,
} from "./fly-stack";
import { startEmulatorFixture, worldState } from "./provider-support";

/**
 * Most bytes a resource's `__provider` may add to its state entry, inputs and outputs together:
 * two copies of a stub of about 150 bytes. The copied providers this replaces took 9 to 260 KB.
 */
const STATE_BYTES_PER_RESOURCE = 400;

let fx: EmulatorFixture;
let stack: FlyStack;
let preview: OperationResult;
let appsAfterPreview: unknown;
let up: OperationResult;
let stateText: string;
let stored: StoredResource[];
let resources: ResourceState[];

/** `op name [changed keys]` of every step that did something. */
const changedSteps = (result: OperationResult) =>
  result.steps
    .filter((step) => step.op !== "same")
    .map((step) => `${step.op} ${step.name} [${step.changedKeys.join(", ")}]`);

/** The certificate's recorded status. */
const certificateStatus = (all: readonly ResourceState[]) =>
  all.find((resource) => resource.urn.endsWith("::certificate"))?.outputs.status;

const dynamic = <R extends { type: string }>(all: readonly R[]): R[] =>
  all.filter((resource) => providerName(resource.type) !== undefined);

beforeAll(async () => {
  fx = await startEmulatorFixture();
  stack = new FlyStack("loading", {
    fx,
    appName: "loading-app",
    env: { OPENCLAW_FLY_LOADER_DEBUG: "1" },
  });
  preview = await stack.engine().preview();
  appsAfterPreview = (await worldState(fx)).apps;
  up = await stack.engine().up();
  const engine = stack.engine();
  stateText = JSON.stringify(engine.readState());
  stored = engine.readState()!.resources as StoredResource[];
  resources = await stack.resources();
}, 180_000);

afterAll(async () => {
  stack?.remove();
  await fx?.close();
});

describe("providers loaded from the installed project", () => {
  it("previews without serializing any code, and without a change on Fly", () => {
    expect(preview.error).toBeUndefined();
    expect(preview.summary).toEqual({ create: 8, update: 0, replace: 0, delete: 0, same: 0 });
    expect(preview.outputs.closureSerializations).toEqual({ value: 0, secret: false });
    expect(appsAfterPreview).toEqual({});
  });

  it("brings up one of each resource, without serializing any code", async () => {
    expect(up.error).toBeUndefined();
    expect(up.summary).toEqual({ create: 8, update: 0, replace: 0, delete: 0, same: 0 });
    expect(up.outputs.closureSerializations).toEqual({ value: 0, secret: false });
    const world = await worldState(fx);
    const machine = world.machines[up.outputs.machineId.value as string];
    expect(machine.state).toBe("started");
    expect(machine.min_secrets_version).toBe(1);
    expect(world.volumes[up.outputs.volumeId.value as string].attached_machine_id).toBe(machine.id);
  });

  it("stores a stub naming each provider and the loader, never code or an absolute path", () => {
    const entry = loaderEntry(FLY_STACK_DIR);
    expect(entry).toBe("../../../../providers/provider-kit/provider-loader.cjs");
    const names = dynamic(resources).map((resource) => providerName(resource.type)!);
    // The fixture holds one resource of every provider the registry knows.
    expect([...names].sort()).toEqual([...PROVIDER_NAMES].sort());
    for (const resource of dynamic(resources)) {
      const stub = stubText(providerName(resource.type)!, entry);
      expect(resource.inputs.__provider).toBe(stub);
      expect(resource.outputs.__provider).toBe(stub);
    }
    expect(stubText("fly:FlyMachine", entry)).toBe(
      'exports.handler = () => require(require("path").resolve(' +
        '"../../../../providers/provider-kit/provider-loader.cjs"))' +
        '.provider("loaded-provider@1 fly:FlyMachine");\n',
    );
    expect(stateText).not.toContain(FLY_STACK_DIR);
  });

  it(`adds at most ${STATE_BYTES_PER_RESOURCE} bytes per resource to the state`, () => {
    const bytes: Record<string, number> = Object.fromEntries(
      dynamic(stored).map((resource) => [providerName(resource.type), providerBytes(resource)]),
    );
    console.log(`state bytes of __provider per resource: ${JSON.stringify(bytes)}`);
    const over = Object.entries(bytes).filter(([, size]) => size > STATE_BYTES_PER_RESOURCE);
    expect(over).toEqual([]);
    expect(Object.values(bytes).every((size) => size > 200)).toBe(true);
  });

  it("loads the TypeScript in the host through the project's loader, not a hook it inherited", () => {
    const lines = up.logs.filter((entry) => entry.source === "provider").map((e) => e.message);
    const loader = lines.filter((line) => line.startsWith("provider-loader: "));
    expect(loader).toEqual([
      expect.stringMatching(/^provider-loader: installed a \.ts hook: typescript 5\.\d+\.\d+ \(/),
    ]);
  });

  it("keeps the token and secret values out of the state and the logs", () => {
    expect(stateText).not.toContain(fx.handle.token);
    expect(stateText).not.toContain(SECRET_VALUE);
    const secrets = resources.find((resource) => resource.type.endsWith(":FlySecrets"))!;
    expect(isSecret(secrets.inputs.values)).toBe(true);
    expect(isSecret(secrets.outputs.salt)).toBe(true);
    expect(secrets.outputs.values).toBeUndefined();
    const salt = (secrets.outputs.salt as { value: string }).value;
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(stateText).not.toContain(salt);
    const token = resources.find((resource) => resource.type.endsWith(":GeneratedToken"))!;
    const value = (token.outputs.value as { value: string }).value;
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(stateText).not.toContain(value);
    const logs = up.logs.map((entry) => entry.message).join("\n");
    for (const secret of [fx.handle.token, SECRET_VALUE, salt, value]) {
      expect(logs).not.toContain(secret);
    }
  });

  it("forwards progress lines from inside the providers to the user", () => {
    const provider = up.logs.filter((entry) => entry.source === "provider").map((e) => e.message);
    expect(provider).toContain("[fly:app loading-app] creating app loading-app in personal");
    expect(provider).toContain("[fly:secrets loading-app] setting 2 secrets (API_KEY, TOKEN)");
    expect(provider).toContain(
      "[fly:machine loading-app-iad] creating machine in loading-app (iad)",
    );
  });

  it("refreshes what Fly changed, ups with no change, then destroys everything", async () => {
    // Past the certificate's issuance on the emulator's clock: its status is the one drift.
    await fx.control("POST", "/clock", { advance_ms: 3_600_000 });
    const statusBefore = certificateStatus(await stack.resources());
    const refreshed = await stack.engine().refresh();
    expect(refreshed.error).toBeUndefined();
    // Only an output moved: each provider's Diff sees nothing for an up to do, so every step is
    // a `same`, as the CLI shows it, and the state holds what the loaded code read.
    expect(changedSteps(refreshed)).toEqual([]);
    expect(certificateStatus(await stack.resources())).not.toBe(statusBefore);
    const again = await stack.engine().up();
    expect(again.error).toBeUndefined();
    expect(again.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, same: 8 });
    const destroyed = await stack.engine().destroy();
    expect(destroyed.error).toBeUndefined();
    expect(destroyed.summary.delete).toBe(8);
    const world = await worldState(fx);
    expect([world.apps, world.machines, world.volumes]).toEqual([{}, {}, {}]);
  }, 180_000);
});
