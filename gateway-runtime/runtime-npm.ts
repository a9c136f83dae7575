/**
 * The `npm ci` of one runtime and the receipt that marks it complete.
 *
 * npm runs on the pinned Node: its folder goes first on PATH, so npm's own `#!/usr/bin/env node`
 * and the install scripts it runs (OpenClaw's preinstall refuses Node 20) find Node 24. Variables
 * npm sets for the script that started us (`npm_package_*`, `npm_lifecycle_*`) are dropped so the
 * install depends only on the pin folder and the user's npm configuration.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { PinnedNode } from "./pinned-node";
import { RuntimeError, type RuntimePin } from "./runtime-pins";

/** Written last into a finished install: the facts of the install, and its completeness mark. */
export interface InstallReceipt {
  version: string;
  lockSha256: string;
  nodeVersion: string;
  npmVersion: string;
  /** Packages the lockfile installs. */
  packages: number;
  /** Bytes of every file under node_modules. */
  sizeBytes: number;
  installedAt: string;
  durationMs: number;
}

/** The receipt's file name inside an install. */
export const RECEIPT_FILE = ".openclaw-runtime.json";

/** What one `npm ci` reported. */
export interface NpmResult {
  npmVersion: string;
}

/** The receipt of the install in `dir`, or undefined when there is none (or it is unreadable). */
export function readReceipt(dir: string): InstallReceipt | undefined {
  const path = join(dir, RECEIPT_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as InstallReceipt;
  } catch {
    return undefined;
  }
}

/** The environment npm runs in: the pinned Node first on PATH, no leftovers of a parent script. */
export function npmEnvironment(node: PinnedNode, base = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (/^npm_(package|lifecycle)_|^npm_(command|execpath|node_execpath)$|^INIT_CWD$/.test(name)) {
      continue;
    }
    env[name] = value;
  }
  env.PATH = [node.binDir, base.PATH ?? ""].filter(Boolean).join(delimiter);
  return env;
}

/**
 * Runs `npm ci` in `dir` and resolves when it succeeded.
 *
 * @throws RuntimeError with npm's last output lines when it fails or runs past `timeoutMs`.
 */
export function runNpmCi(
  dir: string,
  node: PinnedNode,
  options: { timeoutMs: number; onStillRunning?: (seconds: number) => void },
): Promise<NpmResult> {
  const env = npmEnvironment(node);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=warn"], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-20_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const heartbeat = setInterval(
      () => options.onStillRunning?.(Math.round((Date.now() - started) / 1000)),
      20_000,
    );
    const timer = setTimeout(() => {
      output += `\n(npm ci ran past ${Math.round(options.timeoutMs / 1000)} s and was stopped)`;
      // SIGTERM lets npm end the install scripts it runs; SIGKILL if it does not go.
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    }, options.timeoutMs);
    const finish = (error?: Error) => {
      clearInterval(heartbeat);
      clearTimeout(timer);
      if (error) reject(error);
    };
    child.once("error", (error) =>
      finish(new RuntimeError(`npm could not be started in ${dir}: ${error.message}`)),
    );
    child.once("close", (code, signal) => {
      if (code !== 0) {
        const tail = output.trim().split("\n").slice(-20).join("\n");
        finish(
          new RuntimeError(`npm ci in ${dir} failed (${signal ?? `exit code ${code}`}):\n${tail}`),
        );
        return;
      }
      finish();
      resolve({ npmVersion: npmVersionIn(env) });
    });
  });
}

function npmVersionIn(env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync("npm", ["--version"], { env, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/**
 * Checks a finished `npm ci` in `dir`, measures it and writes its receipt (the last write of an
 * install).
 *
 * @throws RuntimeError when node_modules does not hold `openclaw` at the pinned version.
 */
export function takeReceipt(
  dir: string,
  pin: RuntimePin,
  node: PinnedNode,
  npm: NpmResult,
  durationMs: number,
): InstallReceipt {
  const manifest = join(dir, "node_modules", "openclaw", "package.json");
  const installed = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version
    : undefined;
  if (installed !== pin.version) {
    throw new RuntimeError(
      `npm ci in ${dir} installed openclaw ${installed ?? "nothing"}, not ${pin.version}`,
    );
  }
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
    packages: Record<string, unknown>;
  };
  const receipt: InstallReceipt = {
    version: pin.version,
    lockSha256: pin.lockSha256,
    nodeVersion: node.version,
    npmVersion: npm.npmVersion,
    packages: Object.keys(lock.packages).filter((key) => key !== "").length,
    sizeBytes: treeSize(join(dir, "node_modules")),
    installedAt: new Date().toISOString(),
    durationMs,
  };
  writeFileSync(join(dir, RECEIPT_FILE), `${JSON.stringify(receipt, null, 2)}\n`);
  return receipt;
}

/** Bytes of every regular file under `dir` (symbolic links are not followed). */
export function treeSize(dir: string): number {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) total += lstatSync(path).size;
    }
  }
  return total;
}
