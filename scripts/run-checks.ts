/**
 * The static checks `npm test` runs before the suite, `npm run lint` (ESLint, Prettier, the
 * workflow schema check) and `npm run typecheck`, side by side on as many cores as there are:
 * they are independent, and one after the other they take twice as long on two cores. Each
 * check's output is printed whole once it finishes, so outputs never interleave; the script
 * fails if any check does. Ctrl-C or SIGTERM stops the checks still running, by pid.
 *
 *   npx tsx scripts/run-checks.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";

/** Each check as a command line, the longest first. */
export const CHECKS: readonly (readonly string[])[] = [
  ["npm", "run", "--silent", "lint"],
  ["npm", "run", "--silent", "typecheck"],
];

const running = new Set<ChildProcess>();

/** Runs one check in its own process group; resolves whether it passed. */
function runCheck(command: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running.add(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const finish = (passed: boolean, note = "") => {
      running.delete(child);
      const status = passed ? "passed" : "FAILED";
      process.stdout.write(`\n> ${command.join(" ")}: ${status}${note}\n${output}`);
      resolve(passed);
    };
    child.once("error", (error) => finish(false, ` (${error.message})`));
    child.once("close", (code) => finish(code === 0));
  });
}

async function main(): Promise<number> {
  const queue = [...CHECKS];
  const lane = async (): Promise<boolean> => {
    let passed = true;
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      passed = (await runCheck(next)) && passed;
    }
    return passed;
  };
  const lanes = Math.max(1, Math.min(availableParallelism(), CHECKS.length));
  const results = await Promise.all(Array.from({ length: lanes }, lane));
  return results.every(Boolean) ? 0 : 1;
}

if (require.main === module) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of running) {
        // The whole group: npm runs each check in a shell of its own.
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      }
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
  main().then((code) => process.exit(code));
}
