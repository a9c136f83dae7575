import type { MachineGuest } from "../providers/machine/machine-spec";

/**
 * Fly.io usage prices the estimate is built from: base-region prices in USD per month for an
 * always-on machine, as published on Fly.io's public pricing page,
 * https://fly.io/docs/about/pricing/, read in September 2026. Some regions cost more, plans may
 * include usage, and bandwidth is not counted, so the estimate is an upper-bound guide for the
 * base regions, not a bill. Update the date together with any price.
 *
 * Amounts are kept in integer cents so sums are exact; dollars appear only in the result.
 */
export const FLY_PRICE_TABLE = {
  /** When the prices were read from the source page (ISO year-month). */
  date: "2026-09",
  /** Where they were read. */
  source: "https://fly.io/docs/about/pricing/",
  currency: "USD",
  /** Shared vCPU per month, including 256 MB of RAM. */
  sharedCpuCents: 194,
  /** RAM included with each shared vCPU. */
  sharedIncludedMemoryMb: 256,
  /** Performance (dedicated) vCPU per month, including 2048 MB of RAM. */
  performanceCpuCents: 3100,
  /** RAM included with each performance vCPU. */
  performanceIncludedMemoryMb: 2048,
  /** RAM beyond the included amount, per GB (1024 MB) per month. */
  additionalMemoryCentsPerGb: 500,
  /** Volume storage, per provisioned GB per month. */
  volumeCentsPerGb: 15,
  /** A dedicated IPv4 address per month; shared IPv4 and all IPv6 addresses are free. */
  dedicatedIpv4Cents: 200,
  /**
   * Volume snapshot storage, per stored GB per month (the page's "Volume snapshots" section;
   * billed since January 2026, the first 10 GB a month free, which the estimate leaves out).
   */
  snapshotCentsPerGb: 8,
} as const;

/** Machine time a rehearsal is counted at: a boot under load plus the health wait. */
export const REHEARSAL_MINUTES = 10;

const MINUTES_PER_MONTH = 730 * 60;

/** What the gateway provisions, as far as price is concerned. */
export interface CostInput {
  /** Guest of every machine (one per region). */
  guest: MachineGuest;
  /** Number of regions, each with one machine and one volume. */
  regions: number;
  /** Size of each region's volume in GB. */
  volumeSizeGb: number;
  /** Whether the app holds a dedicated (paid) IPv4 address instead of a shared one. */
  dedicatedIpv4: boolean;
  /** Days each daily snapshot is kept (0: none are kept). */
  snapshotRetentionDays?: number;
  /** Whether each upgrade is rehearsed on a fork first. */
  upgradeRehearsal?: boolean;
}

/** Estimated monthly cost in dollars, rounded to cents. */
export interface MonthlyCostEstimate {
  currency: "USD";
  /** {@link FLY_PRICE_TABLE}'s date, so a reader can judge how current the prices are. */
  priceTableDate: string;
  /**
   * Cost of one region: its machine (CPU and RAM), its volume, and its daily snapshots counted
   * as full copies (an upper bound: Fly stores them compressed).
   */
  perRegion: { compute: number; volume: number; snapshots: number };
  /**
   * What one upgrade's rehearsal adds, all regions: a machine and a fork for
   * {@link REHEARSAL_MINUTES} minutes each (0 without rehearsal). Not part of `total`.
   */
  rehearsalPerUpgrade: number;
  /** App-wide IP address cost (not per region). */
  ipAddresses: number;
  /** All regions plus IP addresses. */
  total: number;
}

function requireWholeNumber(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${field}: must be a whole number >= ${min}, got ${value}`);
  }
}

/** Monthly cents of one always-on machine with `guest`. */
export function computeCents(guest: MachineGuest): number {
  requireWholeNumber("guest.cpus", guest.cpus, 1);
  requireWholeNumber("guest.memoryMb", guest.memoryMb, 1);
  const shared = guest.cpuKind === "shared";
  const cpuCents = shared ? FLY_PRICE_TABLE.sharedCpuCents : FLY_PRICE_TABLE.performanceCpuCents;
  const includedPerCpu = shared
    ? FLY_PRICE_TABLE.sharedIncludedMemoryMb
    : FLY_PRICE_TABLE.performanceIncludedMemoryMb;
  const extraMb = Math.max(0, guest.memoryMb - includedPerCpu * guest.cpus);
  // Memory comes in 256 MB steps and 256 MB cost exactly 125 cents, so this is a whole number
  // for every valid guest; rounding only guards odd inputs.
  const memoryCents = Math.round((extraMb * FLY_PRICE_TABLE.additionalMemoryCentsPerGb) / 1024);
  return cpuCents * guest.cpus + memoryCents;
}

const toDollars = (cents: number): number => Math.round(cents) / 100;

/**
 * Estimates the gateway's monthly cost: one machine and one volume per region plus the app's
 * IP addresses. Example: one region of shared-cpu-2x with 2048 MB and a 1 GB volume costs
 * 2 x $1.94 + 1.5 GB x $5.00 = $11.38 compute + $0.15 volume = $11.53.
 */
export function estimateMonthlyCost(input: CostInput): MonthlyCostEstimate {
  requireWholeNumber("regions", input.regions, 0);
  requireWholeNumber("volumeSizeGb", input.volumeSizeGb, 0);
  const compute = computeCents(input.guest);
  const volume = input.volumeSizeGb * FLY_PRICE_TABLE.volumeCentsPerGb;
  const ipAddresses = input.dedicatedIpv4 ? FLY_PRICE_TABLE.dedicatedIpv4Cents : 0;
  const retention = input.snapshotRetentionDays ?? 0;
  requireWholeNumber("snapshotRetentionDays", retention, 0);
  const snapshots = retention * input.volumeSizeGb * FLY_PRICE_TABLE.snapshotCentsPerGb;
  const rehearsal = input.upgradeRehearsal
    ? Math.ceil((input.regions * (compute + volume) * REHEARSAL_MINUTES) / MINUTES_PER_MONTH)
    : 0;
  return {
    currency: FLY_PRICE_TABLE.currency,
    priceTableDate: FLY_PRICE_TABLE.date,
    perRegion: {
      compute: toDollars(compute),
      volume: toDollars(volume),
      snapshots: toDollars(snapshots),
    },
    rehearsalPerUpgrade: toDollars(rehearsal),
    ipAddresses: toDollars(ipAddresses),
    total: toDollars(input.regions * (compute + volume + snapshots) + ipAddresses),
  };
}
