import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { request } from "undici";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** Bounds every wait on the child: tsx compiles on start, which is slow on a busy 2-core runner. */
export const WAIT_MS = 20_000;

/** `emulator/main.ts` running in its own process group, with its output so far. */
export interface CliProcess {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
}

/**
 * Starts `emulator/main.ts <args>` on this Node with tsx's loader, in one process of its own
 * group, collecting its output. Not through the `tsx` command: that runs the script in a child
 * and, on SIGTERM, kills that child outright unless it confirms the signal within 30 ms, which a
 * busy machine does not always manage, so a test of the emulator's own shutdown would depend on
 * timing.
 */
export function startCli(args: string[]): CliProcess {
  let out = "";
  let err = "";
  const proc = spawn(process.execPath, ["--import", "tsx", "emulator/main.ts", ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { proc, stdout: () => out, stderr: () => err };
}

/** Kills the process group of a CLI that is still running, whatever it may have started. */
export function stopCli(cli: CliProcess | undefined): void {
  const { proc } = cli ?? {};
  if (proc?.pid !== undefined && proc.exitCode === null && proc.signalCode === null) {
    process.kill(-proc.pid, "SIGKILL");
  }
}

/** Resolves with the first match of `pattern` in `read()`, or fails after `WAIT_MS`. */
export async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The base URL the CLI prints once it listens. */
export async function listeningUrl(cli: CliProcess): Promise<string> {
  const [, url] = await waitFor(cli.stdout, /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
  return url;
}

/** Resolves with the exit status, or fails after `WAIT_MS`. */
export function exitOf(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the emulator did not exit")), WAIT_MS);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** A JSON answer, with how long it took as the client saw it. */
export interface TimedAnswer {
  status: number;
  body: any;
  elapsedMs: number;
}

/** Calls `url + path` with a JSON body and, unless `token` is undefined, a Bearer token. */
export async function callJson(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<TimedAnswer> {
  const started = performance.now();
  const res = await request(`${url}${path}`, {
    method: method as "GET",
    headers: {
      "content-type": "application/json",
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    body: text ? JSON.parse(text) : undefined,
    elapsedMs: performance.now() - started,
  };
}
