import { beforeAll, describe, expect, it } from "vitest";
import { FlyMachineProvider } from "../../providers/machine/fly-machine";
import type { FlyMachineInputs, FlyMachineOutputs } from "../../providers/machine/fly-machine";
import { declaredDiff } from "../../providers/machine/machine-drift";
import { UNKNOWN } from "./provider-support";

/** The stack every machine here is declared in. */
const STACK = "openclaw-fly/test";

const provider = new FlyMachineProvider();

/** Inputs as a program passes them (before `check`). */
function given(overrides: Record<string, unknown> = {}): FlyMachineInputs {
  return {
    app: "m-app",
    name: "gw-iad",
    region: "iad",
    image: "registry.fly.io/gw:1",
    guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
    env: { MODE: "prod" },
    mounts: [{ volume: "vol_123", path: "/data", region: "iad" }],
    stack: STACK,
    checks: {
      startup: {
        type: "http",
        port: 3000,
        method: "GET",
        path: "/startupz",
        interval: "15s",
        timeout: "5s",
        gracePeriod: "120s",
      },
    },
    ...overrides,
  } as unknown as FlyMachineInputs;
}

/** What `check` makes of `given()`: defaults filled, durations in their canonical spelling. */
function normalized(overrides: Record<string, unknown> = {}): FlyMachineInputs {
  const base = given(overrides);
  return {
    ...base,
    checks: { startup: { ...base.checks!.startup, gracePeriod: "2m" } },
    restart: { policy: "on-failure", maxRetries: 10 },
    healthTimeoutSeconds: 600,
  } as unknown as FlyMachineInputs;
}

describe("FlyMachine check", () => {
  it("returns normalized inputs with defaults filled", async () => {
    expect(await provider.check({} as never, given({ env: {}, metadata: {} }))).toEqual({
      inputs: { ...normalized(), env: undefined },
    });
    expect(await provider.check({} as never, given())).toEqual({ inputs: normalized() });
  });

  it.each([
    [
      "memory above the shared range",
      { guest: { cpuKind: "shared", cpus: 1, memoryMb: 4096 } },
      "guest.memoryMb",
      "must be from 256 to 2048 MB for 1 shared CPU (Fly allows 256 to 2048 MB per shared CPU), got 4096",
    ],
    [
      "memory below the performance range",
      { guest: { cpuKind: "performance", cpus: 2, memoryMb: 2048 } },
      "guest.memoryMb",
      "must be from 4096 to 16384 MB for 2 performance CPUs (Fly allows 2048 to 8192 MB per performance CPU), got 2048",
    ],
    [
      "memory off the 256 MB steps",
      { guest: { cpuKind: "shared", cpus: 2, memoryMb: 1000 } },
      "guest.memoryMb",
      "must be a multiple of 256 MB, got 1000",
    ],
    [
      "a CPU count the kind does not offer",
      { guest: { cpuKind: "shared", cpus: 3, memoryMb: 768 } },
      "guest.cpus",
      'must be one of 1, 2, 4, 6, 8 for cpuKind "shared", got 3',
    ],
    [
      "an unknown region",
      { region: "xyz", mounts: [] },
      "region",
      'unknown Fly region "xyz" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
    ],
    [
      "a mount of a volume in another region",
      { mounts: [{ volume: "vol_123", path: "/data", region: "ams" }] },
      "mounts[0].region",
      "volume vol_123 is in region ams but the machine is in iad: a machine can only mount a volume in its own region",
    ],
    [
      "a bad environment variable name",
      { env: { "BAD-NAME": "x" } },
      'env["BAD-NAME"]',
      'name "BAD-NAME" must start with a letter or underscore and contain only letters, digits and underscores',
    ],
    [
      "a malformed check duration",
      { checks: { startup: { type: "tcp", port: 3000, interval: "15 seconds", timeout: "5s" } } },
      "checks.startup.interval",
      'must be a Go duration such as "15s", "2m" or "1m30s", got "15 seconds"',
    ],
    [
      "two mounts",
      {
        mounts: [
          { volume: "vol_1", path: "/a" },
          { volume: "vol_2", path: "/b" },
        ],
      },
      "mounts",
      "a machine can mount at most one volume",
    ],
    [
      "a reserved metadata key",
      { metadata: { "openclaw-fly/managed": "false" } },
      'metadata["openclaw-fly/managed"]',
      "is reserved for the provider's own use",
    ],
    [
      "an app name Fly refuses",
      { app: "M_App" },
      "app",
      'must be 1 to 63 lowercase letters, digits and dashes, got "M_App"',
    ],
  ])("refuses %s", async (_rule, overrides, property, reason) => {
    expect(await provider.check({} as never, given(overrides))).toEqual({
      failures: [{ property, reason }],
    });
  });

  it("skips every rule on values unknown during a preview", async () => {
    const news = given({
      region: UNKNOWN,
      guest: { cpuKind: "shared", cpus: UNKNOWN, memoryMb: 4096 },
      env: { MODE: UNKNOWN },
      mounts: [{ volume: UNKNOWN, path: "/data", region: "ams" }],
      minSecretsVersion: UNKNOWN,
    });
    expect(await provider.check({} as never, news)).toEqual({
      inputs: { ...normalized(), ...news, checks: normalized().checks },
    });
    const wholeSpec = {
      app: "m-app",
      name: "gw",
      region: "iad",
      image: UNKNOWN,
      guest: UNKNOWN,
      stack: STACK,
    };
    expect(await provider.check({} as never, wholeSpec as never)).toEqual({
      inputs: {
        ...wholeSpec,
        restart: { policy: "on-failure", maxRetries: 10 },
        healthTimeoutSeconds: 600,
      },
    });
  });
});

