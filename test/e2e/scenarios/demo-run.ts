import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { appMarkerName } from "../../../providers/provider-kit/ownership";
import { DEMO_PASSPHRASE } from "../../../scripts/demo";
import { OfflineEngine } from "../../../engine/offline-engine";
import { startDemo, type DemoProcess } from "../support/demo-process";
import { PROJECT_DIR } from "../support/e2e-stack";

/** How long one demo run may take before its process group is killed. */
const DEMO_TIMEOUT_MS = 110_000;

/** The lines between `Outputs:` and the blank line after them. */
function outputsBlock(lines: readonly string[]): string[] {
  const start = lines.indexOf("Outputs:");
  return lines.slice(start + 1, lines.indexOf("", start));
}

/** The lines from `On the emulator now:` to `emulator stopped`. */
function worldBlock(lines: readonly string[]): string[] {
  return lines.slice(lines.indexOf("On the emulator now:"), lines.indexOf("emulator stopped"));
}

/**
 * `npm run demo -- --simulated` run as a user runs it: a child process, here with a PATH holding
 * node and nothing else, so no `pulumi` CLI is found and the offline engine deploys, with a state
 * directory private to the test. (The real-gateway demo, the default, is exercised by the
 * real-gateway tests: real-local.ts.)
 */
export function demoScenarios(): void {
  let stateDir = "";
  let demo: DemoProcess | undefined;
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "openclaw-demo-"));
  });
  afterAll(() => {
    demo?.killGroup();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("deploys the local stack with the offline engine and shows what exists on the emulator", async () => {
    demo = startDemo(
      ["--simulated", "--state-dir", stateDir],
      dirname(process.execPath),
      DEMO_TIMEOUT_MS,
    );
    const code = await demo.closed;
    const { lines } = demo;
    // On failure, the demo's own last lines say why.
    expect({ code, tail: code === 0 ? [] : lines.slice(-20) }).toEqual({ code: 0, tail: [] });
    expect(lines[0]).toBe(
      "openclaw-fly demo: the `local` stack on a local Fly Machines API emulator, simulated machines",
    );
    expect(lines).toContain(
      "engine: the offline engine (engine/), because no `pulumi` CLI is on PATH",
    );
    const worldFile = join(stateDir, "demo-emulator.json");
    expect(lines.filter((l) => l.startsWith("emulator: "))).toEqual([
      expect.stringMatching(/^emulator: http:\/\/127\.0\.0\.1:\d+ \(/),
    ]);
    expect(lines.find((l) => l.startsWith("emulator: "))!.split(" (")[1]).toBe(
      `its world is kept in ${worldFile}; 0 app(s) in it)`,
    );
    // The summary as the CLI prints it (display/diff.go renderSummaryEvent), its duration in
    // Go's time.Duration form: "58s", or "1m3s" once a busy machine takes over a minute.
    const summary = lines.lastIndexOf("Resources:");
    expect(lines.slice(summary, summary + 4)).toEqual([
      "Resources:",
      "    + 11 created",
      "",
      expect.stringMatching(/^Duration: (\d+h\d+m|\d+m)?\d+s$/),
    ]);
    const outputs = outputsBlock(lines);
    const machineIds = JSON.parse(
      outputs.find((l) => l.startsWith("    machineIds: "))!.slice(16),
    ) as Record<string, string>;
    const volumeIds = JSON.parse(
      outputs.find((l) => l.startsWith("    volumeIds: "))!.slice(15),
    ) as Record<string, string>;
    expect(outputs).toEqual([
      '    appName: "openclaw-local"',
      "    gatewayToken: [secret]",
      '    image: "ghcr.io/openclaw/openclaw:2026.9.6"',
      `    machineIds: ${JSON.stringify(machineIds)}`,
      '    monthlyCost: {"currency":"USD","ipAddresses":0,"perRegion":{"compute":8.19,"snapshots":0.4,"volume":0.15},"priceTableDate":"2026-09","rehearsalPerUpgrade":0,"total":17.48}',
      "    secretsVersion: 1",
      '    url: "https://openclaw-local.fly.dev"',
      `    volumeIds: ${JSON.stringify(volumeIds)}`,
    ]);
    const world = worldBlock(lines);
    const image = "ghcr.io/openclaw/openclaw:2026.9.6";
    expect(world.slice(0, 2)).toEqual([
      "On the emulator now:",
      "  app openclaw-local (org personal)",
    ]);
    expect(world.filter((l) => l.startsWith("    machine ")).sort()).toEqual(
      [
        `    machine ${machineIds.iad} gateway-iad region iad started ${image}`,
        `    machine ${machineIds.ams} gateway-ams region ams started ${image}`,
      ].sort(),
    );
    expect(world.filter((l) => l.startsWith("    volume ")).sort()).toEqual(
      [
        `    volume ${volumeIds.iad} openclaw_data region iad 1 GB attached to ${machineIds.iad}`,
        `    volume ${volumeIds.ams} openclaw_data region ams 1 GB attached to ${machineIds.ams}`,
      ].sort(),
    );
    // The two addresses are allocated in parallel, so the order they are listed in may vary.
    expect(
      world
        .filter((l) => l.startsWith("    ip "))
        .map((l) => l.split(" ")[5])
        .sort(),
    ).toEqual(["shared_v4", "v6"]);
    expect(world.at(-1)).toBe(
      `    secrets ${appMarkerName("openclaw-fly/local")}, OPENCLAW_GATEWAY_TOKEN (version 1)`,
    );
    expect(lines.filter((l) => l !== "").at(-1)).toBe("emulator stopped");
    // The world and the stack state are saved for the next run; the generated gateway token is
    // in the state (encrypted), never in the output.
    const saved = JSON.parse(readFileSync(worldFile, "utf8"));
    expect(Object.keys(saved.apps)).toEqual(["openclaw-local"]);
    const state = await new OfflineEngine({
      projectDir: PROJECT_DIR,
      stack: "local",
      stateDirectory: join(stateDir, "demo"),
      env: { PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE },
    }).loadState();
    const token = state.find((r) => r.type.endsWith(":GeneratedToken"))?.outputs.value as {
      value: string;
    };
    expect(token.value).toMatch(/^[0-9a-f]{64}$/);
    expect(lines.filter((l) => l.includes(token.value))).toEqual([]);
  });
}
