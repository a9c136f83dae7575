/**
 * Runs `openclaw config schema` of an installed gateway package, isolated from the machine it
 * runs on: an empty home, state directory and config path, and none of the caller's environment. The gateway merges the schemas of installed plugins into what it prints, so only an
 * empty state gives the schema of the package as published (its bundled channels and plugins),
 * which is what the image runs.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** An installed `openclaw` package and the Node 24 that runs it. */
export interface GatewayPackage {
  /** The package folder (holds `openclaw.mjs`; the image's /app). */
  packageDir: string;
  /** The Node binary to run it with. */
  node: string;
}

/**
 * Environment for a gateway CLI call that reads nothing of the caller's setup: only PATH comes
 * along. (The caller's environment can change what the gateway prints: under a test runner,
 * VITEST=true silences `config schema` altogether.)
 */
export function isolatedGatewayEnv(scratch: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(scratch, "home"),
    TMPDIR: join(scratch, "tmp"),
    OPENCLAW_STATE_DIR: join(scratch, "state"),
    OPENCLAW_CONFIG_PATH: join(scratch, "openclaw.json"),
    OPENCLAW_OFFLINE: "1",
    NO_COLOR: "1",
  };
}

/**
 * The schema text the gateway prints.
 *
 * @throws Error with the gateway's stderr when the command fails or prints no JSON object
 */
export async function printGatewaySchema(gateway: GatewayPackage): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "openclaw-schema-"));
  mkdirSync(join(scratch, "tmp"));
  try {
    const { stdout } = await run(gateway.node, ["openclaw.mjs", "config", "schema"], {
      cwd: gateway.packageDir,
      env: isolatedGatewayEnv(scratch),
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    if (!stdout.trimStart().startsWith("{")) {
      throw new Error(`openclaw config schema printed no JSON object: ${stdout.slice(0, 200)}`);
    }
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openclaw config schema failed in ${gateway.packageDir}: ${stderr || error}`, {
      cause: error,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
