import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ManualClock } from "../../emulator/emulator-clock";
import { MANUAL_CLOCK, startFixture, type EmulatorFixture } from "./emulator-support";
import { IMAGE, advanceClock, createApp, createVolume, machineIdOf } from "./machine-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  // On a clock that stands still, the doomed machine is still booting when its app goes.
  fx = await startFixture(MANUAL_CLOCK);
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

/** Gives `app` one of everything an app owns: a volume, a machine mounting it, IPs, a secret, a certificate. */
async function populate(app: string): Promise<void> {
  await createApp(fx, app);
  const volume = await createVolume(fx, app);
  await machineIdOf(fx, app, { config: { image: IMAGE, mounts: [{ volume, path: "/data" }] } });
  await createVolume(fx, app, "ams", "spare");
  for (const type of ["shared_v4", "v6"]) {
    expect((await fx.api("POST", `/v1/apps/${app}/ip_assignments`, { type })).status).toBe(200);
  }
  const secret = await fx.api("POST", `/v1/apps/${app}/secrets/API_KEY`, { value: "sk-1" });
  expect(secret.status).toBe(201);
  const hostname = `${app}.example.com`;
  const cert = await fx.api("POST", `/v1/apps/${app}/certificates/acme`, { hostname });
  expect(cert.status).toBe(201);
}

/** Which app owns each record in the world, per kind, as `GET /__emulator/state` shows it. */
async function owners(): Promise<Record<string, string[]>> {
  const state = (await fx.control("GET", "/state")).body;
  const appsOf = (records: { app: string }[]) => records.map((record) => record.app).sort();
  return {
    apps: Object.keys(state.apps).sort(),
    machines: appsOf(Object.values(state.machines)),
    volumes: appsOf(Object.values(state.volumes)),
    ips: appsOf(state.ipAddresses),
    secrets: Object.keys(state.secrets).sort(),
    certificates: appsOf(state.certificates),
  };
}

describe("DELETE /v1/apps/{app_name}", () => {
  it("removes the app's machines, volumes, IPs, secrets and certificates, and only the app's", async () => {
    await populate("doomed");
    await populate("kept");
    expect(await owners()).toEqual({
      apps: ["doomed", "kept"],
      machines: ["doomed", "kept"],
      volumes: ["doomed", "doomed", "kept", "kept"],
      ips: ["doomed", "doomed", "kept", "kept"],
      secrets: ["doomed", "kept"],
      certificates: ["doomed", "kept"],
    });

    const doomedMachines = Object.values((await fx.control("GET", "/state")).body.machines).filter(
      (machine: any) => machine.app === "doomed",
    );
    expect(doomedMachines.map((machine: any) => machine.state)).toEqual(["created"]);
    expect((await fx.api("DELETE", "/v1/apps/doomed")).status).toBe(202);

    const afterDelete = {
      apps: ["kept"],
      machines: ["kept"],
      volumes: ["kept", "kept"],
      ips: ["kept", "kept"],
      secrets: ["kept"],
      certificates: ["kept"],
    };
    expect(await owners()).toEqual(afterDelete);
    // The deleted machine was still booting: its pending transitions must not bring it back.
    const { emulator } = fx.handle;
    await advanceClock(fx, 10_000);
    expect(await owners()).toEqual(afterDelete);
    expect((emulator.clock as ManualClock).pendingTimers).toBe(0);
  });

  it("leaves nothing behind for a new app of the same name", async () => {
    await populate("reborn");
    expect((await fx.api("DELETE", "/v1/apps/reborn")).status).toBe(202);
    await createApp(fx, "reborn");
    const lists = await Promise.all(
      ["machines", "volumes", "ip_assignments", "secrets", "certificates"].map(
        async (kind) => (await fx.api("GET", `/v1/apps/reborn/${kind}`)).body,
      ),
    );
    expect(lists).toEqual([
      [],
      [],
      { ips: [] },
      { secrets: [] },
      { certificates: [], total_count: 0 },
    ]);
  });
});
