/**
 * A real machine's environment, built from nothing as Fly builds it: the image's defaults, the
 * runtime variables Fly sets in every machine (`FLY_APP_NAME`, `FLY_MACHINE_ID`, ...), the
 * config's `env`, then the app's secrets (unless `skip_secrets`), which win over `env` as on
 * Fly. Nothing of the emulator's own environment leaks in. (`FLY_PUBLIC_IP` is left out: a
 * machine here has no public address of its own.)
 *
 * Four additions make the guest work on a shared computer, each the smallest that does:
 * - PATH starts with the pinned Node 24's folder, so `node` is that Node whatever is installed;
 * - TMPDIR points at the machine's own `/tmp` (the host's /tmp is everyone's);
 * - NODE_OPTIONS gains `--import` of `guest-listen.mjs` (see there);
 * - npm runs offline (`npm_config_offline=true`). A gateway whose config names a plugin its
 *   image does not bundle (the discord and slack channels, the codex harness) runs
 *   `npm view` / `npm install @openclaw/<id>` while it starts. On Fly that downloads the plugin;
 *   here a boot must not hang on the network: npm would download the plugin into every
 *   machine or, where the registry is unreachable, fail only after its retries (over a minute
 *   per package).
 *   Offline, npm answers ENOTCACHED at once and the gateway starts without the plugin, logging
 *   `Failed to install missing configured plugin "<id>"`, as a Fly machine without egress does
 *   once npm gives up.
 * Guest paths in the image's and the config's values are rewritten through the machine's path
 * map; secret values are passed exactly as set.
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import type { MachineRecord } from "../state";
import { OPENCLAW_IMAGE_DEFAULTS } from "./guest-image";
import type { GuestPathMap } from "./guest-paths";

/** The preload that keeps listeners on loopback. */
export const GUEST_LISTEN_MODULE = join(__dirname, "guest-listen.mjs");

/** What a machine's environment is made of. */
export interface GuestEnvInput {
  machine: MachineRecord;
  /** App secrets by name (values); undefined when the machine boots without them. */
  secrets: ReadonlyMap<string, string> | undefined;
  paths: GuestPathMap;
  /** The folder of the pinned Node binary. */
  nodeBinDir: string;
  /** Declared guest port -> host port, for the preload. */
  ports: Readonly<Record<string, number>>;
}

/** The runtime variables Fly sets in a machine (Fly's runtime-environment page). */
export function flyRuntimeEnv(machine: MachineRecord): Record<string, string> {
  const guest = (machine.config.guest ?? {}) as Record<string, unknown>;
  const metadata = (machine.config.metadata ?? {}) as Record<string, string>;
  return {
    FLY_APP_NAME: machine.app,
    FLY_MACHINE_ID: machine.id,
    FLY_ALLOC_ID: machine.id,
    FLY_REGION: machine.region,
    FLY_IMAGE_REF: String(machine.config.image),
    FLY_MACHINE_VERSION: machine.instance_id,
    FLY_PRIVATE_IP: machine.private_ip,
    FLY_VM_MEMORY_MB: String(guest.memory_mb ?? ""),
    ...(metadata.fly_process_group ? { FLY_PROCESS_GROUP: metadata.fly_process_group } : {}),
  };
}

/** The `--import` option that preloads `guest-listen.mjs` with the machine's port map. */
export function preloadOption(ports: Readonly<Record<string, number>>): string {
  const url = pathToFileURL(GUEST_LISTEN_MODULE);
  url.search = `ports=${Object.entries(ports)
    .map(([guest, host]) => `${guest}:${host}`)
    .join(",")}`;
  // NODE_OPTIONS splits on spaces; a quoted value keeps a path with spaces whole.
  return `--import="${url.href}"`;
}

/** The machine's environment. */
export function guestEnv(input: GuestEnvInput): Record<string, string> {
  const { machine, paths } = input;
  const configEnv = (machine.config.env ?? {}) as Record<string, string>;
  const env: Record<string, string> = {
    PATH: OPENCLAW_IMAGE_DEFAULTS.path,
    HOME: OPENCLAW_IMAGE_DEFAULTS.home,
    USER: OPENCLAW_IMAGE_DEFAULTS.user,
    ...flyRuntimeEnv(machine),
    ...configEnv,
  };
  for (const [name, value] of Object.entries(env)) env[name] = paths.rewrite(value);
  // Secret values reach the process exactly as set: they are never taken for paths.
  Object.assign(env, Object.fromEntries(input.secrets ?? []));
  env.PATH = `${input.nodeBinDir}:${env.PATH}`;
  env.TMPDIR = paths.hostPath("/tmp");
  env.npm_config_offline = "true";
  env.NODE_OPTIONS = [env.NODE_OPTIONS, preloadOption(input.ports)].filter(Boolean).join(" ");
  return env;
}
