/**
 * Proves the providers survive Pulumi's own closure serialization and run in Pulumi's own
 * dynamic-provider host, started in a child process as the engine starts it: the offline engine
 * runs a fixture program with one of each resource through `up` and `destroy` against the
 * emulator. vitest's module runner is not involved: the program runs under ts-node in its own
 * process, as under `pulumi up`.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { OfflineEngine } from "../../engine/offline-engine";
import type { OperationResult, ResourceState } from "../../engine/engine-types";
import { isSecret } from "../../engine/property-values";
import { DEFAULT_TEST_PASSPHRASE } from "../../engine/secrets-crypter";
import { FAST_TUNING, startEmulatorFixture, worldState } from "./provider-support";

const PROJECT_DIR = join(__dirname, "fixtures", "fly-stack");
const STACK = "serialization";
const SECRET_VALUE = "sk-fixture-secret-value-7f3a91";
const TYPES = ["FlyApp", "FlySecrets", "FlyVolume", "FlyMachine", "FlyIpAddress", "FlyCertificate"];

/**
 * The Fly request kinds (`action`s) each provider's text can send: only those of the resources
 * it calls. Machine start, stop and restart share one template and are not listed.
 */
const ACTIONS: Record<string, string[]> = {
  FlyApp: ["app_create", "app_delete", "app_get", "app_list", "volume_list"],
  FlySecrets: ["secrets_list", "secrets_write"],
  FlyVolume: [
    "machine_get",
    "snapshot_create",
    "snapshot_list",
    "volume_create",
    "volume_delete",
    "volume_extend",
    "volume_get",
    "volume_list",
    "volume_update",
  ],
  FlyMachine: [
    "lease",
    "machine_create",
    "machine_delete",
    "machine_events",
    "machine_get",
    "machine_list",
    "machine_update",
    "machine_wait",
  ],
  FlyIpAddress: ["ip_address_allocate", "ip_address_list", "ip_address_release"],
  FlyCertificate: [
    "certificate_check",
    "certificate_create",
    "certificate_delete",
    "certificate_get",
    "certificate_list",
  ],
};

/**
 * Most characters each provider's text may have: Pulumi stores it twice per resource (inputs and
 * outputs), and every checkpoint and preview pays for it. A provider that reached the whole
 * client, or the calls of a resource it never uses, would exceed its budget.
 */
const TEXT_BUDGETS: Record<string, number> = {
  FlyApp: 70_000,
  FlySecrets: 68_000,
  FlyVolume: 84_000,
  FlyMachine: 139_000,
  FlyIpAddress: 68_000,
  FlyCertificate: 68_000,
};

let fx: EmulatorFixture;
let engine: OfflineEngine;
let preview: OperationResult;
let up: OperationResult;
let stateText: string;
let providerTexts: Map<string, string>;
let resources: ResourceState[];

/** Removes the fixture's state (the engine keeps it under the project directory). */
function removeState(): void {
  rmSync(join(PROJECT_DIR, ".pulumi-offline"), { recursive: true, force: true });
}

beforeAll(async () => {
  removeState();
  fx = await startEmulatorFixture();
  engine = new OfflineEngine({
    projectDir: PROJECT_DIR,
    stack: STACK,
    config: {
      appName: "fixture-app",
      // The providers read their keys in the project's own namespace (fly-stack:flyApiUrl).
      flyApiUrl: fx.handle.url,
      providerTuning: JSON.stringify(FAST_TUNING),
    },
    secretConfig: { flyApiToken: fx.handle.token, apiKey: SECRET_VALUE },
    env: { PULUMI_CONFIG_PASSPHRASE: DEFAULT_TEST_PASSPHRASE, OPENCLAW_FLY_QUIET: "0" },
    timeoutMs: 90_000,
  });
  preview = await engine.preview();
  up = await engine.up();
  stateText = readFileSync(engine.stateFile, "utf8");
  providerTexts = new Map();
  resources = await engine.loadState();
  for (const resource of resources) {
    const text = resource.outputs.__provider;
    if (typeof text === "string") providerTexts.set(resource.type.split(":").pop()!, text);
  }
}, 120_000);

afterAll(async () => {
  removeState();
  await fx?.close();
});

