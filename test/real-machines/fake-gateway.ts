/**
 * The stand-in gateway (fixtures/fake-openclaw.mjs) as a pinned, installed runtime, and the
 * machine config that runs it. No test framework here: the emulator child process uses it too.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinnedNode } from "../../gateway-runtime/pinned-node";
import { pinManifest } from "../../gateway-runtime/runtime-pin-command";
import { takeReceipt } from "../../gateway-runtime/runtime-npm";
import { readPin } from "../../gateway-runtime/runtime-pins";

/** The version of the stand-in gateway (fixtures/fake-openclaw.mjs) and its image. */
export const FAKE_VERSION = "2099.1.1";
export const FAKE_IMAGE = `ghcr.io/openclaw/openclaw:${FAKE_VERSION}`;

/** A pinned and installed runtime whose `openclaw.mjs` is the stand-in gateway. */
export interface FakeRuntime {
  pinsDir: string;
  cacheDir: string;
  root: string;
  remove(): void;
}

/** Pins and "installs" the stand-in gateway as OpenClaw 2099.1.1, as npm ci would lay it out. */
export function installFakeRuntime(): FakeRuntime {
  const root = mkdtempSync(join(tmpdir(), "real-machines-"));
  const pinsDir = join(root, "pins");
  const cacheDir = join(root, "runtimes");
  const pinDir = join(pinsDir, FAKE_VERSION);
  mkdirSync(pinDir, { recursive: true });
  writeFileSync(join(pinDir, "package.json"), JSON.stringify(pinManifest(FAKE_VERSION, {})));
  writeFileSync(
    join(pinDir, "package-lock.json"),
    JSON.stringify({ lockfileVersion: 3, packages: { "": {}, "node_modules/openclaw": {} } }),
  );
  const installed = join(cacheDir, FAKE_VERSION);
  const packageDir = join(installed, "node_modules", "openclaw");
  mkdirSync(packageDir, { recursive: true });
  copyFileSync(join(pinDir, "package-lock.json"), join(installed, "package-lock.json"));
  writeFileSync(
    join(packageDir, "package.json"),
    JSON.stringify({ name: "openclaw", version: FAKE_VERSION }),
  );
  copyFileSync(join(__dirname, "fixtures", "fake-openclaw.mjs"), join(packageDir, "openclaw.mjs"));
  takeReceipt(installed, readPin(FAKE_VERSION, pinsDir), pinnedNode(), { npmVersion: "test" }, 0);
  return { pinsDir, cacheDir, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The stand-in's command, as the project's machines run the gateway (`sh -c ... exec node`). */
export const FAKE_CMD = [
  "sh",
  "-c",
  "rm -f /data/tmp/openclaw-*/gateway.*.lock; exec node openclaw.mjs gateway --port 3000 --bind lan",
];

/** A check on the gateway's port that answers quickly (the stand-in boots in ~300 ms). */
export const FAST_CHECK = {
  startup: {
    type: "http",
    port: 3000,
    method: "GET",
    path: "/startupz",
    grace_period: "100ms",
    interval: "100ms",
    timeout: "2s",
  },
};

/** A machine config running the stand-in; `extra` fields replace the defaults. */
export function fakeConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    image: FAKE_IMAGE,
    init: { cmd: FAKE_CMD },
    env: { OPENCLAW_STATE_DIR: "/data" },
    checks: FAST_CHECK,
    restart: { policy: "no" },
    ...extra,
  };
}
