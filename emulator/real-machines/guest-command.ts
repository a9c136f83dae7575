/**
 * The command a real machine runs, as Fly's init chooses it: `init.exec` when set (it replaces
 * everything), else `init.entrypoint` (or the image's ENTRYPOINT) followed by `init.cmd` (or the
 * image's CMD). Guest paths and declared guest ports in it are then rewritten for this computer.
 */
import type { MachineConfig } from "../machine-config-decoding";
import { OPENCLAW_IMAGE_DEFAULTS } from "./guest-image";
import type { GuestPathMap } from "./guest-paths";
import { rewritePortArguments } from "./guest-ports";

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map(String);
}

/** The guest's command line, before any rewriting (what Fly's init would run). */
export function guestArgv(config: MachineConfig): string[] {
  const init = (config.init ?? {}) as Record<string, unknown>;
  const exec = stringList(init.exec);
  if (exec) return exec;
  const entrypoint = stringList(init.entrypoint) ?? [...OPENCLAW_IMAGE_DEFAULTS.entrypoint];
  const cmd = stringList(init.cmd) ?? [...OPENCLAW_IMAGE_DEFAULTS.cmd];
  return [...entrypoint, ...cmd];
}

/** The command line run on this computer: guest paths and declared ports rewritten. */
export function hostArgv(
  config: MachineConfig,
  paths: GuestPathMap,
  ports: Readonly<Record<string, number>>,
): string[] {
  return rewritePortArguments(
    guestArgv(config).map((arg) => paths.rewrite(arg)),
    ports,
  );
}

/** A command line as Fly's init prints it ("Preparing to run: `...`"). */
export function describeArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/[\s"'`$;&|]/.test(arg) ? JSON.stringify(arg) : arg)).join(" ");
}
