/**
 * Fly's naming rules, checked before any API call so that `pulumi preview` already refuses what
 * Fly would refuse at apply time. Each rule returns the reason a value breaks it, or undefined.
 * Only names are ever quoted back: no rule here is applied to a secret value.
 */

/**
 * App names are one namespace across all of Fly: lowercase letters, digits and dashes, at most
 * 63 characters (Fly answers 422 "Name under 63 chars using numbers, lowercase letters and
 * dashes" to anything else; flyctl's own check allows the same alphabet).
 */
export function appNameProblem(name: string): string | undefined {
  return /^[a-z0-9-]{1,63}$/.test(name)
    ? undefined
    : `must be 1 to 63 lowercase letters, digits and dashes, got ${JSON.stringify(name)}`;
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
 * Environment variable names, which Fly secrets become too: a letter or underscore, then
 * letters, digits and underscores (any name a POSIX shell can export).
 */
export function envNameProblem(name: string): string | undefined {
  if (name === "") return "names must not be empty";
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? undefined
    : `name ${JSON.stringify(name)} must start with a letter or underscore and contain only letters, digits and underscores`;
}

/**
 * A hostname Fly can issue a certificate for: lowercase dot-separated DNS labels (no label
 * starts or ends with a dash), at least two, at most 253 characters, with an optional leading
 * `*.` for a wildcard.
 */
export function hostnameProblem(hostname: string): string | undefined {
  const labels = hostname.replace(/^\*\./, "").split(".");
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  return hostname.length <= 253 && labels.length >= 2 && labels.every((l) => label.test(l))
    ? undefined
    : `must be a lowercase domain name of dot-separated labels (e.g. gw.example.com), got ${JSON.stringify(hostname)}`;
}
