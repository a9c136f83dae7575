import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  callJson,
  exitOf,
  listeningUrl,
  startCli,
  stopCli,
  waitFor,
  type CliProcess,
} from "./cli-support";

const USAGE =
  "usage: npm run emulator -- [--port 4280] [--token T] [--state FILE] [--latency MS]\n" +
  "                            [--boot-ms MS] [--checks-ms MS] [--transition-ms MS] [--no-rate-limit]\n" +
  "                            [--manual-clock] [--real-machines [--machines-dir DIR]]\n" +
  "\n" +
  "  --real-machines  machines with an OpenClaw image (ghcr.io/openclaw/openclaw:<version>) run the\n" +
  "                   real gateway of that version; GET /__emulator/state lists each one's local_url\n" +
  "  --machines-dir   where real machines keep their files (default: <state FILE>.machines, or a\n" +
  "                   temporary folder removed on exit)\n";

let dir: string;
let cli: CliProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "emulator-cli-"));
});
afterEach(() => {
  // A test that failed midway leaves the emulator running.
  stopCli(cli);
  cli = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run emulator (emulator/main.ts)", () => {
  it("listens on a free port with --port 0, serves the API, and saves the world on SIGTERM", async () => {
    const statePath = path.join(dir, "world.json");
    // On a manual clock the rate limiter refills only when told to, whatever the pace of the test.
    cli = startCli(["--port", "0", "--token", "cli-token", "--state", statePath, "--manual-clock"]);
    const url = await listeningUrl(cli);
    await waitFor(cli.stdout, /^token cli-token$/m);
    expect(url).not.toBe("http://127.0.0.1:0");

    const created = await callJson(url, "POST", "/v1/apps", {
      token: "cli-token",
      body: { name: "from-cli", org_slug: "acme" },
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe("from-cli");

    // Fly's rate limits are on unless --no-rate-limit says otherwise: a burst of 3, then 429
    // until a second has passed on the emulator's clock.
    const get = async () =>
      (await callJson(url, "GET", "/v1/apps/from-cli", { token: "cli-token" })).status;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await get());
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(
      (await callJson(url, "POST", "/__emulator/clock", { body: { advance_ms: 999 } })).status,
    ).toBe(200);
    expect(await get()).toBe(429);
    await callJson(url, "POST", "/__emulator/clock", { body: { advance_ms: 1 } });
    expect(await get()).toBe(200);

    process.kill(cli.proc.pid as number, "SIGTERM");
    expect(await exitOf(cli.proc)).toBe(0);
    expect(existsSync(statePath)).toBe(true);
    const saved = JSON.parse(readFileSync(statePath, "utf8"));
    expect(Object.keys(saved.apps)).toEqual(["from-cli"]);
  });

  it("exits with status 2 and the usage, naming every option, when an option is not a number", async () => {
    cli = startCli(["--port", "abc"]);
    expect(await exitOf(cli.proc)).toBe(2);
    expect(cli.stderr()).toBe(`--port must be a non-negative integer, got "abc"\n${USAGE}`);
  });
});
