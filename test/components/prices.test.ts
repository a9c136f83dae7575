import { describe, expect, it } from "vitest";
import type { MachineGuest } from "../../providers/machine/machine-spec";
import { FLY_PRICE_TABLE, computeCents, estimateMonthlyCost } from "../../components/prices";

const shared = (cpus: number, memoryMb: number): MachineGuest => ({
  cpuKind: "shared",
  cpus,
  memoryMb,
});
const performance = (cpus: number, memoryMb: number): MachineGuest => ({
  cpuKind: "performance",
  cpus,
  memoryMb,
});

describe("FLY_PRICE_TABLE", () => {
  it("states its date, source and base-region prices in cents", () => {
    expect(FLY_PRICE_TABLE).toEqual({
      date: "2026-09",
      source: "https://fly.io/docs/about/pricing/",
      currency: "USD",
      sharedCpuCents: 194,
      sharedIncludedMemoryMb: 256,
      performanceCpuCents: 3100,
      performanceIncludedMemoryMb: 2048,
      additionalMemoryCentsPerGb: 500,
      volumeCentsPerGb: 15,
      dedicatedIpv4Cents: 200,
      snapshotCentsPerGb: 8,
    });
  });
});

describe("computeCents", () => {
  it.each<[string, MachineGuest, number]>([
    ["shared-cpu-1x 256 MB (all included)", shared(1, 256), 194],
    ["shared-cpu-1x 512 MB", shared(1, 512), 194 + 125],
    ["shared-cpu-1x 1024 MB", shared(1, 1024), 194 + 375],
    ["shared-cpu-1x 2048 MB", shared(1, 2048), 194 + 875],
    ["shared-cpu-2x 512 MB (all included)", shared(2, 512), 388],
    ["shared-cpu-2x 2048 MB: 3.88 + 1.5 GB x 5.00", shared(2, 2048), 1138],
    ["shared-cpu-4x 8192 MB", shared(4, 8192), 776 + 3500],
    ["shared-cpu-8x 16384 MB", shared(8, 16384), 1552 + 7000],
    ["performance-1x 2048 MB (all included)", performance(1, 2048), 3100],
    ["performance-1x 8192 MB", performance(1, 8192), 3100 + 3000],
    ["performance-2x 4096 MB (all included)", performance(2, 4096), 6200],
    ["performance-8x 65536 MB", performance(8, 65536), 24800 + 24000],
  ])("%s costs %i cents a month", (_label, guest, cents) => {
    expect(computeCents(guest)).toBe(cents);
  });

  it("never charges negative memory when a guest has less than its CPUs include", () => {
    expect(computeCents(performance(1, 1024))).toBe(3100);
  });

  it.each<[MachineGuest, string]>([
    [shared(0, 256), "guest.cpus: must be a whole number >= 1, got 0"],
    [shared(1.5, 256), "guest.cpus: must be a whole number >= 1, got 1.5"],
    [shared(1, 0), "guest.memoryMb: must be a whole number >= 1, got 0"],
  ])("refuses an impossible guest %j", (guest, message) => {
    expect(() => computeCents(guest)).toThrowError(new RangeError(message));
  });
});

describe("estimateMonthlyCost", () => {
  it("prices the default gateway: one region, shared-cpu-2x with 2048 MB, 1 GB volume", () => {
    expect(
      estimateMonthlyCost({
        guest: shared(2, 2048),
        regions: 1,
        volumeSizeGb: 1,
        dedicatedIpv4: false,
      }),
    ).toEqual({
      currency: "USD",
      priceTableDate: "2026-09",
      perRegion: { compute: 11.38, volume: 0.15, snapshots: 0 },
      rehearsalPerUpgrade: 0,
      ipAddresses: 0,
      total: 11.53,
    });
  });

  it("adds daily snapshots as full copies, and prices a rehearsal per upgrade outside the total", () => {
    // 14 days x 3 GB x $0.08 = $3.36 a region; a rehearsal: 2 x ($11.38 + $0.45) x 10/43800.
    expect(
      estimateMonthlyCost({
        guest: shared(2, 2048),
        regions: 2,
        volumeSizeGb: 3,
        dedicatedIpv4: false,
        snapshotRetentionDays: 14,
        upgradeRehearsal: true,
      }),
    ).toEqual({
      currency: "USD",
      priceTableDate: "2026-09",
      perRegion: { compute: 11.38, volume: 0.45, snapshots: 3.36 },
      rehearsalPerUpgrade: 0.01,
      ipAddresses: 0,
      total: 30.38,
    });
  });

  it.each<[string, MachineGuest, number, number, boolean, number, number, number, number]>([
    // label, guest, regions, volume GB, dedicated IPv4, compute, volume, IP addresses, total
    ["smallest", shared(1, 256), 1, 1, false, 1.94, 0.15, 0, 2.09],
    ["shared 1 GB", shared(1, 1024), 1, 1, false, 5.69, 0.15, 0, 5.84],
    ["three regions with IPv4", shared(2, 2048), 3, 1, true, 11.38, 0.15, 2, 36.59],
    ["performance-2x, 10 GB", performance(2, 4096), 3, 10, true, 62, 1.5, 2, 192.5],
    ["performance-1x 8 GB RAM", performance(1, 8192), 2, 5, false, 61, 0.75, 0, 123.5],
    ["shared-cpu-8x max RAM", shared(8, 16384), 1, 3, false, 85.52, 0.45, 0, 85.97],
    ["every region, 500 GB", shared(2, 2048), 18, 500, true, 11.38, 75, 2, 1556.84],
    ["no regions: only the IP", shared(2, 2048), 0, 1, true, 11.38, 0.15, 2, 2],
    ["no volume", shared(2, 2048), 2, 0, false, 11.38, 0, 0, 22.76],
  ])(
    "%s",
    (_label, guest, regions, volumeSizeGb, dedicatedIpv4, compute, volume, ipAddresses, total) => {
      expect(estimateMonthlyCost({ guest, regions, volumeSizeGb, dedicatedIpv4 })).toEqual({
        currency: "USD",
        priceTableDate: "2026-09",
        perRegion: { compute, volume, snapshots: 0 },
        rehearsalPerUpgrade: 0,
        ipAddresses,
        total,
      });
    },
  );

  it("sums in cents, so many small amounts do not drift", () => {
    // 0.15 * 7 in floating point is 1.0499999999999998; in cents it is exactly 105.
    const estimate = estimateMonthlyCost({
      guest: shared(1, 256),
      regions: 7,
      volumeSizeGb: 1,
      dedicatedIpv4: false,
    });
    expect(estimate.total).toBe(14.63);
    expect(String(estimate.total)).toBe("14.63");
  });

  it.each<[number, number, string]>([
    [-1, 1, "regions: must be a whole number >= 0, got -1"],
    [1.5, 1, "regions: must be a whole number >= 0, got 1.5"],
    [1, -3, "volumeSizeGb: must be a whole number >= 0, got -3"],
  ])("refuses regions=%s volumeSizeGb=%s", (regions, volumeSizeGb, message) => {
    expect(() =>
      estimateMonthlyCost({ guest: shared(2, 2048), regions, volumeSizeGb, dedicatedIpv4: false }),
    ).toThrowError(new RangeError(message));
  });
});
