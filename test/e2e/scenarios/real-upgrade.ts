import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect, it } from "vitest";
import type { StackChain } from "../support/chain";
import { bootSeconds, startupz } from "../support/real-gateway";
import { liveMachines, liveVolumes, machineIn } from "../support/world";

const APP = "my-openclaw-dev";
export const OLD_VERSION = "2026.9.5";
export const NEW_VERSION = "2026.9.6";
const image = (version: string) => `ghcr.io/openclaw/openclaw:${version}`;
/** What the gateway's own SQLite state declares (`openclaw.schemaVersions.state`). */
const SCHEMA = { [OLD_VERSION]: 17, [NEW_VERSION]: 18 } as const;
const NOTES = join("workspace", "upgrade-notes.md");
const BEFORE = "written while 2026.9.5 ran\n";
const AFTER = "written while 2026.9.6 ran\n";

/** Seconds since `started`, to one decimal. */
const since = (started: number) => Math.round((Date.now() - started) / 100) / 10;

/**
 * The dev stack on real gateways through upgrades that must not lose data: a rehearsal that
 * fails leaves the region untouched; an upgrade whose new version fails after migrating the
 * volume is rolled back to the old version on its pre-upgrade data; an upgrade that works keeps
 * the data the old version wrote; and a region restored from a snapshot serves that snapshot.
 */
