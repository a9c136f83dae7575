import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { pinnedNode } from "../../gateway-runtime/pinned-node";
import { pinManifest } from "../../gateway-runtime/runtime-pin-command";
import { ensureRuntime, installedRuntime } from "../../gateway-runtime/runtime-install";
import { RECEIPT_FILE } from "../../gateway-runtime/runtime-npm";
import { PROJECT_ROOT } from "../../gateway-runtime/runtime-pins";

// The install logic against a stand-in npm (fixtures/npm): the real `npm ci` of a gateway is
// exercised by the real-gateway tests, which install 2026.9.6 through the same code.
const FAKE_NPM_DIR = join(__dirname, "fixtures");
const VERSION = "2099.1.1";
const saved = { ...process.env };
let work = "";
let pinsDir = "";
let cacheDir = "";
let npmLog = "";

function writePin(version: string, extra = ""): void {
  const dir = join(pinsDir, version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify(pinManifest(version, {})));
  const lock = {
    name: "openclaw-runtime",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "openclaw-runtime", version, dependencies: { openclaw: version } },
      "node_modules/openclaw": { version, extra },
    },
  };
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock));
}

function npmRuns(): string[] {
  return existsSync(npmLog) ? readFileSync(npmLog, "utf8").trim().split("\n") : [];
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "runtime-install-"));
  pinsDir = join(work, "pins");
  cacheDir = join(work, "cache");
  npmLog = join(work, "npm.log");
  writePin(VERSION);
  process.env.PATH = [FAKE_NPM_DIR, saved.PATH].join(delimiter);
  process.env.FAKE_NPM_LOG = npmLog;
  delete process.env.FAKE_NPM_SLEEP;
  delete process.env.FAKE_NPM_FAIL;
});
afterEach(() => rmSync(work, { recursive: true, force: true }));
afterAll(() => {
  process.env = saved;
});

describe("a pinned runtime", () => {
  it("is installed on first use under the pinned Node, with progress and its size, then reused", async () => {
    const lines: string[] = [];
    const runtime = await ensureRuntime(VERSION, {
      pinsDir,
      cacheDir,
      onProgress: (l) => lines.push(l),
    });
    const target = join(cacheDir, VERSION);
    expect(runtime.dir).toBe(target);
    expect(runtime.packageDir).toBe(join(target, "node_modules", "openclaw"));
    expect(runtime.node.version).toBe(pinnedNode().version);
    expect(runtime.receipt).toMatchObject({
      version: VERSION,
      nodeVersion: pinnedNode().version,
      npmVersion: "0.0.0-fake",
      packages: 1,
      sizeBytes: ["package.json", "openclaw.mjs"]
        .map((file) => readFileSync(join(runtime.packageDir, file)).length)
        .reduce((a, b) => a + b),
    });
    // npm itself ran on the pinned Node 24, though the machine's own node comes later on PATH.
    expect(npmRuns().map((l) => l.split(" ")[1])).toEqual([pinnedNode().version]);
    expect(lines).toEqual([
      `OpenClaw ${VERSION} runtime: installing with npm ci into ${target} on Node ${pinnedNode().version}; the first time takes a minute or two`,
      expect.stringMatching(
        new RegExp(`^OpenClaw ${VERSION} runtime: installed 1 package, 0 MiB, in \\d+ s \\(`),
      ),
    ]);
    expect(readdirSync(join(cacheDir, ".staging"))).toEqual([]);

    const again = await ensureRuntime(VERSION, { pinsDir, cacheDir });
    expect(again.receipt).toEqual(runtime.receipt);
    expect(npmRuns()).toHaveLength(1);
  });

  it("is installed once when two installers ask for it at the same time", async () => {
    process.env.FAKE_NPM_SLEEP = "1";
    const lines: string[] = [];
    const say = (l: string) => lines.push(l);
    const [a, b] = await Promise.all([
      ensureRuntime(VERSION, { pinsDir, cacheDir, onProgress: say }),
      ensureRuntime(VERSION, { pinsDir, cacheDir, onProgress: say }),
    ]);
    expect(npmRuns()).toHaveLength(1);
    expect(a.receipt).toEqual(b.receipt);
    expect(lines).toContain(
      `OpenClaw ${VERSION} runtime: another process is installing it; waiting for it to finish`,
    );
  });

  it("is reinstalled when its lockfile changed", async () => {
    await ensureRuntime(VERSION, { pinsDir, cacheDir });
    writePin(VERSION, "changed");
    expect(installedRuntime(VERSION, { pinsDir, cacheDir })).toBeUndefined();
    await ensureRuntime(VERSION, { pinsDir, cacheDir });
    expect(npmRuns()).toHaveLength(2);
    expect(installedRuntime(VERSION, { pinsDir, cacheDir })).toBeDefined();
  });

  it("that is missing, with installing off, names the command that installs it", async () => {
    await expect(ensureRuntime(VERSION, { pinsDir, cacheDir, install: false })).rejects.toThrow(
      `the OpenClaw ${VERSION} runtime is not installed in ${cacheDir}; install it with \`npm run runtime -- install ${VERSION}\``,
    );
    expect(npmRuns()).toEqual([]);
  });

  it("whose npm ci fails leaves nothing installed and reports npm's last lines", async () => {
    process.env.FAKE_NPM_FAIL = "404 Not Found - GET openclaw";
    const failure = ensureRuntime(VERSION, { pinsDir, cacheDir });
    await expect(failure).rejects.toThrow(/npm ci in .* failed \(exit code 1\):\n/);
    await expect(failure).rejects.toThrow(
      "npm error code E404\nnpm error 404 Not Found - GET openclaw",
    );
    expect(existsSync(join(cacheDir, VERSION))).toBe(false);
    expect(readdirSync(join(cacheDir, ".staging"))).toEqual([]);
  });
});

