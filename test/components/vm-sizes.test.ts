import { describe, expect, it } from "vitest";
import { ValidationError } from "../../components/validation";
import {
  DEFAULT_VM_SIZE,
  GATEWAY_MIN_MEMORY_MB,
  RECOMMENDED_MEMORY_MB,
  defaultMemoryMb,
  nodeHeapMb,
  resolveGuest,
  type GuestRequest,
} from "../../components/vm-sizes";
import { VM_SIZE_NAMES, VM_SIZE_PRESETS, type VmSizePreset } from "../../rules/fly-sizes";

/** The problems a ValidationError carries, or a failure when nothing is thrown. */
function problemsOf(request: GuestRequest): readonly string[] {
  try {
    resolveGuest(request);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error("expected resolveGuest to throw");
}

const FLOOR =
  "memoryMb: the OpenClaw gateway needs at least 1536 MB to run with headroom; 2048 MB is recommended " +
  "(set allowLowMemory: true to accept the risk), got";

describe("VM size presets", () => {
  it.each<[VmSizePreset, "shared" | "performance", number, number, number]>([
    ["shared-cpu-1x", "shared", 1, 256, 2048],
    ["shared-cpu-2x", "shared", 2, 512, 2048],
    ["shared-cpu-4x", "shared", 4, 1024, 2048],
    ["shared-cpu-8x", "shared", 8, 2048, 2048],
    ["performance-1x", "performance", 1, 2048, 2048],
    ["performance-2x", "performance", 2, 4096, 4096],
    ["performance-4x", "performance", 4, 8192, 8192],
    ["performance-8x", "performance", 8, 16384, 16384],
  ])(
    "%s is %s with %i CPUs, Fly default %i MB, component default %i MB",
    (size, kind, cpus, fly, ours) => {
      expect(VM_SIZE_PRESETS[size]).toEqual({ cpuKind: kind, cpus, memoryMb: fly });
      expect(defaultMemoryMb(size)).toBe(ours);
      expect(resolveGuest({ size })).toEqual({ cpuKind: kind, cpus, memoryMb: ours });
    },
  );

  it("lists exactly the eight presets in table order", () => {
    expect(VM_SIZE_NAMES).toEqual([
      "shared-cpu-1x",
      "shared-cpu-2x",
      "shared-cpu-4x",
      "shared-cpu-8x",
      "performance-1x",
      "performance-2x",
      "performance-4x",
      "performance-8x",
    ]);
  });

  it("defaults to the Fly template's working combination: shared-cpu-2x with 2048 MB", () => {
    expect(DEFAULT_VM_SIZE).toBe("shared-cpu-2x");
    expect(RECOMMENDED_MEMORY_MB).toBe(2048);
    expect(GATEWAY_MIN_MEMORY_MB).toBe(1536);
    expect(resolveGuest({ size: DEFAULT_VM_SIZE })).toEqual({
      cpuKind: "shared",
      cpus: 2,
      memoryMb: 2048,
    });
  });
});

describe("resolveGuest memory rules", () => {
  // [size, lowest allowed, highest allowed] per Fly: shared 256..2048/CPU, performance 2048..8192/CPU.
  const ranges: [VmSizePreset, number, number][] = [
    ["shared-cpu-1x", 256, 2048],
    ["shared-cpu-2x", 512, 4096],
    ["shared-cpu-4x", 1024, 8192],
    ["shared-cpu-8x", 2048, 16384],
    ["performance-1x", 2048, 8192],
    ["performance-2x", 4096, 16384],
    ["performance-4x", 8192, 32768],
    ["performance-8x", 16384, 65536],
  ];

  it.each(ranges)("%s accepts its lowest (%i) and highest (%i) memory", (size, min, max) => {
    const { cpuKind, cpus } = VM_SIZE_PRESETS[size];
    expect(resolveGuest({ size, memoryMb: min, allowLowMemory: true })).toEqual({
      cpuKind,
      cpus,
      memoryMb: min,
    });
    expect(resolveGuest({ size, memoryMb: max })).toEqual({ cpuKind, cpus, memoryMb: max });
  });

  it.each<[VmSizePreset, number, string]>([
    [
      "shared-cpu-2x",
      256,
      "memoryMb: must be from 512 to 4096 MB for shared-cpu-2x (2 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 256",
    ],
    [
      "shared-cpu-2x",
      4352,
      "memoryMb: must be from 512 to 4096 MB for shared-cpu-2x (2 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 4352",
    ],
    [
      "shared-cpu-1x",
      2304,
      "memoryMb: must be from 256 to 2048 MB for shared-cpu-1x (1 shared CPU) (Fly allows 256 to 2048 MB per shared CPU), got 2304",
    ],
    [
      "shared-cpu-4x",
      768,
      "memoryMb: must be from 1024 to 8192 MB for shared-cpu-4x (4 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 768",
    ],
    [
      "shared-cpu-4x",
      8448,
      "memoryMb: must be from 1024 to 8192 MB for shared-cpu-4x (4 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 8448",
    ],
    [
      "shared-cpu-8x",
      1792,
      "memoryMb: must be from 2048 to 16384 MB for shared-cpu-8x (8 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 1792",
    ],
    [
      "shared-cpu-8x",
      16640,
      "memoryMb: must be from 2048 to 16384 MB for shared-cpu-8x (8 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 16640",
    ],
    [
      "performance-1x",
      1792,
      "memoryMb: must be from 2048 to 8192 MB for performance-1x (1 performance CPU) (Fly allows 2048 to 8192 MB per performance CPU), got 1792",
    ],
    [
      "performance-1x",
      8448,
      "memoryMb: must be from 2048 to 8192 MB for performance-1x (1 performance CPU) (Fly allows 2048 to 8192 MB per performance CPU), got 8448",
    ],
    [
      "performance-2x",
      3840,
      "memoryMb: must be from 4096 to 16384 MB for performance-2x (2 performance CPUs) (Fly allows 2048 to 8192 MB per performance CPU), got 3840",
    ],
    [
      "performance-2x",
      16640,
      "memoryMb: must be from 4096 to 16384 MB for performance-2x (2 performance CPUs) (Fly allows 2048 to 8192 MB per performance CPU), got 16640",
    ],
    [
      "performance-4x",
      7936,
      "memoryMb: must be from 8192 to 32768 MB for performance-4x (4 performance CPUs) (Fly allows 2048 to 8192 MB per performance CPU), got 7936",
    ],
    [
      "performance-4x",
      33024,
      "memoryMb: must be from 8192 to 32768 MB for performance-4x (4 performance CPUs) (Fly allows 2048 to 8192 MB per performance CPU), got 33024",
    ],
    [
      "performance-8x",
      16128,
      "memoryMb: must be from 16384 to 65536 MB for performance-8x (8 performance CPUs) (Fly allows 2048 to 8192 MB per performance CPU), got 16128",
    ],
    [
      "performance-8x",
      65792,
      "memoryMb: must be from 16384 to 65536 MB for performance-8x (8 performance CPUs) (Fly allows 2048 to 8192 MB per performance CPU), got 65792",
    ],
  ])("%s refuses %i MB, one step outside Fly's range", (size, memoryMb, problem) => {
    expect(problemsOf({ size, memoryMb, allowLowMemory: true })).toEqual([problem]);
  });

  it.each<[number, string]>([
    [1600, "memoryMb: must be a multiple of 256 MB, got 1600"],
    [2047, "memoryMb: must be a multiple of 256 MB, got 2047"],
    [0, "memoryMb: must be a positive whole number of megabytes, got 0"],
    [-256, "memoryMb: must be a positive whole number of megabytes, got -256"],
    [2048.5, "memoryMb: must be a positive whole number of megabytes, got 2048.5"],
  ])("refuses %s MB on shared-cpu-2x", (memoryMb, problem) => {
    expect(problemsOf({ size: "shared-cpu-2x", memoryMb })).toEqual([problem]);
  });

  it.each<[VmSizePreset, number]>([
    ["shared-cpu-1x", 256],
    ["shared-cpu-1x", 512],
    ["shared-cpu-1x", 768],
    ["shared-cpu-1x", 1024],
    ["shared-cpu-2x", 512],
    ["shared-cpu-2x", 768],
  ])("refuses %s with %i MB below the gateway's floor, with the reason", (size, memoryMb) => {
    expect(problemsOf({ size, memoryMb })).toEqual([`${FLOOR} ${memoryMb}`]);
  });

  it.each<[VmSizePreset, number]>([
    ["shared-cpu-1x", 256],
    ["shared-cpu-2x", 768],
  ])("accepts %s with %i MB when allowLowMemory is set", (size, memoryMb) => {
    const { cpuKind, cpus } = VM_SIZE_PRESETS[size];
    expect(resolveGuest({ size, memoryMb, allowLowMemory: true })).toEqual({
      cpuKind,
      cpus,
      memoryMb,
    });
  });

  it("accepts exactly 1536 MB without allowLowMemory", () => {
    expect(resolveGuest({ size: "shared-cpu-1x", memoryMb: 1536 })).toEqual({
      cpuKind: "shared",
      cpus: 1,
      memoryMb: 1536,
    });
  });

  it("lists every broken rule at once", () => {
    expect(problemsOf({ size: "shared-cpu-4x", memoryMb: 900 })).toEqual([
      "memoryMb: must be from 1024 to 8192 MB for shared-cpu-4x (4 shared CPUs) (Fly allows 256 to 2048 MB per shared CPU), got 900",
      `${FLOOR} 900`,
    ]);
  });

  it("refuses an unknown size, naming the known ones", () => {
    expect(problemsOf({ size: "shared-cpu-3x" as VmSizePreset })).toEqual([
      'vmSize: unknown size "shared-cpu-3x" (known: shared-cpu-1x, shared-cpu-2x, shared-cpu-4x, ' +
        "shared-cpu-8x, performance-1x, performance-2x, performance-4x, performance-8x)",
    ]);
  });

  it("throws one message with a line per problem", () => {
    let message = "";
    try {
      resolveGuest({ size: "shared-cpu-2x", memoryMb: 1600 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      "VM size settings are invalid (1 problem):\n" +
        "- memoryMb: must be a multiple of 256 MB, got 1600",
    );
  });
});

describe("nodeHeapMb", () => {
  it.each([
    [256, 128],
    [512, 256],
    [1024, 512],
    [2048, 1024],
    [4096, 2048],
    [8192, 4096],
    [16384, 8192],
    [65536, 32768],
  ])("gives %i MB of RAM a %i MB old-space heap (half)", (memoryMb, heap) => {
    expect(nodeHeapMb(memoryMb)).toBe(heap);
  });

  it.each([0, -2048, 1536.5])("refuses %s MB", (memoryMb) => {
    expect(() => nodeHeapMb(memoryMb)).toThrowError(
      new RangeError(`memoryMb: must be a positive whole number of megabytes, got ${memoryMb}`),
    );
  });
});
