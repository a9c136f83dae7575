import { beforeAll, describe, expect, it } from "vitest";
import { useStack } from "./support/chain";
import { machineUrn } from "./support/expectations";
import {
  consoleOf,
  gatewayRuntime,
  REAL_CONFIG,
  REAL_OPERATION_MS,
  realEmulator,
} from "./support/real-gateway";
import { liveMachines, machineIn } from "./support/world";

// The real gateway on a machine too small for it, as Fly would run it: the emulator holds the
// machine's whole process tree to its memory (a memory cgroup where one is writable, else a
// watchdog), the kernel or the watchdog kills it past that, the exit event says `oom_killed`,
// and the program's error says so, with the machine, its region, its memory and the size to use.
const APP = "my-openclaw-dev";
const SMALL_MB = 512;

beforeAll(async () => {
  await gatewayRuntime();
}, 1_200_000);

describe("real gateway: a machine too small for it", { timeout: REAL_OPERATION_MS }, () => {
  const chain = useStack({
    stack: "dev",
    token: "environment",
    emulator: realEmulator("small"),
    config: { ...REAL_CONFIG, memoryMb: String(SMALL_MB), allowLowMemory: "true" },
    timeoutMs: REAL_OPERATION_MS,
  });

  it("is killed for lack of memory, and the error names the machine, its memory and the size to use", async () => {
    const result = await chain.stack.up();
    expect(result.ok).toBe(false);
    const machine = machineIn(chain.stack.emulator, APP, "iad");
    expect(machine.config.guest).toEqual({ cpu_kind: "shared", cpus: 1, memory_mb: SMALL_MB });
    const exits = machine.events.filter((e) => e.type === "exit");
    expect(exits.length).toBeGreaterThan(0);
    expect(exits.map((e) => (e.request!.exit_event as { oom_killed: boolean }).oom_killed)).toEqual(
      exits.map(() => true),
    );
    const error = result.error!;
    // A crash loop, or the health timeout when a boot on a loaded computer is slow to fill the
    // machine: either way the exits are named for what they were.
    expect(error).toContain(
      `${machineUrn("dev", "iad")}: 1 error occurred:\n\t* FlyMachine gateway-iad: machine ${machine.id} ` +
        "in region iad was created but is not healthy: ",
    );
    expect(error).toMatch(
      new RegExp(
        `its process exited (once|\\d+ times) since the wait began, each time killed for lack of memory ` +
          `\\(out of memory\\): machine ${machine.id} in region iad has ${SMALL_MB} MB; ` +
          "give it at least 2048 MB \\(memoryMb\\)",
      ),
    );
    expect(error).toContain("    | Process appears to have been OOM killed!");
    expect(consoleOf(chain.stack.emulator, machine)).toContain(
      "Process appears to have been OOM killed!",
    );
  });

  it("is destroyed without leaving a process behind", async () => {
    const result = await chain.stack.destroy();
    expect(result.error).toBeUndefined();
    expect(liveMachines(chain.stack.emulator, APP)).toEqual([]);
    expect(chain.stack.emulator.emulator.real!.runningCount).toBe(0);
  });
});
