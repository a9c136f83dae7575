import { describe, expect, it } from "vitest";
import { highWaterKib, processRole, watchMemory } from "../../scripts/bench/memory-peaks";

describe("memory peaks", () => {
  it("tells the provider host and the program apart by their command lines", () => {
    expect(
      processRole(
        "node --require x.cjs node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js 1",
      ),
    ).toBe("providerHostMb");
    expect(processRole("node node_modules/@pulumi/pulumi/cmd/run/index.js --monitor a .")).toBe(
      "programMb",
    );
    expect(processRole("node emulator/main.ts --port 0")).toBeUndefined();
  });

  it("reads the high-water mark of a /proc status text", () => {
    const status = "Name:\tnode\nVmPeak:\t 1495888 kB\nVmHWM:\t   79008 kB\nVmRSS:\t   70000 kB\n";
    expect(highWaterKib(status)).toBe(79_008);
    expect(highWaterKib("Name:\tkthreadd\n")).toBeUndefined();
  });

  it("samples this process's own peak", () => {
    const peaks = watchMemory(10_000).stop();
    expect(peaks.engineMb).toBeGreaterThanOrEqual(
      Math.floor(process.memoryUsage.rss() / 2 ** 20) - 1,
    );
    expect(peaks.programMb).toBe(0);
    expect(peaks.providerHostMb).toBe(0);
  });
});
