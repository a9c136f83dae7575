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
