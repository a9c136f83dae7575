import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlyVolumeProvider } from "../../providers/volume/fly-volume";
import type { FlyVolumeInputs, FlyVolumeOutputs } from "../../providers/volume/fly-volume";
import { findAdoptable } from "../../providers/volume/volume-convergence";
import type { VolumeClient } from "../../providers/volume/volume-convergence";
import {
  captureProgress,
  clearRequestLog,
  configured,
  createAppDirectly,
  requestLog,
  startClockedEmulator,
  UNKNOWN,
  worldState,
  type ClockedEmulator,
} from "./provider-support";
import { volumeInputs } from "./volume-inputs";
import { waitState } from "../emulator/machine-support";

let clocked: ClockedEmulator;
let fx: EmulatorFixture;
let provider: FlyVolumeProvider;

const APP = "vol-app";

function inputs(overrides: Partial<FlyVolumeInputs> = {}): FlyVolumeInputs {
  return volumeInputs(APP, overrides);
}

beforeAll(async () => {
  // Snapshots, releases and the provider's polls for them all move on one clock.
  clocked = await startClockedEmulator();
  fx = clocked.fx;
  provider = clocked.onClockAlways(await configured(new FlyVolumeProvider(), fx));
  await createAppDirectly(fx, APP);
});

afterAll(async () => {
  await clocked.close();
});

describe("FlyVolume check", () => {
  it("fills defaults", async () => {
    expect(
      await provider.check(undefined, { app: APP, name: "data", region: "iad" } as never),
    ).toEqual({
      inputs: inputs(),
    });
  });

  it("refuses a long name, a bad name, an unknown region and a shrink, naming each property", async () => {
    const long = await provider.check(undefined, inputs({ name: "a".repeat(31) }));
    expect(long).toEqual({
      failures: [{ property: "name", reason: "must be 1 to 30 characters long, got 31" }],
    });
    const bad = await provider.check(undefined, inputs({ name: "My-Data", region: "xyz" }));
    expect(bad).toEqual({
      failures: [
        {
          property: "name",
          reason: 'may contain only lowercase letters, digits and underscores, got "My-Data"',
        },
        {
          property: "region",
          reason:
            'unknown Fly region "xyz" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
        },
      ],
    });
    const shrink = await provider.check(inputs({ sizeGb: 5 }), inputs({ sizeGb: 3 }));
    expect(shrink).toEqual({
      failures: [
        { property: "sizeGb", reason: "cannot shrink from 5 to 3 GB: Fly volumes only grow" },
      ],
    });
  });

  it("accepts unknown values during a preview", async () => {
    const news = { ...inputs(), app: UNKNOWN, sizeGb: UNKNOWN } as never;
    expect(await provider.check(inputs({ sizeGb: 5 }), news)).toEqual({
      inputs: { ...inputs(), app: UNKNOWN, sizeGb: UNKNOWN },
    });
  });
});

