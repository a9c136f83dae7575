/**
 * Progress lines from inside a provider, for the user watching `pulumi up`.
 *
 * Pulumi's engine forwards every line the provider host writes to stdout or stderr (after the
 * port line it starts with) to the user as an informational diagnostic, so a line on stderr is
 * how a long wait (boot, health checks, rollback) shows that it is alive. Lines never contain
 * secret values: they name resources, ids, states and check results only.
 */

/** Environment variable that silences progress lines (tests set it to keep output clean). */
export const QUIET_ENV = "OPENCLAW_FLY_QUIET";

/** `fly:machine gw-iad`: what every line about one resource starts with, in brackets. */
export function resourceLabel(kind: string, name: string): string {
  return `fly:${kind} ${name}`;
}

/**
 * Writes `[<label>] <message>` as one line on stderr, unless OPENCLAW_FLY_QUIET=1. Line breaks
 * inside `message` are flattened so that one call is one diagnostic.
 */
export function progress(label: string, message: string): void {
  if (process.env[QUIET_ENV] === "1") return;
  process.stderr.write(`[${label}] ${message.replace(/\s*\n\s*/g, " ")}\n`);
}

/** A progress function bound to one resource. */
export type Progress = (message: string) => void;

/** Binds `progress` to a resource label. */
export function progressFor(label: string): Progress {
  return (message) => progress(label, message);
}
