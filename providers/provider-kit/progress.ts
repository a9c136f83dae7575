/**
 * Progress lines from inside a provider, for the user watching `pulumi up`.
 *
 * Pulumi's engine forwards every line the provider host writes to stdout or stderr (after the
 * port line it starts with) to the user as an informational diagnostic, so a line on stderr is
 * how a long wait (boot, health checks, rollback) shows that it is alive. Lines never contain
 * secret values: they name resources, ids, states and check results only.
 */
import type { PacingHold } from "../fly-client/pacing";

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

/** The line a request held back by the client's pacing gets, and how the bench reads it back. */
const PACING_HOLD = /^holding (\S+) on (\S+) for (\d+) ms under Fly's rate limits$/;

/** `holding volume_create on my-app for 1000 ms under Fly's rate limits`. */
export function pacingHoldMessage(hold: PacingHold): string {
  return `holding ${hold.action} on ${hold.scope} for ${hold.waitMs} ms under Fly's rate limits`;
}

/** The hold a progress line (with or without its `[label] `) reports, or undefined. */
export function readPacingHold(line: string): PacingHold | undefined {
  const match = PACING_HOLD.exec(line.replace(/^\[[^\]]*\] /, ""));
  if (match === null) return undefined;
  return { action: match[1], scope: match[2], waitMs: Number(match[3]) };
}
