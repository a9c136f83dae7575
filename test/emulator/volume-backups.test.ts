import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture({ transitionMs: 1_000 });
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "backup-app", org_slug: "acme" });
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const VOLUMES = "/v1/apps/backup-app/volumes";
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const advance = (ms: number) => fx.control("POST", "/clock", { advance_ms: ms });
const create = async (body: Record<string, unknown> = {}) =>
  (await fx.api("POST", VOLUMES, { name: "data", region: "iad", size_gb: 1, ...body })).body;
const snapshots = async (id: string): Promise<Record<string, any>[]> =>
  (await fx.api("GET", `${VOLUMES}/${id}/snapshots`)).body;

describe("automatic daily snapshots", () => {
  it("takes none in the volume's first day, then one a day, each `created`", async () => {
    const volume = await create();
    await advance(DAY_MS - HOUR_MS);
    expect(await snapshots(volume.id)).toEqual([]);
    await advance(HOUR_MS);
    const first = await snapshots(volume.id);
    expect(first.map((s) => [s.status, s.retention_days])).toEqual([["created", 5]]);
    expect(Date.parse(first[0].created_at) - Date.parse(volume.created_at)).toBe(DAY_MS);
    await advance(2 * DAY_MS);
    const days = (await snapshots(volume.id)).map(
      (s) => (Date.parse(s.created_at) - Date.parse(volume.created_at)) / DAY_MS,
    );
    expect(days).toEqual([1, 2, 3]);
  });

  it("keeps each snapshot for its retention days only, after a jump of weeks too", async () => {
    const volume = await create({ snapshot_retention: 2 });
    await advance(20 * DAY_MS + HOUR_MS);
    const days = (await snapshots(volume.id)).map(
      (s) => (Date.parse(s.created_at) - Date.parse(volume.created_at)) / DAY_MS,
    );
    // Taken on days 1-20; at day 20 and an hour, those of days 19 and 20 are under 2 days old.
    expect(days).toEqual([19, 20]);
  });

  it("takes none while auto_backup_enabled is false, and resumes once it is set again", async () => {
    const volume = await create({ auto_backup_enabled: false });
    await advance(3 * DAY_MS);
    expect(await snapshots(volume.id)).toEqual([]);
    const update = await fx.api("PUT", `${VOLUMES}/${volume.id}`, { auto_backup_enabled: true });
    expect(update.body).toMatchObject({ auto_backup_enabled: true });
    await advance(DAY_MS);
    expect((await snapshots(volume.id)).map((s) => s.status)).toEqual(["created"]);
  });

  it("gives new snapshots the retention set later, and expires on-demand snapshots too", async () => {
    const volume = await create({ snapshot_retention: 1 });
    expect((await fx.api("POST", `${VOLUMES}/${volume.id}/snapshots`)).status).toBe(200);
    await fx.api("PUT", `${VOLUMES}/${volume.id}`, { snapshot_retention: 7 });
    await advance(DAY_MS);
    // The on-demand one (1 day) is gone; the first daily one carries 7 days.
    expect((await snapshots(volume.id)).map((s) => s.retention_days)).toEqual([7]);
  });

  it("takes none of a soft-deleted volume", async () => {
    const volume = await create();
    await advance(12 * HOUR_MS);
    await fx.api("DELETE", `${VOLUMES}/${volume.id}`);
    // Past its first day, within the 24 hours a deleted volume stays listed.
    await advance(13 * HOUR_MS);
    expect(await fx.api("GET", `${VOLUMES}/${volume.id}/snapshots`)).toMatchObject({
      status: 200,
      body: [],
    });
  });
});
