import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
/** Bounds every wait on the child: tsx compiles on start, which is slow on a busy 2-core runner. */
const WAIT_MS = 20_000;

let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "emulator-cli-"));
});
afterEach(() => {
  // A test that failed midway leaves the emulator running: stop its whole process group.
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    process.kill(-child.pid, "SIGKILL");
  }
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `tsx emulator/main.ts` in its own process group, collecting its output. */
function startCli(args: string[]): {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  let out = "";
  let err = "";
  const proc = spawn(TSX, ["emulator/main.ts", ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  child = proc;
  return { proc, stdout: () => out, stderr: () => err };
}

/** Resolves with the first match of `pattern` in `read()`, or fails after `WAIT_MS`. */
async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function exitOf(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the emulator did not exit")), WAIT_MS);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("npm run emulator (emulator/main.ts)", () => {
  it("listens on a free port with --port 0, serves the API, and saves the world on SIGTERM", async () => {
    const statePath = path.join(dir, "world.json");
    const cli = startCli(["--port", "0", "--token", "cli-token", "--state", statePath]);
    const [, url] = await waitFor(cli.stdout, /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    await waitFor(cli.stdout, /^token cli-token$/m);
    expect(url).not.toBe("http://127.0.0.1:0");

    const created = await request(`${url}/v1/apps`, {
      method: "POST",
      headers: { authorization: "Bearer cli-token", "content-type": "application/json" },
      body: JSON.stringify({ name: "from-cli", org_slug: "acme" }),
    });
    expect(created.statusCode).toBe(201);
    expect(((await created.body.json()) as { name: string }).name).toBe("from-cli");

    process.kill(cli.proc.pid as number, "SIGTERM");
    expect(await exitOf(cli.proc)).toBe(0);
    expect(existsSync(statePath)).toBe(true);
    const saved = JSON.parse(readFileSync(statePath, "utf8"));
    expect(Object.keys(saved.apps)).toEqual(["from-cli"]);
  });

  it("exits with status 2 and the usage when an option is not a number", async () => {
    const cli = startCli(["--port", "abc"]);
    expect(await exitOf(cli.proc)).toBe(2);
    expect(cli.stderr()).toMatch(/^--port must be a non-negative integer, got "abc"\nusage: /);
  });
});
