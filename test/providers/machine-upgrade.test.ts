import { describe, expect, it } from "vitest";
import type { FlyMachineOutputs } from "../../providers/machine/fly-machine";
import {
  captureProgress,
  clearRequestLog,
  rejectionOf,
  requestLog,
  worldState,
} from "./provider-support";
import { APP, STACK, useMachineTestbed } from "./machine-testbed";

const bed = useMachineTestbed();
const { inputs, machineRecord } = bed;
const PROTECTED = { snapshotBeforeUpdate: true, rehearseUpgrades: true };
const BAD = "registry.fly.io/gw:bad";

/** Every volume of the app in the emulator, by id. */
async function volumes(): Promise<Record<string, any>> {
  const world = await worldState(bed.fx);
  return Object.fromEntries(
    Object.values(world.volumes as Record<string, any>)
      .filter((v) => v.app === APP)
      .map((v) => [v.id, v]),
  );
}

/** The app's machines that are not destroyed, by name. */
async function liveMachines(): Promise<Record<string, any>> {
  const world = await worldState(bed.fx);
  return Object.fromEntries(
    Object.values(world.machines as Record<string, any>)
      .filter((m) => m.app === APP && m.state !== "destroyed")
      .map((m) => [m.name, m]),
  );
}

describe("FlyMachine updates that can touch the volume's data", () => {
  let id: string;
  let outs: FlyMachineOutputs;

  it("records the protection it was created with, and takes no snapshot for a plain change", async () => {
    const created = await bed.provider.create(await inputs(PROTECTED));
    id = created.id;
    expect(created.outs).toMatchObject({ ...PROTECTED, machineId: id });
    expect(created.outs.preUpdateSnapshotId).toBeUndefined();
    await clearRequestLog(bed.fx);
    const updated = await bed.provider.update(
      id,
      created.outs,
      await inputs({ ...PROTECTED, env: { MODE: "x" } }),
    );
    const mutations = (await requestLog(bed.fx)).filter((line) => !line.startsWith("GET"));
    expect(mutations).toEqual([
      `POST /v1/apps/${APP}/machines/${id}/lease 201`,
      `POST /v1/apps/${APP}/machines/${id} 200`,
      `DELETE /v1/apps/${APP}/machines/${id}/lease 200`,
    ]);
    expect(updated.outs.preUpdateSnapshotId).toBeUndefined();
    outs = updated.outs;
  });

  it("rehearses a new image on a fork, removes it, snapshots the volume, then updates", async () => {
    await clearRequestLog(bed.fx);
    const wanted = await inputs({
      ...PROTECTED,
      env: { MODE: "x" },
      image: "registry.fly.io/gw:2",
    });
    const { result: updated, lines } = await captureProgress(() =>
      bed.provider.update(id, outs, wanted),
    );
    const log = await requestLog(bed.fx);
    const mutations = log.filter((line) => !line.startsWith("GET"));
    const all = await volumes();
    const forks = Object.values(all).filter((v) => v.name === "data_rehearsal");
    expect(forks.map((v) => v.state)).toEqual(["pending_destroy"]);
    // Placed where the temporary machine fits too.
    expect(forks[0].compute).toEqual({ cpu_kind: "shared", cpus: 1, memory_mb: 1024 });
    const rehearsal = Object.values(
      (await worldState(bed.fx)).machines as Record<string, any>,
    ).find((m) => m.name === "gw-iad-rehearsal");
    expect(rehearsal.state).toBe("destroyed");
    // It ran the new image on the fork, with no services, so no traffic reached it.
    const rehearsed = rehearsal.versions[0].config;
    expect([rehearsed.image, rehearsed.mounts[0].volume, rehearsed.services]).toEqual([
      "registry.fly.io/gw:2",
      forks[0].id,
      undefined,
    ]);
    // Marked as the stack's, like its fork through it: an up that finds it left over by an
    // interrupted rehearsal neither refuses the app nor takes it for another stack's.
    expect(rehearsed.metadata["openclaw-fly/stack"]).toBe(STACK);
    const [snapshot] = all[bed.volumeId].snapshots;
    expect(snapshot.status).toBe("created");
    expect(updated.outs.preUpdateSnapshotId).toBe(snapshot.id);
    expect(mutations).toEqual([
      `POST /v1/apps/${APP}/volumes 200`,
      `POST /v1/apps/${APP}/machines 200`,
      `POST /v1/apps/${APP}/machines/${rehearsal.id}/lease 201`,
      `POST /v1/apps/${APP}/machines/${rehearsal.id}/stop 200`,
      `DELETE /v1/apps/${APP}/machines/${rehearsal.id} 200`,
      `DELETE /v1/apps/${APP}/volumes/${forks[0].id} 200`,
      `POST /v1/apps/${APP}/volumes/${bed.volumeId}/snapshots 200`,
      `POST /v1/apps/${APP}/machines/${id}/lease 201`,
      `POST /v1/apps/${APP}/machines/${id} 200`,
      `DELETE /v1/apps/${APP}/machines/${id}/lease 200`,
    ]);
    expect(lines).toContain(
      `[fly:machine gw-iad] rehearsing registry.fly.io/gw:2 on a fork of volume ${bed.volumeId}`,
    );
    expect((await machineRecord(id)).config.image).toBe("registry.fly.io/gw:2");
    outs = updated.outs;
  });

  it("stops at a failed rehearsal with the real machine untouched", async () => {
    await bed.fx.control("POST", "/faults", { kind: "checks_fail", image: BAD });
    const before = await machineRecord(id);
    const wanted = await inputs({
      ...PROTECTED,
      env: { MODE: "x" },
      image: BAD,
      healthTimeoutSeconds: 0.3,
    });
    const error = await rejectionOf(bed.provider.update(id, outs, wanted));
    const rehearsal = Object.values((await worldState(bed.fx)).machines as Record<string, any>)
      .filter((m) => m.name === "gw-iad-rehearsal")
      .pop();
    expect(error.message).toBe(
      `FlyMachine gw-iad: machine ${id} (gw-iad) in region iad: the rehearsal of ${BAD} on a fork ` +
        `of volume ${bed.volumeId} failed, so the machine was not touched: machine ${rehearsal.id} ` +
        `in app ${APP} not healthy within 300 ms (started); 0/1 checks passing; check "startup" is ` +
        `critical: GET http://[${rehearsal.private_ip}]:3000/startupz: 503 Service Unavailable`,
    );
    const after = await machineRecord(id);
    expect(after.versions).toEqual(before.versions);
    expect(after.state).toBe("started");
    expect(rehearsal.state).toBe("destroyed");
    expect(Object.keys(await liveMachines())).toEqual(["gw-iad"]);
    const live = Object.values(await volumes()).filter((v) => v.state !== "pending_destroy");
    expect(live.map((v) => v.id)).toEqual([bed.volumeId]);
    // No snapshot either: the update never started.
    expect((await volumes())[bed.volumeId].snapshots).toHaveLength(1);
    await bed.fx.control("DELETE", "/faults");
  });

  it("restores the data and the previous configuration when the new version fails", async () => {
    await bed.fx.control("POST", "/faults", { kind: "checks_fail", image: BAD });
    const wanted = await inputs({
      snapshotBeforeUpdate: true,
      rehearseUpgrades: false,
      env: { MODE: "x" },
      image: BAD,
      healthTimeoutSeconds: 0.3,
    });
    const error = (await rejectionOf(bed.provider.update(id, outs, wanted))) as Error & {
      id: string;
      properties: FlyMachineOutputs;
      reasons: string[];
    };
    await bed.fx.control("DELETE", "/faults");
    const machines = await liveMachines();
    const replacement = machines["gw-iad"];
    expect(replacement.id).not.toBe(id);
    expect((await machineRecord(id)).state).toBe("destroyed");
    const all = await volumes();
    const snapshotId = all[bed.volumeId].snapshots[1].id;
    const restoredId = replacement.config.mounts[0].volume;
    expect(all[restoredId]).toMatchObject({
      name: "data",
      region: "iad",
      attached_machine_id: replacement.id,
      // Placed where the previous configuration's machine fits.
      compute: { cpu_kind: "shared", cpus: 1, memory_mb: 1024 },
    });
    // The volume the failed version ran on is kept, detached.
    expect(all[bed.volumeId]).toMatchObject({ state: "created", attached_machine_id: null });
    expect(replacement.config.image).toBe("registry.fly.io/gw:2");
    expect(replacement.state).toBe("started");
    // The stack's mark, on the machine and so on the restored volume attached to it.
    expect(replacement.config.metadata["openclaw-fly/stack"]).toBe(STACK);
    expect(error.id).toBe(id);
    expect(error.properties).toMatchObject({
      machineId: replacement.id,
      stack: STACK,
      image: "registry.fly.io/gw:2",
      mounts: [{ volume: restoredId, path: "/data" }],
      preUpdateSnapshotId: snapshotId,
      restoredVolume: { volumeId: restoredId, snapshotId, replacedVolumeId: bed.volumeId },
    });
    expect(error.reasons).toEqual([error.message]);
    expect(error.message).toMatch(
      new RegExp(
        `^FlyMachine gw-iad: machine ${id} \\(gw-iad\\) in region iad: the update to version \\w+ failed: machine ${id} in app ${APP} not healthy within 300 ms .*; ` +
          `restored the data and the previous configuration in \\d+ s: volume ${restoredId} was made from snapshot ${snapshotId} ` +
          `\\(taken before the update\\) and machine ${replacement.id} \\(gw-iad\\) runs the previous configuration on it, ` +
          `version ${replacement.instance_id}, started and healthy; volume ${bed.volumeId} keeps what the failed version wrote and was not deleted$`,
      ),
    );
    outs = error.properties;
  });

  it("reads the restored machine live in diff, not the destroyed one, and sees nothing to do", async () => {
    const previous = await inputs({
      ...PROTECTED,
      env: { MODE: "x" },
      image: "registry.fly.io/gw:2",
    });
    await clearRequestLog(bed.fx);
    const diff = await bed.provider.diff(id, outs, previous);
    expect(diff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // The app's list serves the diff, and the restored machine in it is the one judged.
    expect(await requestLog(bed.fx)).toEqual([`GET /v1/apps/${APP}/machines 200`]);
  });

  it("keeps working on the restored machine and volume while the program still names the old volume", async () => {
    const wanted = await inputs({ ...PROTECTED, env: { MODE: "y" } });
    expect(wanted.mounts![0].volume).toBe(bed.volumeId);
    const diff = await bed.provider.diff(id, outs, wanted);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await bed.provider.update(id, outs, wanted);
    const restored = outs.restoredVolume!;
    expect(updated.outs).toMatchObject({
      machineId: outs.machineId,
      env: { MODE: "y" },
      mounts: [{ volume: restored.volumeId, path: "/data" }],
      restoredVolume: restored,
    });
    expect((await machineRecord(outs.machineId)).config.env).toEqual({ MODE: "y" });
    const read = await bed.provider.read(id, updated.outs);
    expect(read.props).toMatchObject({ machineId: outs.machineId, restoredVolume: restored });
    outs = updated.outs;
  });

  it("grows the restored volume the machine mounts when the program grows its volume, and boots the machine on it", async () => {
    const restored = outs.restoredVolume!;
    const before = await machineRecord(outs.machineId);
    const size = (await volumes())[restored.volumeId].size_gb as number;
    const grown = size + 2;
    const wanted = await inputs({ ...PROTECTED, env: { MODE: "y" }, volumeSizeGb: grown });
    const diff = await bed.provider.diff(id, outs, wanted);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    await clearRequestLog(bed.fx);
    const { result: updated, lines } = await captureProgress(() =>
      bed.provider.update(id, outs, wanted),
    );
    const mutations = (await requestLog(bed.fx)).filter((line) => !line.startsWith("GET"));
    expect(mutations).toEqual([
      `PUT /v1/apps/${APP}/volumes/${restored.volumeId}/extend 200`,
      `POST /v1/apps/${APP}/machines/${outs.machineId}/lease 201`,
      `POST /v1/apps/${APP}/machines/${outs.machineId} 200`,
      `DELETE /v1/apps/${APP}/machines/${outs.machineId}/lease 200`,
    ]);
    expect(lines).toContain(
      `[fly:machine gw-iad] growing volume ${restored.volumeId}, restored in place of the ` +
        `program's, from ${size} GB to ${grown} GB`,
    );
    const all = await volumes();
    // The replaced volume is the program's FlyVolume's to grow, not the machine's.
    expect([all[restored.volumeId].size_gb, all[bed.volumeId].size_gb]).toEqual([grown, size]);
    const after = await machineRecord(outs.machineId);
    expect(after.versions.length).toBe(before.versions.length + 1);
    expect(updated.outs).toMatchObject({ volumeSizeGb: grown, restoredVolume: restored });
    outs = updated.outs;
  });

  /** Sends `image` to the machine as a killed run would have: protected by a new snapshot. */
  async function sendAsAKilledRun(machineId: string, image: string): Promise<string> {
    const volumeId = outs.mounts![0].volume;
    await bed.fx.api("POST", `/v1/apps/${APP}/volumes/${volumeId}/snapshots`);
    const snapshotId = (await volumes())[volumeId].snapshots.at(-1).id as string;
    const live = await machineRecord(machineId);
    const metadata = { ...live.config.metadata, "openclaw-fly/pre-update-snapshot": snapshotId };
    await bed.fx.api("POST", `/v1/apps/${APP}/machines/${machineId}`, {
      config: { ...live.config, image, metadata },
    });
    return snapshotId;
  }

  it("settles an update a killed run sent that runs healthy: recorded with its snapshot, nothing sent again", async () => {
    const machineId = outs.machineId;
    const snapshotId = await sendAsAKilledRun(machineId, "registry.fly.io/gw:3");
    const wanted = await inputs({
      ...PROTECTED,
      env: { MODE: "y" },
      volumeSizeGb: outs.volumeSizeGb,
      image: "registry.fly.io/gw:3",
    });
    // What runs is what the program asks for; only the state does not know it yet.
    expect(await bed.provider.diff(id, outs, wanted)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await clearRequestLog(bed.fx);
    const updated = await bed.provider.update(id, outs, wanted);
    expect((await requestLog(bed.fx)).filter((line) => !line.startsWith("GET"))).toEqual([]);
    expect(updated.outs).toMatchObject({
      machineId,
      image: "registry.fly.io/gw:3",
      preUpdateSnapshotId: snapshotId,
    });
    expect((await bed.provider.diff(id, updated.outs, wanted)).changes).toBe(false);
    outs = updated.outs;
  });

  it("restores the recorded configuration and its data when a killed run's update failed and the program went back to it, and succeeds", async () => {
    await bed.fx.control("POST", "/faults", { kind: "checks_fail", image: BAD });
    const machineId = outs.machineId;
    const failedVolume = outs.mounts![0].volume;
    const snapshotId = await sendAsAKilledRun(machineId, BAD);
    const reverted = await inputs({
      ...PROTECTED,
      env: { MODE: "y" },
      volumeSizeGb: outs.volumeSizeGb,
      image: "registry.fly.io/gw:3",
    });
    expect((await bed.provider.diff(id, outs, reverted)).changes).toBe(true);
    const updated = await bed.provider.update(id, outs, reverted);
    await bed.fx.control("DELETE", "/faults");
    const now = (await liveMachines())["gw-iad"];
    const restoredId = now.config.mounts[0].volume;
    expect([now.id === machineId, now.config.image, now.state]).toEqual([
      false,
      "registry.fly.io/gw:3",
      "started",
    ]);
    expect(updated.outs).toMatchObject({
      machineId: now.id,
      image: "registry.fly.io/gw:3",
      preUpdateSnapshotId: snapshotId,
      restoredVolume: {
        volumeId: restoredId,
        snapshotId,
        replacedVolumeId: failedVolume,
        declaredVolumeId: bed.volumeId,
      },
    });
    expect((await machineRecord(machineId)).state).toBe("destroyed");
    // What the failed version wrote is kept.
    expect((await volumes())[failedVolume]).toMatchObject({
      state: "created",
      attached_machine_id: null,
    });
    expect((await bed.provider.diff(id, updated.outs, reverted)).changes).toBe(false);
  });
});

describe("FlyMachine in a region without room", () => {
  it("names the alternatives and leaves the region's volume as it was, with no machine", async () => {
    const made = await bed.fx.api("POST", `/v1/apps/${APP}/volumes`, {
      name: "data",
      region: "ord",
    });
    const volumeId = made.body.id as string;
    await bed.fx.control("POST", "/faults", { kind: "no_capacity", region: "ord" });
    const wanted = await inputs({
      name: "gw-ord",
      region: "ord",
      mounts: [{ volume: volumeId, path: "/data", region: "ord" }],
    });
    const error = await rejectionOf(bed.provider.create(wanted));
    await bed.fx.control("DELETE", "/faults");
    const requestId = error.message.match(/fly-request-id ([^)\s]+)\)/)![1];
    expect(error.message).toBe(
      "FlyMachine gw-ord: machine gw-ord in region ord: no capacity (could not find a candidate " +
        `host in region ord (POST /v1/apps/${APP}/machines -> 422 insufficient_capacity, ` +
        `fly-request-id ${requestId})). Alternatives: the host of its volume in ord has no room ` +
        "for it right now (Fly runs a machine where its volume is); try again later, give it less " +
        "memory (`memoryMb`, `vmSize`), or serve this region from a nearby one instead (iad or " +
        'yyz), seeded with its data by `restore: { "iad": { "fromRegion": "<a region you keep>" } }`. ' +
        `No machine was created in ord; volume ${volumeId} is kept as it was, unattached, and the ` +
        "next `pulumi up` creates the machine on it.",
    );
    expect(Object.keys(await liveMachines())).not.toContain("gw-ord");
    const volume = (await volumes())[volumeId];
    expect([volume.state, volume.attached_machine_id]).toEqual(["created", null]);
  });
});
