/**
 * A machine's `files`, written where the guest expects them before its process starts, as Fly
 * writes them into the machine: `raw_value` (base64) as is, `secret_name` from the app secret
 * of that name (whose value is the base64 of the content), with the file's `mode`.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { MachineConfig } from "../machine-config-decoding";
import type { GuestPathMap } from "./guest-paths";

/** A file Fly writes into a machine (`fly.File`). */
interface GuestFile {
  guest_path: string;
  raw_value?: string;
  secret_name?: string;
  image_config?: unknown;
  mode?: number;
}

/** The default mode of a written file (readable by the image's non-root user). */
const DEFAULT_MODE = 0o644;

/** The guest paths of a config's files. */
export function filePaths(config: MachineConfig): string[] {
  return guestFiles(config).map((file) => file.guest_path);
}

function guestFiles(config: MachineConfig): GuestFile[] {
  return Array.isArray(config.files) ? (config.files as GuestFile[]) : [];
}

/**
 * Writes every file of `config` through the path map.
 *
 * @throws Error naming the file when its secret does not exist or its source is `image_config`.
 */
export function writeGuestFiles(
  config: MachineConfig,
  paths: GuestPathMap,
  secrets: ReadonlyMap<string, string>,
): void {
  guestFiles(config).forEach((file, i) => {
    let content: Buffer;
    if (file.raw_value != null) {
      content = Buffer.from(file.raw_value, "base64");
    } else if (file.secret_name != null) {
      const value = secrets.get(file.secret_name);
      if (value === undefined) {
        throw new Error(
          `config.files[${i}] (${file.guest_path}): app secret ${file.secret_name} does not exist`,
        );
      }
      content = Buffer.from(value, "base64");
    } else {
      throw new Error(
        `config.files[${i}] (${file.guest_path}): image_config files cannot be written by the emulator`,
      );
    }
    const target = paths.hostPath(file.guest_path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    chmodSync(target, typeof file.mode === "number" ? file.mode : DEFAULT_MODE);
  });
}
