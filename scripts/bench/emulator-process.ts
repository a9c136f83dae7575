/**
 * The emulator in a process of its own, as Fly's API is on a machine of its own: the engine, the
 * program and the provider host never share its event loop, so its latency and its rate-limit
 * clock are not bent by their work. Driven through its control API (`/__emulator/...`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { request } from "undici";
import type { RequestLogEntry } from "../../emulator/request-log";

/** The world's timings and whether Fly's rate limits apply. Durations in milliseconds. */
export interface EmulatorTimings {
  readonly latencyMs: number;
  readonly bootMs: number;
  readonly checksMs: number;
  readonly transitionMs: number;
  readonly rateLimit: boolean;
}

/** A running emulator process. */
export interface EmulatorProcess {
  /** Base URL without `/v1`. */
  readonly url: string;
  readonly token: string;
  /** Empties the world, the request log and the rate-limit buckets. */
  reset(): Promise<void>;
  /** Forgets the request log, so the next `requests()` holds only what follows. */
  clearRequests(): Promise<void>;
  /** The API requests since the last reset or clear. */
  requests(): Promise<RequestLogEntry[]>;
  /** Stops the process (its whole process group). */
  stop(): Promise<void>;
}

const REPO_ROOT = join(__dirname, "..", "..");
const START_TIMEOUT_MS = 20_000;

/** Starts `emulator/main.ts` on a free 127.0.0.1 port and waits until it listens. */
export async function startEmulatorProcess(timings: EmulatorTimings): Promise<EmulatorProcess> {
  const token = `bench-${randomBytes(12).toString("hex")}`;
  const args = [
    ...["--import", "tsx", join(REPO_ROOT, "emulator", "main.ts")],
    ...["--port", "0", "--token", token],
    ...["--latency", String(timings.latencyMs), "--boot-ms", String(timings.bootMs)],
    ...["--checks-ms", String(timings.checksMs), "--transition-ms", String(timings.transitionMs)],
    ...(timings.rateLimit ? [] : ["--no-rate-limit"]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A bench interrupted by an exception must not leave the emulator behind.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);
  let url: string;
  try {
    url = await listeningUrl(child);
  } catch (error) {
    killOnExit();
    throw error;
  }
  const control = async (method: "GET" | "POST" | "DELETE", path: string): Promise<unknown> => {
    const response = await request(`${url}/__emulator/${path}`, { method });
    const body = await response.body.json();
    if (response.statusCode !== 200) {
      throw new Error(`emulator ${method} /__emulator/${path} answered ${response.statusCode}`);
    }
    return body;
  };
  return {
    url,
    token,
    reset: async () => void (await control("POST", "reset")),
    clearRequests: async () => void (await control("DELETE", "requests")),
    requests: async () => ((await control("GET", "requests")) as RequestLog).entries,
    stop: async () => {
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(killOnExit, 2_000);
      await exited;
      clearTimeout(timer);
      process.removeListener("exit", killOnExit);
    },
  };
}

interface RequestLog {
  entries: RequestLogEntry[];
}

/** Reads `listening on <url>` from the emulator's first line of output. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => fail(new Error(`the emulator did not listen within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      lines.close();
      reject(error);
    };
    child.once("exit", (code) => fail(new Error(`the emulator exited with code ${code}`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const match = /^listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]);
      else fail(new Error(`the emulator printed "${line}" instead of its address`));
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
