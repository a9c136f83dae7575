/**
 * The guest path map: where the paths a machine's config names (`/data`, `/app`,
 * `/etc/openclaw/openclaw.json`, `/tmp`) live on this computer. Real machines run as the user
 * who runs the emulator, on Linux or macOS, without a container or a mount namespace, so the
 * guest's own paths are rewritten to per-machine folders wherever the config names them: in the
 * command and its arguments, and in environment values.
 *
 * Only the paths a machine owns are mapped; everything else (`/bin/sh`, `/usr/bin/env`) is the
 * host's own, as the image's system files would be. A program that builds one of the mapped paths
 * at run time instead of reading it from its command or environment still reaches the host path.
 */
import { join } from "node:path";

/** One guest path and the host folder or file it stands for. */
export interface PathMapping {
  guest: string;
  host: string;
}

/** What a machine's guest paths are made of. */
export interface GuestLayout {
  /** The machine's root filesystem folder, recreated at every boot as on Fly. */
  rootfs: string;
  /** The image's WORKDIR and the host folder holding what the image has there. */
  workdir: { guest: string; host: string };
  /** The guest's home folder (on the rootfs). */
  home: string;
  /** Each mounted volume: its mount path and the volume's own folder. */
  mounts: ReadonlyArray<{ path: string; hostDir: string }>;
  /** The guest paths of the machine's `files`. */
  files: readonly string[];
}

/** A machine's guest path map, longest guest path first so the most specific one wins. */
export class GuestPathMap {
  readonly mappings: readonly PathMapping[];

  constructor(private readonly layout: GuestLayout) {
    const onRootfs = (guest: string) => ({ guest, host: join(layout.rootfs, guest) });
    const mappings: PathMapping[] = [
      ...layout.mounts.map((m) => ({ guest: trimSlash(m.path), host: m.hostDir })),
      { guest: layout.workdir.guest, host: layout.workdir.host },
      onRootfs("/tmp"),
      onRootfs(layout.home),
      ...layout.files.map(onRootfs),
    ];
    this.mappings = mappings.sort((a, b) => b.guest.length - a.guest.length);
  }

  /**
   * The host path of an absolute guest path: through the mapping that covers it, else on the
   * rootfs (where a file the config writes outside every mapping lands).
   */
  hostPath(guestPath: string): string {
    for (const { guest, host } of this.mappings) {
      if (guestPath === guest) return host;
      if (guestPath.startsWith(`${guest}/`)) return join(host, guestPath.slice(guest.length));
    }
    return join(this.layout.rootfs, guestPath);
  }

  /**
   * Rewrites every mapped guest path in `text`: an argument (`/etc/openclaw/openclaw.json`), an
   * option (`--config=/data/x`), a shell script (`rm -f /data/tmp/openclaw-*\/gateway.*.lock`)
   * or an environment value (`/tmp:/data/bin`). A path is recognised only as a whole path
   * component, so `/data` is rewritten in `/data/x` but not in `/database` or `/srv/data`.
   */
  rewrite(text: string): string {
    // One pass over all mappings: a host path just written in must never be rewritten again
    // (a rootfs under the host's /tmp would otherwise meet the `/tmp` mapping).
    const byGuest = new Map(this.mappings.map((m) => [m.guest, m.host]));
    const alternatives = this.mappings.map((m) => escapeRegExp(m.guest)).join("|");
    const pattern = new RegExp(
      `(?<=^|[\\s='"\`:;,(|&<>])(?:${alternatives})(?=$|[/\\s'"\`:;,)|&<>*])`,
      "g",
    );
    return text.replace(pattern, (guest) => byGuest.get(guest) ?? guest);
  }
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
