/**
 * Fly's regions. The component, the stack config and the providers' `check` all take a region
 * from this one list, so none of them can accept a region another refuses.
 */

/** Fly's regions (Fly's regions reference, 2026). Placement expressions are not accepted here. */
export const FLY_REGIONS: readonly string[] = [
  "ams",
  "arn",
  "bom",
  "cdg",
  "dfw",
  "ewr",
  "fra",
  "gru",
  "iad",
  "jnb",
  "lax",
  "lhr",
  "nrt",
  "ord",
  "sin",
  "sjc",
  "syd",
  "yyz",
];

/** The reason `region` is not a Fly region, or undefined when it is one. */
export function regionProblem(region: string): string | undefined {
  return FLY_REGIONS.includes(region)
    ? undefined
    : `unknown Fly region ${JSON.stringify(region)} (known: ${FLY_REGIONS.join(" ")})`;
}

/**
 * For each region, the two closest others (by the cities they serve): where a region that has
 * no capacity can be seeded from instead, by forking its volume there.
 */
export const NEARBY_REGIONS: Readonly<Record<string, readonly [string, string]>> = {
  ams: ["fra", "lhr"],
  arn: ["ams", "fra"],
  bom: ["sin", "jnb"],
  cdg: ["lhr", "ams"],
  dfw: ["ord", "iad"],
  ewr: ["iad", "yyz"],
  fra: ["ams", "cdg"],
  gru: ["iad", "dfw"],
  iad: ["ewr", "ord"],
  jnb: ["bom", "fra"],
  lax: ["sjc", "dfw"],
  lhr: ["ams", "cdg"],
  nrt: ["sin", "syd"],
  ord: ["iad", "yyz"],
  sin: ["nrt", "syd"],
  sjc: ["lax", "dfw"],
  syd: ["sin", "nrt"],
  yyz: ["ord", "ewr"],
};
