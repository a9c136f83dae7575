import { execFile } from "node:child_process";
import { join } from "node:path";

/** The project's root, where a child runs as the provider host does (its cwd). */
export const PROJECT_ROOT = join(__dirname, "..", "..");

/**
 * Runs `script` (CommonJS) in a plain Node process in the project root, outside vitest's module
 * runner, the way Pulumi's provider host runs code: no TypeScript hook unless the script installs
 * one. Resolves with what the script wrote to stdout, parsed as JSON.
 */
export function runNodeChild(
  script: string,
  env: Readonly<Record<string, string>> = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script],
      { cwd: PROJECT_ROOT, timeout: 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}
