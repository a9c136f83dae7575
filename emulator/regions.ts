/** A Fly region as `GET /v1/platform/regions` describes it. */
export interface RegionInfo {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
  gateway_available: boolean;
  requires_paid_plan: boolean;
  deprecated: boolean;
  geo_region: string;
}

const row = (
  code: string,
  name: string,
  latitude: number,
  longitude: number,
  geo_region: string,
  gateway_available = true,
): RegionInfo => ({
  code,
  name,
  latitude,
  longitude,
  gateway_available,
  requires_paid_plan: false,
  deprecated: false,
  geo_region,
});

/** Fly's current regions (Fly's regions reference, 2026); `gru` and `jnb` have no WireGuard gateway. */
export const REGIONS: readonly RegionInfo[] = [
  row("ams", "Amsterdam, Netherlands", 52.37, 4.9, "europe"),
  row("arn", "Stockholm, Sweden", 59.65, 17.93, "europe"),
  row("bom", "Mumbai, India", 19.09, 72.87, "asia_pacific"),
  row("cdg", "Paris, France", 48.86, 2.35, "europe"),
  row("dfw", "Dallas, Texas (US)", 32.78, -96.8, "north_america"),
  row("ewr", "Secaucus, NJ (US)", 40.79, -74.06, "north_america"),
  row("fra", "Frankfurt, Germany", 50.11, 8.68, "europe"),
  row("gru", "Sao Paulo, Brazil", -23.55, -46.63, "south_america", false),
  row("iad", "Ashburn, Virginia (US)", 39.04, -77.49, "north_america"),
  row("jnb", "Johannesburg, South Africa", -26.2, 28.05, "africa", false),
  row("lax", "Los Angeles, California (US)", 34.05, -118.24, "north_america"),
  row("lhr", "London, United Kingdom", 51.51, -0.13, "europe"),
  row("nrt", "Tokyo, Japan", 35.62, 139.78, "asia_pacific"),
  row("ord", "Chicago, Illinois (US)", 41.88, -87.63, "north_america"),
  row("sin", "Singapore, Singapore", 1.35, 103.82, "asia_pacific"),
  row("sjc", "San Jose, California (US)", 37.34, -121.89, "north_america"),
  row("syd", "Sydney, Australia", -33.87, 151.21, "oceania"),
  row("yyz", "Toronto, Canada", 43.65, -79.38, "north_america"),
];

/** The region the emulator reports as nearest to the caller. */
export const NEAREST_REGION = "iad";

/** Whether `code` names a region machines and volumes can be placed in. */
export function isKnownRegion(code: string): boolean {
  return REGIONS.some((r) => r.code === code);
}
