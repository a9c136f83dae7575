import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OfflineEngine } from "../../../engine/offline-engine";
import { DEMO_PASSPHRASE } from "../../../scripts/demo";
import { openControlUi } from "../support/control-ui";
import { startDemo, type DemoProcess } from "../support/demo-process";
import { PROJECT_DIR } from "../support/e2e-stack";
import {
  REAL_OPERATION_MS,
  REAL_VERSION,
  processEnv,
  sessionStatus,
  statusText,
} from "../support/real-gateway";
import { alive } from "../../real-machines/real-support";

const ROTATED_TOKEN = "e2e-gateway-token-local-rotated-4d7e9a2b6c";
const DEMO_TOKEN = "openclaw-fly-demo-token";

/** A machine as the demo's emulator reports it, with its process id. */
interface DemoMachine {
  id: string;
  region: string;
  url: string;
  pid: number;
}

/**
 * `npm run demo -- --keep` as a user runs it: the `local` stack (public, iad + ams) on real
 * OpenClaw gateways. Its printed Control UI URLs answer /startupz, its printed token command
 * gives the token, the Control UI opens in headless Chromium at a URL and connects with it, a
 * rotation of the token (an `up` against the demo's emulator) restarts each gateway with the new
 * value in its environment, and Ctrl-C stops the demo and every gateway.
 */
export function realLocalScenarios(): void {
  let stateDir = "";
  let demo: DemoProcess;
  let emulatorUrl = "";
  let token = "";
  const path = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");

  const machines = async (): Promise<DemoMachine[]> => {
    const state = (await (await request(`${emulatorUrl}/__emulator/state`)).body.json()) as any;
    const found: DemoMachine[] = [];
    for (const m of Object.values<any>(state.machines)) {
      if (m.state !== "started") continue;
      const logs = (await (
        await request(`${emulatorUrl}/__emulator/machines/${m.id}/logs?lines=1`)
      ).body.json()) as any;
      found.push({ id: m.id, region: m.region, url: m.local_url, pid: logs.pid });
    }
    return found.sort((a, b) => a.region.localeCompare(b.region));
  };

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "openclaw-demo-real-"));
  });
  afterAll(() => {
    demo?.killGroup();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("npm run demo -- --keep brings up a real gateway per region and prints their Control UI URLs", async () => {
    demo = startDemo(["--keep", "--state-dir", stateDir], path, REAL_OPERATION_MS * 2);
    const kept = await demo.waitForLine(
      (l) => l.includes("and its machines keep running"),
      REAL_OPERATION_MS,
    );
    emulatorUrl = /^The emulator \((http:\/\/127\.0\.0\.1:\d+), /.exec(kept)?.[1] ?? "";
    expect(kept).toBe(
      `The emulator (${emulatorUrl}, token ${DEMO_TOKEN}) and its machines keep running. ` +
        `Stop them with Ctrl-C, or: kill -INT ${demo.pid}`,
    );
    const { lines } = demo;
    expect(lines[0]).toBe(
      "openclaw-fly demo: the `local` stack on a local Fly Machines API emulator, machines that run the real OpenClaw gateway",
    );
    expect(lines[1]).toMatch(
      new RegExp(`^gateway: OpenClaw ${REAL_VERSION} \\(\\d+ MiB in .*\\), on Node 24\\.`),
    );
    // The summary as the CLI prints it (display/diff.go renderSummaryEvent).
    const summary = lines.lastIndexOf("Resources:");
    expect(lines.slice(summary, summary + 2)).toEqual(["Resources:", "    + 11 created"]);
    const running = await machines();
    expect(running.map((m) => m.region)).toEqual(["ams", "iad"]);
    const start = lines.indexOf(
      "The Control UI of each gateway (the real OpenClaw, running on this computer):",
    );
    expect(lines.slice(start + 1, start + 3)).toEqual(
      running.map((m) =>
        expect.stringMatching(
          new RegExp(
            `^  ${m.region}  ${m.url}/   /startupz answers 200 \\{"ok":true,"status":"started","version":"${REAL_VERSION}"`,
          ),
        ),
      ),
    );
    const command =
      `PULUMI_CONFIG_PASSPHRASE=${DEMO_PASSPHRASE} npm run offline -- output gatewayToken ` +
      `--show-secrets --stack local --state-dir ${join(stateDir, "demo-real")}`;
    expect(lines.slice(start + 3, start + 7)).toEqual([
      "Sign in with the gateway token (a secret stack output; the demo does not print it):",
      `  ${command}`,
      "and paste it into the Control UI, or open <url>/#token=<token>.",
      "",
    ]);
  });

  it("the printed command gives the gateway token, which the gateways accept", async () => {
    // What `npm run offline -- output ...` runs, without npm's own banner lines.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        require.resolve("tsx/cli"),
        "engine/engine-cli.ts",
        "output",
        "gatewayToken",
        "--show-secrets",
        "--stack",
        "local",
        "--state-dir",
        join(stateDir, "demo-real"),
      ],
      { cwd: PROJECT_DIR, env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE } },
    );
    token = stdout.trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(demo.lines.filter((l) => l.includes(token))).toEqual([]);
    for (const m of await machines()) {
      expect(statusText(await sessionStatus(m.url, token))).toContain(`OpenClaw ${REAL_VERSION}`);
      expect((await sessionStatus(m.url)).status).toBe(401);
    }
  });

  it("the Control UI opens at a machine's local URL and connects with the token, with no origin error", async () => {
    const iad = (await machines()).find((m) => m.region === "iad")!;
    const [visit, refused] = await openControlUi(iad.url, [token, "f".repeat(64)]);
    expect(visit.connect).toEqual({
      ok: true,
      type: "hello-ok",
      serverVersion: REAL_VERSION,
      error: undefined,
    });
    expect(visit.originComplaints).toEqual([]);
    expect(visit.title).toMatch(/OpenClaw/);
    expect(refused.connect).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^unauthorized: gateway token mismatch/),
    });
    expect(refused.originComplaints).toEqual([]);
  });

  it("the token reaches each gateway as env, and a rotation restarts it with the new value", async () => {
    const before = await machines();
    for (const m of before) expect(processEnv(m.pid).OPENCLAW_GATEWAY_TOKEN).toBe(token);
    const engine = new OfflineEngine({
      projectDir: PROJECT_DIR,
      stack: "local",
      stateDirectory: join(stateDir, "demo-real"),
      config: { flyApiUrl: emulatorUrl },
      secretConfig: { gatewayToken: ROTATED_TOKEN },
      env: { FLY_API_TOKEN: DEMO_TOKEN, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE },
      timeoutMs: REAL_OPERATION_MS,
    });
    const result = await engine.up();
    expect(result.error).toBeUndefined();
    const after = await machines();
    expect(after.map((m) => m.url)).toEqual(before.map((m) => m.url));
    for (const [i, m] of after.entries()) {
      expect(m.pid).not.toBe(before[i].pid);
      expect(processEnv(m.pid).OPENCLAW_GATEWAY_TOKEN).toBe(ROTATED_TOKEN);
      expect(statusText(await sessionStatus(m.url, ROTATED_TOKEN))).toContain(
        `OpenClaw ${REAL_VERSION}`,
      );
      expect((await sessionStatus(m.url, token)).status).toBe(401);
    }
  });

  it("Ctrl-C stops the demo and every gateway", async () => {
    const pids = (await machines()).map((m) => m.pid);
    process.kill(demo.pid, "SIGINT");
    expect(await demo.closed).toBe(0);
    for (const pid of pids) {
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    }
  });
}
