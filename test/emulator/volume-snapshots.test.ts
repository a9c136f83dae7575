import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
let volume: Record<string, any>;
beforeAll(async () => {
  fx = await startFixture({ transitionMs: TRANSITION_MS });
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "snap-app", org_slug: "acme" });
  const made = await fx.api("POST", VOLUMES, { name: "data", region: "iad", size_gb: 4 });
  volume = made.body;
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const VOLUMES = "/v1/apps/snap-app/volumes";
/**
 * Snapshots and restores take this long on the emulator clock; tests move the clock instead of
 * sleeping, so the in-between states are observed deterministically.
 */
const TRANSITION_MS = 60_000;
const settle = () => fx.control("POST", "/clock", { advance_ms: TRANSITION_MS });

async function snapshot(): Promise<Record<string, any>> {
  const res = await fx.api("POST", `${VOLUMES}/${volume.id}/snapshots`);
  expect(res.status).toBe(200);
  return res.body;
}

describe("volume snapshots", () => {
  it("lists no snapshots for a new volume", async () => {
    const res = await fx.api("GET", `${VOLUMES}/${volume.id}/snapshots`);
    expect(res).toMatchObject({ status: 200, body: [] });
  });

  it("takes an on-demand snapshot: the documented job record, then a vs_ snapshot in the list", async () => {
    const body = await snapshot();
    expect(body).toEqual({
      Msg: {
        backup: {
          id: expect.stringMatching(/^\d+$/),
          volume_id: volume.id,
          state: "prepare",
          type: "BACKUP_TYPE_ON_DEMAND",
          message: "",
          created_at: expect.any(String),
          updated_at: expect.any(String),
          finished_at: null,
          graph_id: expect.stringMatching(/^vs_[a-z0-9]{16}$/),
        },
      },
    });
    const id = body.Msg.backup.graph_id;
    const listed = await fx.api("GET", `${VOLUMES}/${volume.id}/snapshots`);
    const expected = {
      id,
      size: 36_004_096,
      volume_size: 4 * 1024 ** 3,
      digest: expect.stringMatching(/^[0-9a-f]{32}-1$/),
      created_at: body.Msg.backup.created_at,
      status: "creating",
      retention_days: 5,
    };
    expect(listed.body).toEqual([expected]);
    await settle();
    const later = await fx.api("GET", `${VOLUMES}/${volume.id}/snapshots`);
    expect(later.body).toEqual([{ ...expected, status: "created" }]);
  });

  it("answers 404 for snapshots of an unknown volume", async () => {
    const res = await fx.api("GET", `${VOLUMES}/vol_0000000000000000/snapshots`);
    expect(res).toMatchObject({ status: 404, body: { error: "volume not found" } });
  });
});

describe("restoring a volume from a snapshot", () => {
  it("creates the volume `restoring`, at the snapshot's size, then `created`", async () => {
    const id = (await snapshot()).Msg.backup.graph_id;
    await settle();
    const res = await fx.api("POST", VOLUMES, { name: "copy", region: "iad", snapshot_id: id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "copy", state: "restoring", size_gb: 4 });
    await settle();
    expect((await fx.api("GET", `${VOLUMES}/${res.body.id}`)).body.state).toBe("created");
  });

  it("refuses a size below the snapshot's volume size", async () => {
    const id = (await snapshot()).Msg.backup.graph_id;
    await settle();
    const res = await fx.api("POST", VOLUMES, {
      name: "copy",
      region: "iad",
      snapshot_id: id,
      size_gb: 3,
    });
    expect(res).toMatchObject({
      status: 400,
      body: { error: "size_gb must be at least the snapshot's volume size of 4 GB" },
    });
  });

  it("answers 404 snapshot not found for an unknown snapshot", async () => {
    const res = await fx.api("POST", VOLUMES, {
      name: "copy",
      region: "iad",
      snapshot_id: "vs_0000000000000000",
    });
    expect(res).toMatchObject({ status: 404, body: { error: "snapshot not found" } });
  });

  it("restores only from a finished snapshot", async () => {
    const taken = await snapshot();
    const restore = { name: "copy", region: "iad", snapshot_id: taken.Msg.backup.graph_id };
    expect(await fx.api("POST", VOLUMES, restore)).toMatchObject({
      status: 404,
      body: { error: "snapshot not found" },
    });
    await settle();
    expect((await fx.api("POST", VOLUMES, restore)).status).toBe(200);
  });
});
