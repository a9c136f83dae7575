/**
 * The Node the gateway runs on: the Node 24 the project pins in its lockfile (the registry's
 * `node` package, a devDependency), whatever Node started the emulator. OpenClaw requires Node
 * 24 (its preinstall and its CLI refuse older ones), and the image runs it on Node 24 too.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROJECT_ROOT, RuntimeError } from "./runtime-pins";

/** The pinned Node binary and its version. */
export interface PinnedNode {
  /** Absolute path of the `node` executable. */
  binary: string;
  /** Its folder: put first on PATH so that `node`, and npm's own node, resolve to it. */
  binDir: string;
  /** e.g. `24.21.0`. */
  version: string;
}

/** The major version OpenClaw's releases require. */
export const REQUIRED_NODE_MAJOR = 24;

let cached: PinnedNode | undefined;

/**
 * Finds the pinned Node of the project at `projectRoot`.
 *
 * @throws RuntimeError when it is missing (`npm ci` was not run) or is not Node 24.
 */
export function pinnedNode(projectRoot = PROJECT_ROOT): PinnedNode {
  if (cached && projectRoot === PROJECT_ROOT) return cached;
  const manifestPath = join(projectRoot, "node_modules", "node", "package.json");
  const binary = join(projectRoot, "node_modules", "node", "bin", "node");
  if (!existsSync(manifestPath) || !existsSync(binary)) {
    throw new RuntimeError(
      `the project's pinned Node ${REQUIRED_NODE_MAJOR} is not installed (${binary} is missing); run \`npm ci\` in ${projectRoot}`,
    );
  }
  const version = execFileSync(binary, ["-p", "process.versions.node"], {
    encoding: "utf8",
  }).trim();
  const declared = (JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string }).version;
  if (Number(version.split(".")[0]) !== REQUIRED_NODE_MAJOR) {
    throw new RuntimeError(
      `the pinned node package ${declared} runs Node ${version}, but the gateway needs Node ${REQUIRED_NODE_MAJOR}`,
    );
  }
  const found = { binary, binDir: dirname(binary), version };
  if (projectRoot === PROJECT_ROOT) cached = found;
  return found;
}
