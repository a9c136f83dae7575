/**
 * The gateway versions the emulator can run for real, each pinned by a committed folder
 * `gateway-runtime/pins/<version>/` holding a package.json that names `openclaw` at exactly that
 * version and the package-lock.json npm resolved for it. The folder is the whole definition of a
 * runtime: installing one is `npm ci` of that folder, never part of the program's own install.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The project root (this file's parent folder). */
export const PROJECT_ROOT = resolve(__dirname, "..");

/** Where the pinned runtimes are committed. */
export const DEFAULT_PINS_DIR = join(__dirname, "pins");

/** OpenClaw release versions: calendar versions such as 2026.9.6, optionally a prerelease. */
export const OPENCLAW_VERSION = /^\d{4}\.\d{1,2}\.\d{1,3}(?:-[0-9A-Za-z.]+)?$/;

/** One pinned runtime: its folder and the fingerprint of its lockfile. */
export interface RuntimePin {
  version: string;
  /** The committed folder holding package.json and package-lock.json. */
  dir: string;
  /** SHA-256 of package-lock.json: an install is current only for this exact lock. */
  lockSha256: string;
}

/** A version the emulator cannot run: no pin, or a malformed pin. Names what to do about it. */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}

/** The pinned versions, oldest first. */
export function pinnedVersions(pinsDir = DEFAULT_PINS_DIR): string[] {
  if (!existsSync(pinsDir)) return [];
  return readdirSync(pinsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && OPENCLAW_VERSION.test(entry.name))
    .map((entry) => entry.name)
    .sort(compareVersions);
}

/** Orders calendar versions numerically (2026.10.1 after 2026.9.6). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y));
  }
  return 0;
}

/** How to add a version that has no pin yet. */
export function pinAdvice(version: string): string {
  return (
    `pin it with \`npm run runtime -- pin ${version}\` (it writes gateway-runtime/pins/${version}/ ` +
    "with the lockfile npm resolves; review its install scripts and commit the folder), " +
    `then \`npm run runtime -- install ${version}\``
  );
}

/**
 * The pin of `version`.
 *
 * @throws RuntimeError when the version is malformed or has no pin, naming the pinned versions
 *   and how to add one; or when the pin does not name `openclaw` at exactly that version.
 */
export function readPin(version: string, pinsDir = DEFAULT_PINS_DIR): RuntimePin {
  if (!OPENCLAW_VERSION.test(version)) {
    throw new RuntimeError(
      `"${version}" is not an OpenClaw release version (expected e.g. 2026.9.6)`,
    );
  }
  const dir = join(pinsDir, version);
  const manifestPath = join(dir, "package.json");
  const lockPath = join(dir, "package-lock.json");
  if (!existsSync(manifestPath) || !existsSync(lockPath)) {
    const pinned = pinnedVersions(pinsDir);
    throw new RuntimeError(
      `OpenClaw ${version} has no pinned runtime (pinned: ${pinned.join(", ") || "none"}); ` +
        pinAdvice(version),
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const wanted = manifest.dependencies?.openclaw;
  if (wanted !== version) {
    throw new RuntimeError(
      `${manifestPath} must depend on openclaw at exactly ${version}, not ${JSON.stringify(wanted ?? null)}`,
    );
  }
  const lockSha256 = createHash("sha256").update(readFileSync(lockPath)).digest("hex");
  return { version, dir, lockSha256 };
}
