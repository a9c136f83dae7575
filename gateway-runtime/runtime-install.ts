/**
 * Installs a pinned gateway runtime on first use: `npm ci` of its pin folder into a cache folder
 * outside git (`.openclaw-runtime/<version>/`, or under `OPENCLAW_FLY_RUNTIME_DIR` so several
 * checkouts and CI share one install), on the pinned Node 24.
 *
 * Two guarantees make a shared cache safe:
 * - one installer per version at a time: a lock file beside the install (proper-lockfile, which
 *   notices a lock whose holder died), and whoever waited re-checks before installing;
 * - an install is complete or absent: it is built in a staging folder, its receipt is written
 *   last, and only then is the folder renamed into place, so an interrupted install is never
 *   taken for a finished one, and an install of an older lockfile is replaced, never reused.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import * as lockfile from "proper-lockfile";
import { pinnedNode, type PinnedNode } from "./pinned-node";
import { readReceipt, runNpmCi, takeReceipt, type InstallReceipt } from "./runtime-npm";
import {
  DEFAULT_PINS_DIR,
  PROJECT_ROOT,
  readPin,
  RuntimeError,
  type RuntimePin,
} from "./runtime-pins";

/** Environment variable naming a shared cache folder for installed runtimes. */
export const RUNTIME_DIR_ENV = "OPENCLAW_FLY_RUNTIME_DIR";

/** The default cache folder, inside the checkout and ignored by git. */
export const DEFAULT_RUNTIME_DIR = join(PROJECT_ROOT, ".openclaw-runtime");

/** An installed runtime, ready to run. */
export interface InstalledRuntime {
  version: string;
  /** `<cache>/<version>`: the pin's package.json, lockfile and node_modules. */
  dir: string;
  /** The `openclaw` package folder: what the image has as its WORKDIR `/app`. */
  packageDir: string;
  /** The Node the gateway runs on. */
  node: PinnedNode;
  receipt: InstallReceipt;
}

/** Where runtimes are found and installed, and how an install reports. */
export interface RuntimeOptions {
  /** The cache folder; default `OPENCLAW_FLY_RUNTIME_DIR`, else `.openclaw-runtime/`. */
  cacheDir?: string;
  /** The folder of pins; default `gateway-runtime/pins/`. */
  pinsDir?: string;
  /** Install a missing runtime (default) or refuse with the command that installs it. */
  install?: boolean;
  /** Receives progress lines (start, waiting for another installer, still running, done). */
  onProgress?: (line: string) => void;
  /** Limit of one `npm ci`; default 15 minutes. */
  npmTimeoutMs?: number;
  /** When another installer's lock counts as abandoned (its holder died); default 60 s. */
  lockStaleMs?: number;
}

/** The cache folder in effect. */
export function runtimeCacheDir(options: Pick<RuntimeOptions, "cacheDir"> = {}): string {
  return options.cacheDir ?? (process.env[RUNTIME_DIR_ENV] || DEFAULT_RUNTIME_DIR);
}

/** The installed runtime of `version` when it is complete and matches its pin, else undefined. */
export function installedRuntime(
  version: string,
  options: RuntimeOptions = {},
): InstalledRuntime | undefined {
  const pin = readPin(version, options.pinsDir ?? DEFAULT_PINS_DIR);
  return current(pin, runtimeCacheDir(options));
}

function current(pin: RuntimePin, cacheDir: string): InstalledRuntime | undefined {
  const dir = join(cacheDir, pin.version);
  const receipt = readReceipt(dir);
  if (receipt === undefined || receipt.lockSha256 !== pin.lockSha256) return undefined;
  const packageDir = join(dir, "node_modules", "openclaw");
  if (!existsSync(join(packageDir, "openclaw.mjs"))) return undefined;
  return { version: pin.version, dir, packageDir, node: pinnedNode(), receipt };
}

/**
 * The runtime of `version`, installed first if needed (unless `install: false`). This is the one
 * way code finds an installed `openclaw` package and the Node to run it on (`packageDir`,
 * `node`): the emulator's machines, the tests and the tools that read a version's schema alike.
 *
 * @throws RuntimeError when the version has no pin, when it is not installed and installing is
 *   off (naming the command that installs it), or when `npm ci` fails (with its last lines).
 */
