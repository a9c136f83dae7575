/**
 * `npm run runtime -- <command>`: the gateway runtimes the emulator's real machines run.
 *
 *   list                 pinned versions, and which are installed (with their size)
 *   install [version…]   installs pinned versions (default: every pinned version)
 *   path <version>       prints the installed package folder (the image's /app)
 *   pin <version>        adds a pin: gateway-runtime/pins/<version>/ with its lockfile
 *
 * Options: --pins-dir DIR (default gateway-runtime/pins). The cache folder is
 * `OPENCLAW_FLY_RUNTIME_DIR`, else `.openclaw-runtime/` in the checkout.
 */
import { parseArgs } from "node:util";
import { pinVersion } from "./runtime-pin-command";
import { ensureRuntime, formatMiB, installedRuntime, runtimeCacheDir } from "./runtime-install";
import { DEFAULT_PINS_DIR, pinnedVersions, RuntimeError } from "./runtime-pins";

const USAGE = `usage: npm run runtime -- list | install [version…] | path <version> | pin <version>
                           [--pins-dir DIR]`;

type Say = (line: string) => void;

/** Runs one command; resolves to the process exit code. */
export async function runRuntimeCli(
  argv: readonly string[],
  say: Say = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { "pins-dir": { type: "string" }, help: { type: "boolean" } },
  });
  const pinsDir = values["pins-dir"] ?? DEFAULT_PINS_DIR;
  const [command, ...versions] = positionals;
  if (values.help || command === undefined) {
    say(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case "list":
        return list(pinsDir, say);
      case "install":
        for (const version of versions.length > 0 ? versions : pinnedVersions(pinsDir)) {
          const runtime = await ensureRuntime(version, { pinsDir, onProgress: say });
          const { receipt } = runtime;
          say(
            `OpenClaw ${version}: ${runtime.packageDir} (${receipt.packages} packages, ${formatMiB(receipt.sizeBytes)}, Node ${runtime.node.version})`,
          );
        }
        return 0;
      case "path": {
        const runtime = versions[0] && installedRuntime(versions[0], { pinsDir });
        if (!runtime) {
          say(`OpenClaw ${versions[0] ?? "<version>"} is not installed`);
          return 1;
        }
        say(runtime.packageDir);
        return 0;
      }
      case "pin":
        if (versions.length !== 1) break;
        await pinVersion(versions[0], pinsDir, say);
        return 0;
    }
  } catch (error) {
    if (!(error instanceof RuntimeError)) throw error;
    say(`error: ${error.message}`);
    return 1;
  }
  say(USAGE);
  return 2;
}

function list(pinsDir: string, say: Say): number {
  say(`pinned in ${pinsDir}; installed in ${runtimeCacheDir()}`);
  for (const version of pinnedVersions(pinsDir)) {
    const runtime = installedRuntime(version, { pinsDir });
    const how = runtime
      ? `installed (${formatMiB(runtime.receipt.sizeBytes)}, ${runtime.receipt.installedAt})`
      : "not installed";
    say(`  ${version}  ${how}`);
  }
  return 0;
}

if (require.main === module) {
  runRuntimeCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`error: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