describe("the providers under Pulumi's runtime and provider host", () => {
  it("previews with unknown ids and versions without calling Fly to change anything", async () => {
    expect(preview.error).toBeUndefined();
    expect(preview.summary).toEqual({ create: 7, update: 0, replace: 0, delete: 0, same: 0 });
    expect(preview.outputs.machineId).toEqual({
      value: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      secret: false,
    });
  });

  it("brings up one of each resource through the real host", async () => {
    expect(up.error).toBeUndefined();
    expect(up.ok).toBe(true);
    expect(up.summary).toEqual({ create: 7, update: 0, replace: 0, delete: 0, same: 0 });
    const world = await worldState(fx);
    const machine = world.machines[up.outputs.machineId.value as string];
    expect(machine.state).toBe("started");
    expect(machine.min_secrets_version).toBe(1);
    expect(up.outputs.machineState).toEqual({ value: "started", secret: false });
    expect(up.outputs.secretsVersion).toEqual({ value: 1, secret: false });
    expect(world.volumes[up.outputs.volumeId.value as string].attached_machine_id).toBe(machine.id);
  });

  it("serializes every provider to requires of npm libraries, never their source", () => {
    expect([...providerTexts.keys()].sort()).toEqual([...TYPES].sort());
    const sizes: Record<string, number> = {};
    for (const [type, text] of providerTexts) {
      sizes[type] = text.length;
      expect(text.startsWith("exports.handler = ")).toBe(true);
      expect(text).toContain('require("zod")');
      expect(text).not.toContain("ZodObject");
    }
    console.log(`serialized provider text sizes (characters): ${JSON.stringify(sizes)}`);
  });

  it("serializes into each provider only the Fly calls of the resources it uses", () => {
    const actions = Object.fromEntries(
      [...providerTexts].map(([type, text]) => [
        type,
        [...new Set([...text.matchAll(/action: "(\w+)"/g)].map((match) => match[1]))].sort(),
      ]),
    );
    expect(actions).toEqual(ACTIONS);
  });

  it("keeps each provider's text within its budget", () => {
    const over = [...providerTexts]
      .filter(([type, text]) => text.length > TEXT_BUDGETS[type])
      .map(([type, text]) => `${type}: ${text.length} > ${TEXT_BUDGETS[type]}`);
    expect(over).toEqual([]);
  });

  it("keeps the token and secret values out of the provider text, the state and the logs", () => {
    for (const text of providerTexts.values()) {
      expect(text).not.toContain(fx.handle.token);
      expect(text).not.toContain(SECRET_VALUE);
    }
    expect(stateText).not.toContain(fx.handle.token);
    expect(stateText).not.toContain(SECRET_VALUE);
    const secrets = resources.find((resource) => resource.type.endsWith(":FlySecrets"))!;
    expect(isSecret(secrets.inputs.values)).toBe(true);
    expect(isSecret(secrets.outputs.salt)).toBe(true);
    expect(secrets.outputs.values).toBeUndefined();
    const salt = (secrets.outputs.salt as { value: string }).value;
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(stateText).not.toContain(salt);
    const logs = up.logs.map((entry) => entry.message).join("\n");
    expect(logs).not.toContain(fx.handle.token);
    expect(logs).not.toContain(SECRET_VALUE);
  });

  it("forwards progress lines from inside the providers to the user", () => {
    const provider = up.logs.filter((entry) => entry.source === "provider").map((e) => e.message);
    expect(provider).toContain("[fly:app fixture-app] creating app fixture-app in personal");
    expect(provider).toContain("[fly:secrets fixture-app] setting 1 secrets (API_KEY)");
    expect(provider).toContain(
      "[fly:machine fixture-app-iad] creating machine in fixture-app (iad)",
    );
  });

  it("sees nothing to do on a second up, then destroys everything", async () => {
    const again = await engine.up();
    expect(again.error).toBeUndefined();
    expect(again.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, same: 7 });
    const destroyed = await engine.destroy();
    expect(destroyed.error).toBeUndefined();
    expect(destroyed.summary.delete).toBe(7);
    const world = await worldState(fx);
    expect(world.apps).toEqual({});
  }, 120_000);
});
