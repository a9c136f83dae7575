/**
 * Fly's naming and sizing rules, checked before any API call so that `pulumi preview` already
 * refuses what Fly would refuse at apply time. Each rule returns the reason a value breaks it,
 * or undefined when it does not.
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

/** Rule for a region code. */
export function regionProblem(region: string): string | undefined {
  return FLY_REGIONS.includes(region)
    ? undefined
    : `must be a Fly region (${FLY_REGIONS.join(", ")}), got ${JSON.stringify(region)}`;
}

/** App names are one global namespace: lowercase letters, digits and dashes, at most 63. */
export function appNameProblem(name: string): string | undefined {
  return /^[a-z0-9-]{1,63}$/.test(name)
    ? undefined
    : `must be 1 to 63 characters of lowercase letters, digits and dashes, got ${JSON.stringify(name)}`;
}

/** Organization slugs follow the same alphabet as app names. */
export function orgSlugProblem(slug: string): string | undefined {
  return /^[a-z0-9-]{1,63}$/.test(slug)
    ? undefined
    : `must be an organization slug (lowercase letters, digits and dashes, e.g. "personal"), got ${JSON.stringify(slug)}`;
}

/** Volume names: lowercase letters, digits and underscores, at most 30 characters. */
export function volumeNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 30) {
    return `must be 1 to 30 characters long, got ${name.length}`;
  }
  return /^[a-z0-9_]+$/.test(name)
    ? undefined
    : `may contain only lowercase letters, digits and underscores, got ${JSON.stringify(name)}`;
}

/** Machine names: letters, digits, dashes and underscores, at most 63 characters. */
export function machineNameProblem(name: string): string | undefined {
  return /^[A-Za-z0-9_-]{1,63}$/.test(name)
    ? undefined
    : `must be 1 to 63 characters of letters, digits, dashes and underscores, got ${JSON.stringify(name)}`;
}

/**
 * Environment variable names, which Fly secrets become: a letter or underscore, then letters,
 * digits and underscores.
 */
export function envNameProblem(name: string): string | undefined {
  if (name === "") return "names must not be empty";
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? undefined
    : `name ${JSON.stringify(name)} must start with a letter or underscore and contain only letters, digits and underscores`;
}

/** CPU counts Fly offers per CPU kind. */
export const CPU_COUNTS: Readonly<Record<string, readonly number[]>> = {
  shared: [1, 2, 4, 6, 8],
  performance: [1, 2, 4, 6, 8, 10, 12, 14, 16],
};

/** Memory bounds per CPU in MB; memory always comes in 256 MB steps. */
const MEMORY_PER_CPU: Readonly<Record<string, { min: number; max: number }>> = {
  shared: { min: 256, max: 2048 },
  performance: { min: 2048, max: 8192 },
};

/** Rule for a CPU count of a CPU kind. */
export function cpuCountProblem(cpuKind: string, cpus: number): string | undefined {
  const counts = CPU_COUNTS[cpuKind];
  if (counts === undefined || counts.includes(cpus)) return undefined;
  return `must be one of ${counts.join(", ")} for cpuKind "${cpuKind}", got ${cpus}`;
}

/** Rule for memory: within the CPU kind's range per CPU, in 256 MB steps. */
export function memoryProblem(cpuKind: string, cpus: number, memoryMb: number): string | undefined {
  const bounds = MEMORY_PER_CPU[cpuKind];
  if (bounds === undefined) return undefined;
  const min = bounds.min * cpus;
  const max = bounds.max * cpus;
  const cpuText = `${cpus} ${cpuKind} CPU${cpus === 1 ? "" : "s"}`;
  if (memoryMb < min || memoryMb > max) {
    return `must be between ${min} and ${max} MB for ${cpuText}, got ${memoryMb}`;
  }
  if (memoryMb % 256 !== 0) return `must be a multiple of 256 MB, got ${memoryMb}`;
  return undefined;
}

// Milliseconds per unit, as Go's time.ParseDuration defines them.
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3,
  "\u03bcs": 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds in a Go duration string ("15s", "2m", "1m30s"), or undefined if it is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(
    /(\d+(?:\.\d+)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g,
  )) {
    total += Number(amount) * UNIT_MS[unit];
  }
  return total;
}

/**
 * The canonical spelling of a duration: the largest units first, zero parts left out ("2m",
 * "1m30s", "500ms"). Fly echoes durations in its own spelling ("2m0s" for "2m"), so both sides
 * of a comparison are brought to this one.
 */
export function formatDurationMs(ms: number): string {
  if (ms <= 0) return "0s";
  let rest = Math.round(ms);
  let text = "";
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return rest > 0 ? `${text}${rest}ms` : text;
}

/** Rule for a duration: Go syntax, longer than zero. */
export function durationProblem(text: string): string | undefined {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    return `must be a Go duration such as "15s", "2m" or "1m30s", got ${JSON.stringify(text)}`;
  }
  return ms > 0 ? undefined : `must be longer than zero, got ${JSON.stringify(text)}`;
}

/** Rule for a hostname a certificate is requested for (an optional leading `*.` for wildcards). */
export function hostnameProblem(hostname: string): string | undefined {
  const labels = hostname.replace(/^\*\./, "").split(".");
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  return hostname.length <= 253 && labels.length >= 2 && labels.every((l) => label.test(l))
    ? undefined
    : `must be a lowercase domain name of dot-separated labels (e.g. gw.example.com), got ${JSON.stringify(hostname)}`;
}