describe("FlyVolume lifecycle", () => {
  let outs: FlyVolumeOutputs;
  let id: string;

  it("creates the volume", async () => {
    const created = await provider.create(inputs({ snapshotRetention: 7 }));
    id = created.id;
    outs = created.outs;
    const volume = (await worldState(fx)).volumes[id];
    expect(outs).toEqual({
      ...inputs({ snapshotRetention: 7 }),
      // Fly's default for daily snapshots, read back from the volume.
      autoBackup: true,
      volumeId: id,
      zone: volume.zone,
    });
    expect(volume.snapshot_retention).toBe(7);
  });

  it("reads it back, with drift in size", async () => {
    await fx.api("PUT", `/v1/apps/${APP}/volumes/${id}/extend`, { size_gb: 2 });
    const read = await provider.read(id, outs);
    expect(read).toEqual({
      id,
      props: { ...outs, sizeGb: 2 },
      inputs: inputs({ snapshotRetention: 7, sizeGb: 2, autoBackup: true }),
    });
    outs = read.props as FlyVolumeOutputs;
  });

  it("diffs: growth updates, a smaller size asks nothing, name and region replace", async () => {
    const grow = await provider.diff(id, outs, inputs({ snapshotRetention: 7, sizeGb: 4 }));
    expect(grow).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const same = await provider.diff(id, outs, inputs({ snapshotRetention: 7, sizeGb: 1 }));
    expect(same).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const moved = await provider.diff(
      id,
      outs,
      inputs({ snapshotRetention: 7, name: "d2", region: "ams" }),
    );
    expect(moved).toEqual({
      changes: true,
      replaces: ["name", "region"],
      deleteBeforeReplace: false,
    });
  });

  it("extends in place", async () => {
    await clearRequestLog(fx);
    const updated = await provider.update(id, outs, inputs({ snapshotRetention: 7, sizeGb: 4 }));
    expect(updated.outs.sizeGb).toBe(4);
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${APP}/volumes/${id} 200`,
      `PUT /v1/apps/${APP}/volumes/${id}/extend 200`,
    ]);
    outs = updated.outs;
  });

  it("retains the volume on delete unless deletion was asked for", async () => {
    const { lines } = await captureProgress(() => provider.delete(id, outs));
    expect(lines).toEqual([
      `[fly:volume data] retaining volume ${id} (data, iad): left on Fly with its data (set deleteOnDestroy to delete it); a later create adopts it again`,
    ]);
    expect((await worldState(fx)).volumes[id].state).toBe("created");
  });

  it("adopts the retained volume by name and region, with its size", async () => {
    await clearRequestLog(fx);
    const again = await provider.create(inputs({ snapshotRetention: 7 }));
    expect(again.id).toBe(id);
    expect(again.outs.sizeGb).toBe(4);
    expect(await requestLog(fx)).toEqual([`GET /v1/apps/${APP}/volumes 200`]);
  });

  it("snapshots, then deletes, when deletion was asked for", async () => {
    await clearRequestLog(fx);
    await provider.delete(id, { ...outs, deleteOnDestroy: true });
    const log = await requestLog(fx);
    expect(log.filter((line) => !line.startsWith("GET"))).toEqual([
      `POST /v1/apps/${APP}/volumes/${id}/snapshots 200`,
      `DELETE /v1/apps/${APP}/volumes/${id} 200`,
    ]);
    const volume = (await worldState(fx)).volumes[id];
    expect(volume.state).toBe("pending_destroy");
    expect(volume.snapshots.map((s: { status: string }) => s.status)).toEqual(["created"]);
    expect(await provider.read(id, outs)).toEqual({});
  });
});

describe("FlyVolume adoption", () => {
  it("adopts the volume of a create whose answer was lost: exactly one exists", async () => {
    await fx.control("POST", "/faults", {
      kind: "timeout_after_commit",
      route: `POST /v1/apps/${APP}/volumes`,
    });
    const created = await provider.create(inputs({ name: "lost", region: "ams" }));
    const lost = Object.values((await worldState(fx)).volumes).filter(
      (v: any) => v.name === "lost",
    ) as { id: string }[];
    expect(lost.map((v) => v.id)).toEqual([created.id]);
  });

  it("does not adopt a volume attached to a machine it does not manage", async () => {
    const volume = await fx.api("POST", `/v1/apps/${APP}/volumes`, { name: "busy", region: "iad" });
    await fx.api("POST", `/v1/apps/${APP}/machines`, {
      region: "iad",
      config: { image: "nginx:1", mounts: [{ volume: volume.body.id, path: "/data" }] },
    });
    const created = await provider.create(inputs({ name: "busy" }));
    expect(created.id).not.toBe(volume.body.id);
  });

  it("sees no change for Fly's default retention or a provider code change", async () => {
    const created = await provider.create(inputs({ name: "plain" }));
    expect(created.outs.snapshotRetention).toBe(5);
    const news = { ...inputs({ name: "plain" }), __provider: "exports.handler = newer" };
    expect(await provider.diff(created.id, created.outs, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("asks Fly for a host with room for its machine, and sees no change when that machine changes", async () => {
    const compute = { cpuKind: "shared" as const, cpus: 1, memoryMb: 1536 };
    const created = await provider.create(inputs({ name: "placed", compute }));
    const volume = (await worldState(fx)).volumes[created.id];
    expect(volume.compute).toEqual({ cpu_kind: "shared", cpus: 1, memory_mb: 1536 });
    expect(created.outs.compute).toEqual(compute);
    const bigger = inputs({ name: "placed", compute: { ...compute, cpus: 2, memoryMb: 4096 } });
    expect(await provider.diff(created.id, created.outs, bigger)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const read = await provider.read(created.id, created.outs);
    expect(read.inputs).toMatchObject({ compute });
  });

  it("grows an attached volume in place and records only its size: its machine's update boots it onto it", async () => {
    const created = await provider.create(inputs({ name: "grown" }));
    const machine = await fx.api("POST", `/v1/apps/${APP}/machines`, {
      region: "iad",
      config: { image: "nginx:1", mounts: [{ volume: created.id, path: "/data" }] },
    });
    await waitState(fx, APP, machine.body.id, "started");
    const updated = await provider.update(
      created.id,
      created.outs,
      inputs({ name: "grown", sizeGb: 2 }),
    );
    expect(updated.outs).toEqual({ ...created.outs, sizeGb: 2 });
    expect((await worldState(fx)).volumes[created.id].size_gb).toBe(2);
  });

  it("reads a volume back unchanged once its machine mounts it: a refresh shows no drift", async () => {
    const created = await provider.create(inputs({ name: "mounted" }));
    await fx.api("POST", `/v1/apps/${APP}/machines`, {
      region: "iad",
      config: { image: "nginx:1", mounts: [{ volume: created.id, path: "/data" }] },
    });
    expect((await worldState(fx)).volumes[created.id].attached_machine_id).toMatch(/./);
    const read = await provider.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
  });

  it("diffs against the volume on Fly: one grown there is a change, one deleted there is created anew", async () => {
    const created = await provider.create(inputs({ name: "drifted" }));
    const none = { changes: false, replaces: [], deleteBeforeReplace: false };
    expect(await provider.diff(created.id, created.outs, inputs({ name: "drifted" }))).toEqual(
      none,
    );
    const grown = await fx.api("PUT", `/v1/apps/${APP}/volumes/${created.id}/extend`, {
      size_gb: 3,
    });
    expect(grown.status).toBe(200);
    expect(await provider.diff(created.id, created.outs, inputs({ name: "drifted" }))).toEqual({
      ...none,
      changes: true,
    });
    expect((await fx.api("DELETE", `/v1/apps/${APP}/volumes/${created.id}`)).status).toBe(200);
    expect(await provider.diff(created.id, created.outs, inputs({ name: "drifted" }))).toEqual({
      changes: true,
      replaces: ["volumeId"],
      deleteBeforeReplace: false,
    });
  });

  it("adopts a volume mounted by a managed machine of this app and region (crash recovery)", async () => {
    const volume = await fx.api("POST", `/v1/apps/${APP}/volumes`, { name: "ours", region: "iad" });
    await fx.api("POST", `/v1/apps/${APP}/machines`, {
      region: "iad",
      config: {
        image: "nginx:1",
        metadata: { "openclaw-fly/managed": "true" },
        mounts: [{ volume: volume.body.id, path: "/data" }],
      },
    });
    expect((await worldState(fx)).volumes[volume.body.id].attached_machine_id).toMatch(/./);
    const created = await provider.create(inputs({ name: "ours" }));
    expect(created.id).toBe(volume.body.id);
  });

  it("refuses a volume whose managed machine is in another region", async () => {
    // Fly refuses such a mount, so only a client answering with that state can show the rule.
    const volume = { id: "vol_1", name: "away", region: "ams", state: "created" };
    const client = {
      volumes: { list: async () => [{ ...volume, attached_machine_id: "m_1" }] },
      machines: {
        getOrUndefined: async () => ({
          region: "iad",
          config: { metadata: { "openclaw-fly/managed": "true" } },
        }),
      },
    } as unknown as VolumeClient;
    expect(await findAdoptable(client, inputs({ name: "away", region: "ams" }))).toBe(undefined);
    client.machines.getOrUndefined = async () =>
      ({ region: "ams", config: { metadata: { "openclaw-fly/managed": "true" } } }) as never;
    expect((await findAdoptable(client, inputs({ name: "away", region: "ams" })))?.id).toBe(
      "vol_1",
    );
  });
});
