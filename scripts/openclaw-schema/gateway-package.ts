/**
 * Where an installed `openclaw` package of a given version is. The gateway package is a
 * maintainer's and a test's tool, never part of the program's own install: a user who only
 * deploys previews against the committed schema and never downloads it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { GatewayPackage } from "./print-gateway-schema";

/** Names a folder holding installed gateway packages, one `<version>/node_modules/openclaw` each. */
export const GATEWAY_PACKAGES_ENV = "OPENCLAW_FLY_GATEWAY_PACKAGES";

const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** The project's pinned Node 24 (the `node` devDependency). */
export function projectNode(): string {
  return join(PROJECT_ROOT, "node_modules", ".bin", "node");
}

/** The installed package of `version`, or `undefined` when it is not installed. */
export function findGatewayPackage(
  version: string,
  packageDir?: string,
): GatewayPackage | undefined {
  const root = process.env[GATEWAY_PACKAGES_ENV];
  const candidates = [
    ...(packageDir !== undefined ? [resolve(packageDir)] : []),
    ...(root !== undefined ? [join(root, version, "node_modules", "openclaw")] : []),
  ];
  for (const dir of candidates) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const { name, version: found } = JSON.parse(readFileSync(manifest, "utf8")) as {
      name?: string;
      version?: string;
    };
    if (name !== "openclaw" || found !== version) {
      throw new Error(`${dir} holds ${name}@${found}, not openclaw@${version}`);
    }
    return { packageDir: dir, node: projectNode() };
  }
  return undefined;
}