describe("a version without a pin", () => {
  it("is refused with the pinned versions and how to add one", async () => {
    writePin("2099.1.0");
    await expect(ensureRuntime("2099.2.0", { pinsDir, cacheDir })).rejects.toThrow(
      "OpenClaw 2099.2.0 has no pinned runtime (pinned: 2099.1.0, 2099.1.1); pin it with " +
        "`npm run runtime -- pin 2099.2.0` (it writes gateway-runtime/pins/2099.2.0/ with the " +
        "lockfile npm resolves; review its install scripts and commit the folder), then " +
        "`npm run runtime -- install 2099.2.0`",
    );
  });

  it("is refused when it is not a release version", async () => {
    await expect(ensureRuntime("latest", { pinsDir, cacheDir })).rejects.toThrow(
      '"latest" is not an OpenClaw release version (expected e.g. 2026.9.6)',
    );
  });
});

describe("an interrupted install", () => {
  it("is never taken for a finished one, and the next installer takes over its lock", async () => {
    process.env.FAKE_NPM_SLEEP = "60";
    process.env.OPENCLAW_FLY_RUNTIME_DIR = cacheDir;
    const cli = spawn(
      process.execPath,
      [
        require.resolve("tsx/cli"),
        "gateway-runtime/runtime-cli.ts",
        "install",
        VERSION,
        "--pins-dir",
        pinsDir,
      ],
      { cwd: PROJECT_ROOT, env: process.env, stdio: "ignore" },
    );
    // Killed (like a crash) once its npm ci has started: the CLI, then the npm it ran.
    await until(() => npmRuns().length === 1, 60_000);
    cli.kill("SIGKILL");
    process.kill(Number(npmRuns()[0].split(" ")[0]), "SIGKILL");
    await new Promise((resolve) => cli.once("close", resolve));
    delete process.env.OPENCLAW_FLY_RUNTIME_DIR;

    expect(existsSync(join(cacheDir, VERSION))).toBe(false);
    expect(installedRuntime(VERSION, { pinsDir, cacheDir })).toBeUndefined();
    expect(readdirSync(join(cacheDir, ".staging"))).toEqual([
      expect.stringMatching(new RegExp(`^${VERSION.replace(/\./g, "\\.")}-`)),
    ]);

    delete process.env.FAKE_NPM_SLEEP;
    const lines: string[] = [];
    const runtime = await ensureRuntime(VERSION, {
      pinsDir,
      cacheDir,
      lockStaleMs: 2_000,
      onProgress: (l) => lines.push(l),
    });
    expect(lines[0]).toBe(
      `OpenClaw ${VERSION} runtime: another process is installing it; waiting for it to finish`,
    );
    expect(npmRuns()).toHaveLength(2);
    expect(existsSync(join(runtime.dir, RECEIPT_FILE))).toBe(true);
    expect(readdirSync(join(cacheDir, ".staging"))).toEqual([]);
  }, 90_000);
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