export async function ensureRuntime(
  version: string,
  options: RuntimeOptions = {},
): Promise<InstalledRuntime> {
  const pin = readPin(version, options.pinsDir ?? DEFAULT_PINS_DIR);
  const cacheDir = runtimeCacheDir(options);
  const ready = current(pin, cacheDir);
  if (ready) return ready;
  if (options.install === false) {
    throw new RuntimeError(
      `the OpenClaw ${version} runtime is not installed in ${cacheDir}; install it with \`npm run runtime -- install ${version}\``,
    );
  }
  const say = options.onProgress ?? (() => undefined);
  mkdirSync(cacheDir, { recursive: true });
  const release = await lockInstall(cacheDir, version, options.lockStaleMs ?? 60_000, say);
  try {
    // Whoever held the lock may have just installed it.
    return current(pin, cacheDir) ?? (await install(pin, cacheDir, options, say));
  } finally {
    await release();
  }
}

async function lockInstall(
  cacheDir: string,
  version: string,
  staleMs: number,
  say: (line: string) => void,
) {
  const lockfilePath = join(cacheDir, `${version}.install.lock`);
  const onCompromised = (error: Error) => say(`OpenClaw ${version} runtime: ${error.message}`);
  // The holder touches the lock every stale/4 ms; one untouched for `stale` ms was abandoned.
  const base = { stale: staleMs, update: Math.max(1_000, staleMs / 4), realpath: false };
  const lockOptions = { ...base, lockfilePath, onCompromised };
  try {
    return await lockfile.lock(cacheDir, lockOptions);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
  }
  say(`OpenClaw ${version} runtime: another process is installing it; waiting for it to finish`);
  // proper-lockfile retries with a constant 1 s pause: up to 20 minutes, longer than any install.
  const retries = { retries: 1_200, factor: 1, minTimeout: 1_000, maxTimeout: 1_000 };
  return lockfile.lock(cacheDir, { ...lockOptions, retries });
}

async function install(
  pin: RuntimePin,
  cacheDir: string,
  options: RuntimeOptions,
  say: (line: string) => void,
): Promise<InstalledRuntime> {
  const node = pinnedNode();
  const stagingRoot = join(cacheDir, ".staging");
  mkdirSync(stagingRoot, { recursive: true });
  // Leftovers of interrupted installs of this version; we hold its lock, so none is in use.
  for (const entry of readdirSync(stagingRoot)) {
    if (entry.startsWith(`${pin.version}-`)) rmSync(join(stagingRoot, entry), { recursive: true });
  }
  const staging = mkdtempSync(join(stagingRoot, `${pin.version}-`));
  const target = join(cacheDir, pin.version);
  try {
    for (const file of ["package.json", "package-lock.json"]) {
      copyFileSync(join(pin.dir, file), join(staging, file));
    }
    say(
      `OpenClaw ${pin.version} runtime: installing with npm ci into ${target} on Node ${node.version}; the first time takes a minute or two`,
    );
    const started = Date.now();
    const npm = await runNpmCi(staging, node, {
      timeoutMs: options.npmTimeoutMs ?? 15 * 60_000,
      onStillRunning: (seconds) =>
        say(`OpenClaw ${pin.version} runtime: still installing (${seconds} s)`),
    });
    const receipt = takeReceipt(staging, pin, node, npm, Date.now() - started);
    if (existsSync(target)) {
      const trash = mkdtempSync(join(stagingRoot, `${pin.version}-replaced-`));
      renameSync(target, join(trash, "old"));
      rmSync(trash, { recursive: true, force: true });
    }
    renameSync(staging, target);
    say(
      `OpenClaw ${pin.version} runtime: installed ${receipt.packages} package${receipt.packages === 1 ? "" : "s"}, ` +
        `${formatMiB(receipt.sizeBytes)}, in ${Math.round(receipt.durationMs / 1000)} s (${target})`,
    );
    const installed = current(pin, cacheDir);
    if (!installed)
      throw new RuntimeError(`OpenClaw ${pin.version} runtime: ${target} is incomplete`);
    return installed;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** A size in MiB for progress lines, e.g. `545 MiB`. */
export function formatMiB(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}
