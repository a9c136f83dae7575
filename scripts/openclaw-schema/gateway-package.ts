/**
 * The installed `openclaw` package of a gateway version, for the maintainer's schema script and
 * the tests that run the real gateway: the pinned runtime of that version
 * (`gateway-runtime/pins/<version>/`), installed on first use. It is never part of the
 * program's own install: a user who only deploys previews against the committed schema and
 * never downloads the gateway.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pinnedNode } from "../../gateway-runtime/pinned-node";
import { ensureRuntime } from "../../gateway-runtime/runtime-install";
import type { GatewayPackage } from "./print-gateway-schema";

/**
 * The pinned runtime of `version`, installed first if it is not (`npm ci` of its pin; progress
 * goes to `onProgress`).
 *
 * @throws RuntimeError when the version has no pin, naming how to add one
 */
export async function gatewayPackage(
  version: string,
  onProgress: (line: string) => void = (line) => console.log(line),
): Promise<GatewayPackage> {
  const runtime = await ensureRuntime(version, { onProgress });
  return { packageDir: runtime.packageDir, node: runtime.node.binary };
}

/**
 * A package installed by hand at `dir` (e.g. a version not pinned yet), run on the project's
 * pinned Node.
 *
 * @throws Error when `dir` does not hold openclaw at `version`
 */
export function packageAt(dir: string, version: string): GatewayPackage {
  const packageDir = resolve(dir);
  const manifest = join(packageDir, "package.json");
  const { name, version: found } = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string })
    : {};
  if (name !== "openclaw" || found !== version) {
    throw new Error(
      `${packageDir} holds ${name ?? "nothing"}@${found ?? "?"}, not openclaw@${version}`,
    );
  }
  return { packageDir, node: pinnedNode().binary };
}
