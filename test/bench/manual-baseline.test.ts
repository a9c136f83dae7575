import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/server";
import type { EmulatorHandle } from "../../emulator/server";
import { runManualBaseline } from "../../scripts/bench/manual-baseline";

describe("the deployment by hand", () => {
  let fly: EmulatorHandle;
  beforeAll(async () => {
    fly = await startEmulator({ bootMs: 20, checksMs: 30, transitionMs: 10, rateLimit: true });
  });
  afterAll(async () => {
    await fly.close();
  });

  it("creates the app, its secrets, then each region's volume and machine, one at a time, until healthy", async () => {
    const result = await runManualBaseline({
      url: fly.url,
      token: fly.token,
      app: "by-hand",
      regions: ["iad", "ams"],
      checkPollMs: 10,
      timeoutMs: 60_000,
    });
    const log = fly.emulator.log.entries;
    expect(result.calls).toBe(log.length);
    expect(log.every((entry) => entry.status >= 200 && entry.status < 300)).toBe(true);
    // Health reads repeat until the checks pass, however many that takes: collapse repeats.
    const steps = log
      .map((entry) => `${entry.method} ${entry.route}`)
      .filter((step, i, all) => step !== all[i - 1]);
    const region = [
      "POST /v1/apps/{app_name}/volumes",
      "POST /v1/apps/{app_name}/machines",
      "GET /v1/apps/{app_name}/machines/{machine_id}/wait",
      "GET /v1/apps/{app_name}/machines/{machine_id}",
    ];
    expect(steps).toEqual([
      "POST /v1/apps",
      "POST /v1/apps/{app_name}/secrets",
      ...region,
      ...region,
    ]);
    const machines = Object.values(fly.emulator.state.machines);
    expect(machines.map((machine) => [machine.region, machine.state]).sort()).toEqual([
      ["ams", "started"],
      ["iad", "started"],
    ]);
    expect(machines.every((m) => m.checks.every((check) => check.status === "passing"))).toBe(true);
  });
});