export function realUpgradeScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator;
  const machine = () => machineIn(world(), APP, "iad");
  const folder = (volumeId: string) => world().emulator.real!.folders.volume(volumeId);
  const mounted = () => String((machine().config.mounts as { volume: string }[])[0].volume);
  const schemaOf = (volumeId: string) => {
    const db = new DatabaseSync(join(folder(volumeId), "state", "openclaw.sqlite"), {
      readOnly: true,
    });
    try {
      return (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
    } finally {
      db.close();
    }
  };
  const notes = (volumeId: string) => readFileSync(join(folder(volumeId), NOTES), "utf8");
  const fault = (kind: "POST" | "DELETE") =>
    chain.stack.api(
      kind,
      "/__emulator/faults",
      kind === "POST" ? { kind: "checks_fail", image: image(NEW_VERSION) } : undefined,
    );
  const ids: Record<string, string> = {};

  it(`a fresh up runs ${OLD_VERSION}, whose state and files land on the volume`, async () => {
    const fresh = await chain.stack.up();
    expect(fresh.error).toBeUndefined();
    expect(await startupz(machine().local_url!)).toMatchObject({
      status: 200,
      body: { status: "started", version: OLD_VERSION },
    });
    ids.first = mounted();
    // What a user's agent writes into its workspace on the volume.
    mkdirSync(join(folder(ids.first), "workspace"), { recursive: true });
    writeFileSync(join(folder(ids.first), NOTES), BEFORE);
    expect(schemaOf(ids.first)).toBe(SCHEMA[OLD_VERSION]);
    console.log(
      `upgrade: ${OLD_VERSION} ready ${bootSeconds(world(), machine())} s after its start`,
    );
  });

  it("a failing rehearsal stops the rollout with the region untouched", async () => {
    const before = machine();
    await fault("POST");
    chain.stack.config.image = image(NEW_VERSION);
    chain.stack.config.healthTimeoutSeconds = "120";
    const started = Date.now();
    const result = await chain.stack.up();
    await fault("DELETE");
    expect(result.ok).toBe(false);
    expect(result.error).toContain(
      `machine ${before.id} (gateway-iad) in region iad: the rehearsal of ${image(NEW_VERSION)} ` +
        `on a fork of volume ${ids.first} failed, so the machine was not touched: machine `,
    );
    expect(result.error).toContain(`a checks_fail fault names image ${image(NEW_VERSION)}`);
    const after = machine();
    expect([after.id, after.instance_id, after.state, after.config.image]).toEqual([
      before.id,
      before.instance_id,
      "started",
      image(OLD_VERSION),
    ]);
    expect(liveMachines(world(), APP).map((m) => m.name)).toEqual(["gateway-iad"]);
    expect(liveVolumes(world(), APP).map((v) => v.id)).toEqual([ids.first]);
    expect(schemaOf(ids.first)).toBe(SCHEMA[OLD_VERSION]);
    expect(await startupz(after.local_url!)).toMatchObject({ body: { version: OLD_VERSION } });
    console.log(`upgrade: the failed rehearsal took ${since(started)} s (health budget 120 s)`);
  });

  it("a new version that fails after migrating the data is rolled back, data and all", async () => {
    const before = machine();
    await fault("POST");
    chain.stack.config.upgradeRehearsal = "false";
    chain.stack.config.healthTimeoutSeconds = "240";
    const started = Date.now();
    const result = await chain.stack.up();
    await fault("DELETE");
    expect(result.ok).toBe(false);
    const after = machine();
    ids.restored = mounted();
    const [snapshot] = world().emulator.state.volumes[ids.first].snapshots;
    expect(after.id).not.toBe(before.id);
    expect(ids.restored).not.toBe(ids.first);
    expect(result.error).toContain(`restored the data and the previous configuration in `);
    expect(result.error).toContain(
      `volume ${ids.restored} was made from snapshot ${snapshot.id} (taken before the update) and ` +
        `machine ${after.id} (gateway-iad) runs the previous configuration on it, version ` +
        `${after.instance_id}, started and healthy; volume ${ids.first} keeps what the failed ` +
        `version wrote and was not deleted`,
    );
    // The failed version migrated the volume it ran on: the old version would refuse it.
    expect(schemaOf(ids.first)).toBe(SCHEMA[NEW_VERSION]);
    // The old version runs, healthy, on the data from before the update.
    expect(after.config.image).toBe(image(OLD_VERSION));
    expect(schemaOf(ids.restored)).toBe(SCHEMA[OLD_VERSION]);
    expect(notes(ids.restored)).toBe(BEFORE);
    expect(await startupz(after.local_url!)).toMatchObject({
      status: 200,
      body: { status: "started", version: OLD_VERSION },
    });
    expect(
      liveVolumes(world(), APP)
        .map((v) => v.id)
        .sort(),
    ).toEqual([ids.first, ids.restored].sort());
    console.log(
      `upgrade: the failed update and the data rollback took ${since(started)} s ` +
        `(health budget 240 s; ${OLD_VERSION} ready ${bootSeconds(world(), after)} s after its start)`,
    );
  });

  it("an upgrade that works keeps what the old version wrote, rehearsed on a fork first", async () => {
    chain.stack.config.upgradeRehearsal = "true";
    chain.stack.config.healthTimeoutSeconds = "300";
    const started = Date.now();
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
    const after = machine();
    expect(mounted()).toBe(ids.restored);
    expect(after.config.image).toBe(image(NEW_VERSION));
    expect(await startupz(after.local_url!)).toMatchObject({
      status: 200,
      body: { status: "started", version: NEW_VERSION },
    });
    expect(notes(ids.restored)).toBe(BEFORE);
    expect(schemaOf(ids.restored)).toBe(SCHEMA[NEW_VERSION]);
    const rehearsals = Object.values(world().emulator.state.machines).filter(
      (m) => m.name === "gateway-iad-rehearsal",
    );
    // One rehearsal per upgrade attempt with rehearsal on; each one is gone.
    expect(rehearsals.map((m) => m.state)).toEqual(["destroyed", "destroyed"]);
    const snapshots = world().emulator.state.volumes[ids.restored].snapshots;
    ids.snapshot = snapshots[snapshots.length - 1].id;
    expect(snapshots[snapshots.length - 1].status).toBe("created");
    writeFileSync(join(folder(ids.restored), NOTES), BEFORE + AFTER);
    console.log(
      `upgrade: ${OLD_VERSION} -> ${NEW_VERSION} with rehearsal and snapshot took ${since(started)} s`,
    );
  });

  it("a region restored from a snapshot serves the snapshot's data", async () => {
    chain.stack.config.restore = JSON.stringify({ iad: { snapshot: ids.snapshot } });
    const started = Date.now();
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
    const after = machine();
    const volume = mounted();
    expect([ids.first, ids.restored]).not.toContain(volume);
    // The snapshot was taken before the upgrade: the old version's data, without later writes.
    expect(notes(volume)).toBe(BEFORE);
    expect(existsSync(join(folder(ids.restored), NOTES))).toBe(true);
    expect(notes(ids.restored)).toBe(BEFORE + AFTER);
    expect(await startupz(after.local_url!)).toMatchObject({
      status: 200,
      body: { status: "started", version: NEW_VERSION },
    });
    console.log(`upgrade: restoring iad from snapshot ${ids.snapshot} took ${since(started)} s`);
  });

  it("destroying the stack keeps every volume with data (retainVolumes)", async () => {
    const result = await chain.stack.destroy();
    expect(result.error).toBeUndefined();
    expect(liveMachines(world(), APP)).toEqual([]);
    expect(liveVolumes(world(), APP).length).toBeGreaterThanOrEqual(3);
    expect(world().emulator.real!.runningCount).toBe(0);
  });
}
