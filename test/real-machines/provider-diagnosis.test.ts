import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlyMachineProvider } from "../../providers/machine/fly-machine";
import type { FlyMachineInputs } from "../../providers/machine/fly-machine";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { configured, createAppDirectly } from "../providers/provider-support";
import {
  FAKE_CMD,
  FAKE_IMAGE,
  installFakeRuntime,
  startRealFixture,
  type FakeRuntime,
} from "./real-support";

// The machine provider against real machines running the stand-in gateway: when a version does
// not become healthy, the error carries the machine's own account (its exits from Fly's events,
// why it could not start, the last lines of its last run from Fly's logs API).
const APP = "diag";
let runtime: FakeRuntime;
let fx: EmulatorFixture;
let provider: FlyMachineProvider;

async function inputs(overrides: Record<string, unknown> = {}): Promise<FlyMachineInputs> {
  const result = await provider.check(
    {} as never,
    {
      app: APP,
      name: "gw-iad",
      region: "iad",
      image: FAKE_IMAGE,
      guest: { cpuKind: "shared", cpus: 1, memoryMb: 1024 },
      init: { cmd: FAKE_CMD },
      env: { FAKE_STARTUP_MS: "100" },
      checks: {
        startup: {
          type: "http",
          port: 3000,
          path: "/startupz",
          gracePeriod: "100ms",
          interval: "100ms",
          timeout: "2s",
        },
      },
      restart: { policy: "always" },
      healthTimeoutSeconds: 20,
      stack: "openclaw-fly/dev",
      ...overrides,
    } as unknown as FlyMachineInputs,
  );
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

beforeAll(async () => {
  runtime = installFakeRuntime();
  fx = await startRealFixture(runtime, { token: "provider-test-token" });
  provider = await configured(new FlyMachineProvider(), fx, { pollIntervalMs: 50, pacing: false });
  await createAppDirectly(fx, APP);
});
afterAll(async () => {
  await fx.close();
  runtime.remove();
});

describe("a version that does not become healthy", () => {
  let created: { id: string; outs: any };

  it("a crash loop is rolled back, and the error quotes the gateway's exit and last run", async () => {
    created = await provider.create(await inputs());
    const crashing = await inputs({ env: { FAKE_STARTUP_MS: "never", FAKE_EXIT_CODE: "78" } });
    const error = await provider.update(created.id, created.outs, crashing).then(
      () => undefined,
      (e: Error) => e,
    );
    const [head, ...tail] = error!.message.split("\n");
    expect(head).toMatch(
      new RegExp(
        `^FlyMachine gw-iad: machine ${created.id} \\(gw-iad\\) in region iad: the update to version \\w+ failed: ` +
          `machine ${created.id} in app ${APP} is (crash-looping: its process exited 3 times since the wait began ` +
          `\\(the last time, it exited with code 78\\)|stopped \\(its process exited with code 78\\)); .*` +
          "; rolled back to the previous configuration \\(version \\w+, started and healthy\\)$",
      ),
    );
    expect(tail[0]).toBe(`  last log lines of machine ${created.id}:`);
    const quoted = tail.slice(1).map((line) => line.replace(/\d+/g, "N"));
    expect(quoted.sort()).toEqual(
      [
        "    | fake gateway N starting on port N",
        "    | fake gateway: a line on stderr",
        "    | fake gateway listening on N",
        "    | fake gateway exiting with N",
        "    | Main child exited normally with code: N",
      ].sort(),
    );
    expect(tail.at(-1)).toBe("    | Main child exited normally with code: 78");
  });

  it("a version killed for lack of memory is rolled back, and the error says so with the size to use", async () => {
    const machine = await provider.create(await inputs({ name: "gw-small" }));
    // The stand-in holds 400 MB at start: past the 256 MB of the new version's machine.
    const small = await inputs({
      name: "gw-small",
      guest: { cpuKind: "shared", cpus: 1, memoryMb: 256 },
      env: { FAKE_STARTUP_MS: "100", FAKE_ALLOCATE_MB: "400" },
    });
    const error = await provider.update(machine.id, machine.outs, small).then(
      () => undefined,
      (e: Error) => e,
    );
    const [head, ...tail] = error!.message.split("\n");
    expect(head).toContain(
      "since the wait began, each time killed for lack of memory (out of memory): " +
        `machine ${machine.id} in region iad has 256 MB; give it at least 2048 MB (memoryMb)` +
        "; rolled back to the previous configuration (version ",
    );
    expect(tail.at(-2)).toBe("    | Process appears to have been OOM killed!");
    expect(tail.at(-1)).toBe(
      "    | Main child exited with signal (with signal 'SIGKILL', core dumped? false)",
    );
    const rolledBack = await fx.api("GET", `/v1/apps/${APP}/machines/${machine.id}`);
    expect([rolledBack.body.state, rolledBack.body.config.guest.memory_mb]).toEqual([
      "started",
      1024,
    ]);
  });

  it("a machine that cannot start says why, from Fly's events", async () => {
    const error = await provider
      .create(await inputs({ name: "gw-unknown", image: "ghcr.io/openclaw/openclaw:2099.9.9" }))
      .then(
        () => undefined,
        (e: { message?: string; reasons?: string[] }) => e,
      );
    const text = JSON.stringify(error);
    expect(text).toContain("machine failed to reach desired state started, current state: failed");
    expect(text).toContain(
      "; the machine failed to start: OpenClaw 2099.9.9 has no pinned runtime (pinned: 2099.1.1)",
    );
  });
});