describe("FlyMachine diff", () => {
  let olds: FlyMachineOutputs;

  beforeAll(async () => {
    const inputs = (await provider.check({} as never, given())).inputs!;
    olds = { ...inputs, machineId: "m1", version: "v1", state: "started", privateIp: "fdaa::1" };
  });

  async function diff(overrides: Record<string, unknown>) {
    // The diff before Fly is asked; what it adds from the live machine is tested against the
    // emulator (machine.test.ts).
    const news = (await provider.check({} as never, given(overrides))).inputs!;
    return declaredDiff(olds, news);
  }

  it("sees no change when only the provider code changed or a duration is respelled", async () => {
    const none = { changes: false, replaces: [], deleteBeforeReplace: false };
    expect(await diff({ __provider: "exports.handler = newer" })).toEqual(none);
    const respelled = given().checks!.startup;
    expect(await diff({ checks: { startup: { ...respelled, gracePeriod: "2m0s" } } })).toEqual(
      none,
    );
    expect(await diff({ mounts: [{ volume: "vol_123", path: "/data" }] })).toEqual(none);
  });

  it("updates in place for image, env, size and secrets version", async () => {
    const update = { changes: true, replaces: [], deleteBeforeReplace: false };
    expect(await diff({ image: "registry.fly.io/gw:2" })).toEqual(update);
    expect(await diff({ env: { MODE: "dev" } })).toEqual(update);
    expect(await diff({ guest: { cpuKind: "shared", cpus: 2, memoryMb: 4096 } })).toEqual(update);
    expect(await diff({ minSecretsVersion: 4 })).toEqual(update);
  });

  it("replaces, deleting first, when the region, name or mounted volume change", async () => {
    expect(await diff({ region: "ams", mounts: [{ volume: "vol_9", path: "/data" }] })).toEqual({
      changes: true,
      replaces: ["region", "mounts"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ name: "gw-two" })).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: true,
    });
  });

  it("treats a mounted volume unknown during a preview as a replacement", async () => {
    const news = { ...olds, stack: STACK, mounts: [{ volume: UNKNOWN, path: "/data" }] };
    expect(await provider.diff("m1", olds, news)).toEqual({
      changes: true,
      replaces: ["mounts"],
      deleteBeforeReplace: true,
    });
  });
});
