import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { PROJECT_DIR } from "./e2e-stack";

/** `npm run demo` running as a child process in a process group of its own. */
export interface DemoProcess {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr), line by line. */
  readonly lines: string[];
  /** Resolves with its exit code once it has ended. */
  readonly closed: Promise<number | null>;
  /** Resolves with the first line that `matches`, or rejects after `timeoutMs`. */
  waitForLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Kills its whole process group (SIGKILL): what a test does when it gives up on it. */
  killGroup(): void;
}

/**
 * Starts `scripts/demo.ts` with `args` as a user would run it, with only `path` on PATH (so no
 * `pulumi` CLI is found and the offline engine deploys), killed by its group id after
 * `timeoutMs`.
 */
export function startDemo(args: readonly string[], path: string, timeoutMs: number): DemoProcess {
  // tsx as a loader, so the child is the demo's own process (tsx's CLI would run it in a child
  // of its own), the one its `kill -INT <pid>` advice names.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", ...args], {
    cwd: PROJECT_DIR,
    env: { HOME: process.env.HOME ?? tmpdir(), PATH: path },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid!;
  const lines: string[] = [];
  let partial = "";
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    for (const listener of [...listeners]) listener();
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const killGroup = () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(killGroup, timeoutMs);
  let ended = false;
  const closed = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      ended = true;
      if (partial !== "") lines.push(partial);
      for (const listener of [...listeners]) listener();
      resolve(code);
    }),
  );
  return {
    pid,
    lines,
    closed,
    killGroup,
    waitForLine(matches, waitMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(matches);
          if (found !== undefined || ended) {
            listeners.delete(check);
            clearTimeout(giveUp);
            if (found !== undefined) resolve(found);
            else
              reject(
                new Error(`the demo ended without the line; it printed:\n${lines.join("\n")}`),
              );
          }
        };
        const giveUp = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`no such line within ${waitMs} ms; the demo printed:\n${lines.join("\n")}`),
          );
        }, waitMs);
        listeners.add(check);
        check();
      });
    },
  };
}
