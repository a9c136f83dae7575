/**
 * `npm run runtime -- pin <version>`: adds a gateway version the emulator can run. npm resolves
 * the dependency tree of `openclaw@<version>` into a lockfile (`--package-lock-only`: nothing is
 * installed), and the packages of that tree that have install scripts are listed in
 * `allowScripts`, so that npm runs them as the image's build does, and a reviewer sees them in
 * the diff that adds the pin.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pinnedNode } from "./pinned-node";
import { npmEnvironment } from "./runtime-npm";
import { OPENCLAW_VERSION, RuntimeError } from "./runtime-pins";

/** The package.json of a pin. */
export function pinManifest(version: string, allowScripts: Record<string, boolean>) {
  return {
    name: "openclaw-runtime",
    version,
    private: true,
    description: `The OpenClaw gateway that the image ghcr.io/openclaw/openclaw:${version} runs, installed for the emulator's real machines`,
    license: "MIT",
    dependencies: { openclaw: version },
    allowScripts,
  };
}

/**
 * Writes `<pinsDir>/<version>/` with its package.json and lockfile.
 *
 * @throws RuntimeError when the version is malformed, already pinned, or npm cannot resolve it.
 */
export async function pinVersion(
  version: string,
  pinsDir: string,
  say: (line: string) => void,
): Promise<void> {
  if (!OPENCLAW_VERSION.test(version)) {
    throw new RuntimeError(`"${version}" is not an OpenClaw release version (e.g. 2026.9.6)`);
  }
  const dir = join(pinsDir, version);
  if (existsSync(dir)) throw new RuntimeError(`OpenClaw ${version} is already pinned in ${dir}`);
  mkdirSync(dir, { recursive: true });
  const write = (allowScripts: Record<string, boolean>) =>
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify(pinManifest(version, allowScripts), null, 2)}\n`,
    );
  try {
    write({});
    say(`resolving openclaw@${version} with npm (lockfile only, nothing is installed)`);
    execFileSync("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], {
      cwd: dir,
      env: npmEnvironment(pinnedNode()),
      stdio: ["ignore", "ignore", "pipe"],
    });
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length))
      .sort();
    write(Object.fromEntries(withScripts.map((name) => [name, true])));
    say(`pinned OpenClaw ${version} in ${dir}`);
    say(`packages with install scripts, allowed to run them: ${withScripts.join(", ") || "none"}`);
    say(`review them, commit the folder, then: npm run runtime -- install ${version}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: Buffer }).stderr?.toString("utf8").trim();
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError(
      `npm could not resolve openclaw@${version}: ${detail || (error as Error).message}`,
    );
  }
}
