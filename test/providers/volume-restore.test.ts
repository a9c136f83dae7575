import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlyVolumeProvider } from "../../providers/volume/fly-volume";
import type { FlyVolumeInputs } from "../../providers/volume/fly-volume";
import {
  captureProgress,
  configured,
  createAppDirectly,
  rejectionOf,
  startEmulatorFixture,
  worldState,
} from "./provider-support";
import { volumeInputs } from "./volume-inputs";

const APP = "restore-app";
let fx: EmulatorFixture;
let provider: FlyVolumeProvider;
beforeAll(async () => {
  fx = await startEmulatorFixture();
  provider = await configured(new FlyVolumeProvider(), fx);
  await createAppDirectly(fx, APP);
});
afterAll(() => fx.close());

function inputs(overrides: Partial<FlyVolumeInputs> = {}): FlyVolumeInputs {
  return volumeInputs(APP, overrides);
}

/** A completed snapshot of `volumeId`. */
async function snapshotOf(volumeId: string): Promise<string> {
  await fx.api("POST", `/v1/apps/${APP}/volumes/${volumeId}/snapshots`);
  for (;;) {
    const [taken] = (await fx.api("GET", `/v1/apps/${APP}/volumes/${volumeId}/snapshots`)).body;
    if (taken.status === "created") return taken.id;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("FlyVolume backups and restore", () => {
  it("turns Fly's daily snapshots off and on, with their retention", async () => {
    const created = await provider.create(inputs({ name: "daily", autoBackup: false }));
    expect((await worldState(fx)).volumes[created.id].auto_backup_enabled).toBe(false);
    const wanted = inputs({ name: "daily", autoBackup: true, snapshotRetention: 14 });
    expect(await provider.diff(created.id, created.outs, wanted)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const { result: updated, lines } = await captureProgress(() =>
      provider.update(created.id, created.outs, wanted),
    );
    expect(lines).toContain(
      `[fly:volume daily] setting volume ${created.id}'s automatic daily snapshots: on, kept 14 days`,
    );
    expect(updated.outs).toMatchObject({ autoBackup: true, snapshotRetention: 14 });
    const volume = (await worldState(fx)).volumes[created.id];
    expect([volume.auto_backup_enabled, volume.snapshot_retention]).toEqual([true, 14]);
  });

  it("creates a volume from a snapshot, never adopting one of the same name, and waits for the restore", async () => {
    const source = await provider.create(inputs({ name: "origin" }));
    const snapshotId = await snapshotOf(source.id);
    // An unattached volume of the wanted name that a plain create would adopt.
    await provider.create(inputs({ name: "copy" }));
    const restored = await provider.create(inputs({ name: "copy", restoreFrom: { snapshotId } }));
    const volume = (await worldState(fx)).volumes[restored.id];
    expect(volume.state).toBe("created");
    expect(restored.outs.restoreFrom).toEqual({ snapshotId });
    const names = Object.values((await worldState(fx)).volumes as Record<string, any>)
      .filter((v) => v.name === "copy")
      .map((v) => v.id);
    expect(names).toHaveLength(2);
    expect(names).toContain(restored.id);
  });

  it("forks another volume into another region", async () => {
    const source = await provider.create(inputs({ name: "primary" }));
    const forked = await provider.create(
      inputs({ name: "primary", region: "ams", restoreFrom: { sourceVolumeId: source.id } }),
    );
    expect((await worldState(fx)).volumes[forked.id]).toMatchObject({ region: "ams" });
  });

  it("replaces the volume for a new source, and changes nothing when the source is dropped", async () => {
    const created = await provider.create(inputs({ name: "again" }));
    const snapshotId = await snapshotOf(created.id);
    const restore = inputs({ name: "again", restoreFrom: { snapshotId } });
    expect(await provider.diff(created.id, created.outs, restore)).toEqual({
      changes: true,
      replaces: ["restoreFrom"],
      deleteBeforeReplace: false,
    });
    const restored = await provider.create(restore);
    expect(await provider.diff(restored.id, restored.outs, inputs({ name: "again" }))).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("refuses a source that names both a snapshot and a volume, at check", async () => {
    const result = await provider.check(
      undefined,
      inputs({ restoreFrom: { snapshotId: "vs_abc", sourceVolumeId: "vol_abc" } }),
    );
    expect(result.failures).toEqual([
      {
        property: "restoreFrom",
        reason: "must set exactly one of snapshotId or sourceVolumeId",
      },
    ]);
  });

  it("says which alternatives exist when the region has no room, having created nothing", async () => {
    await fx.control("POST", "/faults", { kind: "no_capacity", region: "syd" });
    const error = await rejectionOf(provider.create(inputs({ name: "full", region: "syd" })));
    await fx.control("DELETE", "/faults");
    expect(error.message).toBe(
      "FlyVolume full: volume full in region syd: no capacity (insufficient resources to create " +
        `volume in region syd (POST /v1/apps/${APP}/volumes -> 503 insufficient_capacity, ` +
        `fly-request-id ${error.message.match(/fly-request-id ([^)\s]+)\)/)![1]})). Alternatives: Fly ` +
        "has no room in syd right now; try again later, or serve this region from a nearby one " +
        'instead (sin or nrt), seeded with its data by `restore: { "sin": { "fromRegion": "<a ' +
        'region you keep>" } }`. Nothing was created in syd, and no machine is made there without ' +
        "its volume.",
    );
    const inSyd = Object.values((await worldState(fx)).volumes as Record<string, any>).filter(
      (v) => v.region === "syd",
    );
    expect(inSyd).toEqual([]);
  });
});
