/**
 * One boot of a real machine, as Fly prepares a VM: the image (here the gateway runtime of its
 * version, installed on first use), the machine's loopback ports, a fresh root filesystem with
 * its files, its volume, then its command with its environment. Fly init's lines ("Pulling
 * container image", "Preparing to run") go to the machine's console.
 */
import { mkdirSync } from "node:fs";
import { ensureRuntime, type RuntimeOptions } from "../../gateway-runtime/runtime-install";
import { mountedVolumeIds } from "../mounts";
import type { MachineRecord } from "../state";
import type { ConsoleLog } from "./console-log";
import { describeArgv, hostArgv } from "./guest-command";
import { guestEnv } from "./guest-env";
import { filePaths, writeGuestFiles } from "./guest-files";
import { OPENCLAW_IMAGE_DEFAULTS, openclawVersionOf } from "./guest-image";
import { GuestPathMap } from "./guest-paths";
import { assignPorts, declaredPorts, localUrlOf, portIsFree } from "./guest-ports";
import { GuestProcess } from "./guest-process";
import type { MachineFolders } from "./machine-folders";
import type { MemoryLimiter } from "./memory-limit";
import type { ProcessGuard } from "./process-guard";

/** What a boot needs besides the machine. */
export interface LaunchContext {
  folders: MachineFolders;
  guard: ProcessGuard;
  /** Holds the machine's process tree within its `guest.memory_mb`. */
  memory: MemoryLimiter;
  console: ConsoleLog;
  /** The app's secret values; undefined when the machine boots without them. */
  secrets: ReadonlyMap<string, string> | undefined;
  runtime: Pick<RuntimeOptions, "cacheDir" | "pinsDir" | "install">;
  /** The emulator's log, about this machine. */
  log: (message: string) => void;
  /** Whether the boot is still wanted (a halt cancels it). */
  current: () => boolean;
}

/**
 * Prepares and starts the machine's process; resolves with it, or undefined when the boot was
 * cancelled before the process started.
 *
 * @throws Error naming the cause when the machine cannot start: no runtime for its version, a
 *   port taken by another process, a file whose secret is missing, a command that cannot run.
 */
export async function launchGuest(
  machine: MachineRecord,
  ctx: LaunchContext,
): Promise<GuestProcess | undefined> {
  const image = String(machine.config.image);
  ctx.console.runner(`Pulling container image ${image}`);
  const pulling = Date.now();
  const runtime = await ensureRuntime(openclawVersionOf(image) ?? "", {
    ...ctx.runtime,
    onProgress: ctx.log,
  });
  const seconds = ((Date.now() - pulling) / 1000).toFixed(1);
  ctx.console.runner(`Successfully prepared image ${image} (${seconds}s)`);
  const declared = declaredPorts(machine.config);
  const ports = await assignPorts(declared, machine.local_ports);
  machine.local_ports = ports;
  const url = localUrlOf(declared, ports);
  if (url) machine.local_url = url;
  for (const [guestPort, hostPort] of Object.entries(ports)) {
    if (!(await portIsFree(hostPort))) {
      throw new Error(
        `port 127.0.0.1:${hostPort} (guest port ${guestPort}) is in use by another process on this computer`,
      );
    }
  }
  if (!ctx.current()) return undefined;
  const paths = new GuestPathMap({
    rootfs: ctx.folders.freshRootfs(machine.id),
    workdir: { guest: OPENCLAW_IMAGE_DEFAULTS.workdir, host: runtime.packageDir },
    home: OPENCLAW_IMAGE_DEFAULTS.home,
    mounts: mountsOf(machine).map((m) => ({ path: m.path, hostDir: ctx.folders.volume(m.volume) })),
    files: filePaths(machine.config),
  });
  for (const dir of ["/tmp", OPENCLAW_IMAGE_DEFAULTS.home]) {
    mkdirSync(paths.hostPath(dir), { recursive: true });
  }
  writeGuestFiles(machine.config, paths, ctx.secrets ?? new Map());
  const argv = hostArgv(machine.config, paths, ports);
  const env = guestEnv({
    machine,
    secrets: ctx.secrets,
    paths,
    nodeBinDir: runtime.node.binDir,
    ports,
  });
  ctx.console.runner(
    `Preparing to run: \`${describeArgv(argv)}\` as ${OPENCLAW_IMAGE_DEFAULTS.user}`,
  );
  const guestSize = (machine.config.guest ?? {}) as { memory_mb?: number };
  const guest = await GuestProcess.start({
    argv,
    cwd: runtime.packageDir,
    env,
    console: ctx.console,
    guard: ctx.guard,
    confinement: ctx.memory.confine(machine.id, guestSize.memory_mb ?? 256),
  });
  const where = url ? ` at ${url}` : "";
  ctx.log(
    `running ${image} as process ${guest.pid}${where} (console: ${ctx.folders.consoleLog(machine.id)})`,
  );
  return guest;
}

/** The machine's mounts: each volume id and its path in the guest. */
function mountsOf(machine: MachineRecord): Array<{ volume: string; path: string }> {
  const mounts = Array.isArray(machine.config.mounts) ? machine.config.mounts : [];
  const ids = mountedVolumeIds(machine.config);
  return (mounts as Array<Record<string, unknown>>).map((m, i) => ({
    volume: ids[i],
    path: String(m.path),
  }));
}
