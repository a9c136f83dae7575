import { afterAll, beforeAll } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlyMachineProvider } from "../../providers/machine/fly-machine";
import type { FlyMachineInputs } from "../../providers/machine/fly-machine";
import {
  configured,
  createAppDirectly,
  startClockedEmulator,
  worldState,
  type ClockedEmulator,
} from "./provider-support";

/** The app the machine tests work in. */
export const APP = "m-app";

/** The stack the test machines are declared in. */
export const STACK = "openclaw-fly/test";

/** The image test machines run unless a test names another. */
export const IMAGE = "registry.fly.io/gw:1";

/**
 * An emulator with an app and a volume in `iad`, and a machine provider configured for it, all on
 * one manual clock that moves only while a provider call waits on it (see `startClockedEmulator`).
 */
export interface MachineTestbed {
  fx: EmulatorFixture;
  clocked: ClockedEmulator;
  /** The provider, each call run with the clock moving for it. */
  provider: FlyMachineProvider;
  volumeId: string;
  /** Normalized inputs of a healthy gateway-like machine, as `check` hands them to create. */
  inputs(overrides?: Record<string, unknown>): Promise<FlyMachineInputs>;
  /** The emulator's record of a machine (config, versions, lease, checks). */
  machineRecord(id: string): Promise<any>;
}

/** Registers the hooks that start and stop the testbed for the calling test file. */
export function useMachineTestbed(): MachineTestbed {
  const bed = {} as MachineTestbed;
  beforeAll(async () => {
    bed.clocked = await startClockedEmulator();
    bed.fx = bed.clocked.fx;
    bed.provider = bed.clocked.onClockAlways(await configured(new FlyMachineProvider(), bed.fx));
    await createAppDirectly(bed.fx, APP);
    const volume = await bed.fx.api("POST", `/v1/apps/${APP}/volumes`, {
      name: "data",
      region: "iad",
    });
    bed.volumeId = volume.body.id;
  });
  afterAll(async () => {
    await bed.clocked.close();
  });
  bed.inputs = async (overrides = {}) => {
    const result = await bed.provider.check(
      {} as never,
      {
        app: APP,
        name: "gw-iad",
        region: "iad",
        image: IMAGE,
        guest: { cpuKind: "shared", cpus: 1, memoryMb: 1024 },
        env: { MODE: "prod" },
        mounts: [{ volume: bed.volumeId, path: "/data", region: "iad" }],
        checks: {
          startup: { type: "http", port: 3000, path: "/startupz", interval: "15s", timeout: "5s" },
        },
        restart: { policy: "always" },
        healthTimeoutSeconds: 2,
        stack: STACK,
        ...overrides,
      } as unknown as FlyMachineInputs,
    );
    return result.inputs!;
  };
  bed.machineRecord = async (id) => (await worldState(bed.fx)).machines[id];
  return bed;
}
