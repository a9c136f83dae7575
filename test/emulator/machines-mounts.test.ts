import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  createApp,
  createMachine,
  createVolume,
  machineIdOf,
  machinePath,
  waitState,
} from "./machine-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
beforeEach(() => createApp(fx, "gw"));
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const mounting = (volume: string, path = "/data") => ({
  config: { image: IMAGE, mounts: [{ volume, path }] },
});
const attachedTo = async (volume: string) =>
  (await fx.api("GET", `/v1/apps/gw/volumes/${volume}`)).body.attached_machine_id;

describe("machine mounts", () => {
  it("attaches the volume on create and echoes the mount", async () => {
    const volume = await createVolume(fx, "gw");
    const res = await createMachine(fx, "gw", mounting(volume));
    expect(res.status).toBe(200);
    expect(res.body.config.mounts).toEqual([{ volume, path: "/data" }]);
    expect(await attachedTo(volume)).toBe(res.body.id);
  });

  it("refuses a volume that does not exist, or belongs to another app", async () => {
    await createApp(fx, "other");
    const foreign = await createVolume(fx, "other");
    for (const volume of ["vol_doesnotexist00", foreign]) {
      const res = await createMachine(fx, "gw", mounting(volume));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: `config.mounts[0].volume: volume ${volume} not found in app gw`,
      });
    }
  });

  it("refuses a volume that was deleted", async () => {
    const volume = await createVolume(fx, "gw");
    expect((await fx.api("DELETE", `/v1/apps/gw/volumes/${volume}`)).status).toBe(200);
    const res = await createMachine(fx, "gw", mounting(volume));
    expect(res).toMatchObject({
      status: 400,
      body: { error: `config.mounts[0].volume: volume ${volume} not found in app gw` },
    });
  });

  it("refuses a volume in another region", async () => {
    const volume = await createVolume(fx, "gw", "ams");
    const res = await createMachine(fx, "gw", mounting(volume));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: `config.mounts[0].volume: volume ${volume} is in region ams but the machine is in iad; a machine can only mount a volume in its own region`,
    });
  });

  it("refuses a volume another machine holds with 409", async () => {
    const volume = await createVolume(fx, "gw");
    const holder = await machineIdOf(fx, "gw", mounting(volume));
    const res = await createMachine(fx, "gw", mounting(volume));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: `volume ${volume} is already attached to machine ${holder}`,
    });
  });

  it("refuses more than one volume per machine", async () => {
    const a = await createVolume(fx, "gw", "iad", "data_a");
    const b = await createVolume(fx, "gw", "iad", "data_b");
    const res = await createMachine(fx, "gw", {
      config: {
        image: IMAGE,
        mounts: [
          { volume: a, path: "/a" },
          { volume: b, path: "/b" },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: "config.mounts: a machine can mount at most one volume, got 2",
    });
    expect(await attachedTo(a)).toBe(null);
  });

  it("refuses a mount without a path", async () => {
    const volume = await createVolume(fx, "gw");
    const res = await createMachine(fx, "gw", { config: { image: IMAGE, mounts: [{ volume }] } });
    expect(res).toMatchObject({
      status: 400,
      body: { error: "config.mounts[0].path is required" },
    });
  });

  it("keeps the same volume across updates but refuses switching to another", async () => {
    const volume = await createVolume(fx, "gw");
    const other = await createVolume(fx, "gw", "iad", "other");
    const id = await machineIdOf(fx, "gw", mounting(volume));
    const same = await fx.api("POST", machinePath("gw", id), mounting(volume, "/moved"));
    expect(same.status).toBe(200);
    const switched = await fx.api("POST", machinePath("gw", id), mounting(other));
    expect(switched.status).toBe(400);
    expect(switched.body).toEqual({
      error: `config.mounts: the mounted volume of an existing machine cannot be changed (${volume} -> ${other}); destroy the machine and create a new one`,
    });
    const dropped = await fx.api("POST", machinePath("gw", id), { config: { image: IMAGE } });
    expect(dropped.status).toBe(400);
    expect(await attachedTo(volume)).toBe(id);
    expect(await attachedTo(other)).toBe(null);
  });

  it("frees the volume for a new machine once the old one is destroyed", async () => {
    const volume = await createVolume(fx, "gw");
    const first = await machineIdOf(fx, "gw", mounting(volume));
    await fx.api("DELETE", machinePath("gw", first, "?force=true"));
    await waitState(fx, "gw", first, "destroyed");
    const second = await machineIdOf(fx, "gw", mounting(volume));
    expect(await attachedTo(volume)).toBe(second);
  });
});
