import { expect, it } from "vitest";
import type { MachineRecord, VolumeRecord } from "../../../emulator/state";
import type { RequestLogEntry } from "../../../emulator/request-log";
import type { StackChain } from "../support/chain";
import { machineUrn } from "../support/expectations";
import {
  describeRequests,
  liveMachines,
  liveVolumes,
  logMark,
  machineIn,
  machineMutations,
  mutating,
  requestsSince,
  whenLogged,
} from "../support/world";
import { ANY_STATE } from "./local-any-state";
import { changes } from "./local-modes";

const APP = ANY_STATE.app;
const SNAPSHOT_MARK = "openclaw-fly/pre-update-snapshot";
const REPLACED_MARK = "openclaw-fly/replaced-volume";
/** The canary's URN, to start a pattern with (it holds `$`). */
const IAD_URN = machineUrn("local", "iad").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A machine's mounted volume. */
function mountOf(machine: MachineRecord): string {
  return (machine.config.mounts as { volume: string }[])[0].volume;
}

/** A machine's metadata entry. */
function metadataOf(machine: MachineRecord, key: string): string | undefined {
  return (machine.config.metadata as Record<string, string> | undefined)?.[key];
}

/** Requests that write volumes or snapshots, or create or destroy machines. */
function restoreWrites(entries: readonly RequestLogEntry[]): string[] {
  return describeRequests(mutating(entries)).filter(
    (line) =>
      line.includes("/volumes") ||
      /^POST \/v1\/apps\/[^/]+\/machines \d+$/.test(line) ||
      /^DELETE \/v1\/apps\/[^/]+\/machines\/[^/]+ \d+$/.test(line),
  );
}

/**
 * The local stack (public, iad + ams, canary; an image change is protected by a snapshot of the
 * volume) while the program declares an image whose checks fail, so every `up` ends in a data
 * rollback of the canary: a volume made from the pre-update snapshot, the failed machine
 * destroyed, a machine of the same name booted on the restored volume with the previous image.
 * Three runs are killed as Fly answers one of those steps; the next `up`, with no refresh, finishes
 * the restore from what the killed run left (no second snapshot, no second restored volume), its
 * preview plans it, and ams is never touched.
 */
export function localInterruptedRestoreScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;
  const iadVolumes = () => liveVolumes(chain.stack.emulator, APP).filter((v) => v.region === "iad");

  /** Runs `up` on the failing image and kills it as Fly answers the request `at` matches. */
  async function killedUp(at: (entry: RequestLogEntry) => boolean) {
    const { stack } = chain;
    const engine = stack.engine();
    const stop = whenLogged(
      stack.emulator,
      (e) => e.status < 300 && at(e),
      () => engine.killProviderHost(),
    );
    const mark = logMark(stack.emulator);
    const killed = await stack.up(engine);
    stop();
    expect(killed.ok).toBe(false);
    return requestsSince(stack.emulator, mark);
  }

  /** The next `up`: previewed, then run; it restores and fails with the update's failure. */
  async function healingUp() {
    const { stack } = chain;
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine [image]",
      "update gateway-iad-machine [image]",
    ]);
    const mark = logMark(stack.emulator);
    const healed = await stack.up();
    expect(healed.ok).toBe(false);
    return { healed, since: requestsSince(stack.emulator, mark) };
  }

  /** The one on-demand snapshot of `volume` the failed update took. */
  function snapshotOf(volume: VolumeRecord): string {
    const taken = world().volumes[volume.id].snapshots.map((s) => s.id);
    expect(taken).toHaveLength(1);
    return taken[0];
  }

  /** The region after a finished restore: the previous image, healthy, on `restored`. */
  function expectRestored(restored: string, failed: MachineRecord) {
    const now = machineIn(chain.stack.emulator, APP, "iad");
    expect(now.id).not.toBe(failed.id);
    expect([now.config.image, mountOf(now), now.state]).toEqual([
      ANY_STATE.image,
      restored,
      "started",
    ]);
    expect(now.checks.map((check) => check.status)).toEqual(["passing"]);
    expect(world().machines[failed.id].state).toBe("destroyed");
    return now;
  }

  it("a fresh up", async () => {
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
  });

  it("killed as the restored volume was made: the next up finds the update failed and restores onto that volume, without sending it again", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const [volume] = iadVolumes();
    stack.emulator.emulator.faults.add({ kind: "checks_fail", image: ANY_STATE.brokenImage });
    stack.config.image = ANY_STATE.brokenImage;
    const killed = await killedUp(
      (e) => e.method === "POST" && e.path === `/v1/apps/${APP}/volumes`,
    );
    const snapshot = snapshotOf(volume);
    expect(restoreWrites(killed)).toEqual([
      `POST /v1/apps/${APP}/volumes/${volume.id}/snapshots 200`,
      `POST /v1/apps/${APP}/volumes 200`,
    ]);
    // Left: the canary on the failing image, naming its snapshot, and the restored volume.
    expect([iad.config.image, metadataOf(iad, SNAPSHOT_MARK)]).toEqual([
      ANY_STATE.brokenImage,
      snapshot,
    ]);
    const restored = iadVolumes().filter((v) => v.id !== volume.id);
    expect(restored.map((v) => [v.name, v.attached_machine_id])).toEqual([[volume.name, null]]);

    const { healed, since } = await healingUp();
    expect(restoreWrites(since)).toEqual([
      `DELETE /v1/apps/${APP}/machines/${iad.id} 200`,
      `POST /v1/apps/${APP}/machines 200`,
    ]);
    // The failing version is not sent again: it is waited for, found failing, and destroyed.
    expect(machineMutations(since, APP, iad.id)).toEqual([
      "POST lease 201",
      "POST stop 200",
      "DELETE machine 200",
    ]);
    const now = expectRestored(restored[0].id, iad);
    expect(healed.error).toMatch(
      new RegExp(
        `^${IAD_URN}: 1 error occurred:\n\t\\* FlyMachine gateway-iad: machine ${iad.id} \\(gateway-iad\\) ` +
          `in region iad: an earlier run's update failed: machine ${iad.id} in app ${APP} not ` +
          `healthy within 5000 ms .*; restored the data and the previous ` +
          `configuration in \\d+ s: volume ${restored[0].id} was made from snapshot ${snapshot} ` +
          `\\(taken before the update\\) and machine ${now.id} \\(gateway-iad\\) runs the previous ` +
          `configuration on it, version \\w+, started and healthy; volume ${volume.id} keeps what ` +
          `the failed version wrote and was not deleted\n\n$`,
      ),
    );
    expect(healed.logs.map((entry) => entry.message)).toContain(
      `[fly:machine gateway-iad] machine ${iad.id} runs an update an earlier run sent and did ` +
        `not record (snapshot ${snapshot} holds the data from before it); waiting until it is healthy`,
    );
    expect(liveMachines(stack.emulator, APP).find((m) => m.region === "ams")!.versions).toEqual(
      ams.versions,
    );
  });

  it("killed as the failed machine was destroyed: the next up boots the previous image on the restored volume", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const failedVolume = mountOf(iad);
    const killed = await killedUp(
      (e) => e.method === "DELETE" && e.path === `/v1/apps/${APP}/machines/${iad.id}`,
    );
    const snapshot = snapshotOf(world().volumes[failedVolume]);
    const restored = iadVolumes().filter((v) => !v.attached_machine_id && v.id !== failedVolume);
    expect(restoreWrites(killed)).toEqual([
      `POST /v1/apps/${APP}/volumes/${failedVolume}/snapshots 200`,
      `POST /v1/apps/${APP}/volumes 200`,
      `DELETE /v1/apps/${APP}/machines/${iad.id} 200`,
    ]);
    // Restored volumes of the killed and of earlier runs: only this run's is newer than the snapshot.
    const mine = restored.filter(
      (v) => v.created_at >= world().volumes[failedVolume].snapshots[0].created_at,
    );
    expect(mine).toHaveLength(1);

    const { healed, since } = await healingUp();
    expect(restoreWrites(since)).toEqual([`POST /v1/apps/${APP}/machines 200`]);
    const now = expectRestored(mine[0].id, iad);
    expect(metadataOf(now, REPLACED_MARK)).toBe(failedVolume);
    expect(healed.error).toMatch(
      new RegExp(
        `^${IAD_URN}: 1 error occurred:\n\t\\* FlyMachine gateway-iad: machine ${iad.id} \\(gateway-iad\\) ` +
          `in region iad: an earlier run's update failed, and that run was interrupted while it ` +
          `restored the data; restored the data and the previous configuration in \\d+ s: volume ` +
          `${mine[0].id} was made from snapshot ${snapshot} \\(taken before the update\\) and ` +
          `machine ${now.id} \\(gateway-iad\\) runs the previous configuration on it, version ` +
          `\\w+, started and healthy; volume ${failedVolume} keeps what the failed version wrote ` +
          `and was not deleted\n\n$`,
      ),
    );
  });

  it("killed as the restored machine was made: the next up waits for it and records it", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const failedVolume = mountOf(iad);
    const killed = await killedUp(
      (e) => e.method === "POST" && e.path === `/v1/apps/${APP}/machines`,
    );
    const snapshot = snapshotOf(world().volumes[failedVolume]);
    expect(restoreWrites(killed)).toEqual([
      `POST /v1/apps/${APP}/volumes/${failedVolume}/snapshots 200`,
      `POST /v1/apps/${APP}/volumes 200`,
      `DELETE /v1/apps/${APP}/machines/${iad.id} 200`,
      `POST /v1/apps/${APP}/machines 200`,
    ]);
    const made = machineIn(stack.emulator, APP, "iad");

    const { healed, since } = await healingUp();
    expect(restoreWrites(since)).toEqual([]);
    const now = expectRestored(mountOf(made), iad);
    expect(now.id).toBe(made.id);
    expect(healed.error).toContain(
      `in region iad: an earlier run's update failed, and that run was interrupted while it ` +
        `restored the data; restored the data and the previous configuration in `,
    );
    expect(healed.error).toContain(
      `volume ${mountOf(made)} was made from snapshot ${snapshot} (taken before the update) and ` +
        `machine ${made.id} (gateway-iad) runs the previous configuration on it`,
    );

    // The operator reverts the image: nothing is left to do, and the volumes the failed
    // versions wrote are all kept.
    delete stack.config.image;
    stack.emulator.emulator.faults.clear();
    const reverted = await stack.preview();
    expect(reverted.error).toBeUndefined();
    // The failed update left the machine's initialization errors in the state, and the engine
    // updates such a resource once more (step_generator.go,
    // continueStepsFromDiff: `if hasInitErrors`, an empty update step);
    // that update finds the machine as the program wants it and changes nothing.
    expect(changes(reverted.steps)).toEqual(["update gateway-iad-machine []"]);
    const mark = logMark(stack.emulator);
    const cleared = await stack.up();
    expect(cleared.error).toBeUndefined();
    expect(describeRequests(mutating(requestsSince(stack.emulator, mark)))).toEqual([]);
    expect(changes((await stack.preview()).steps)).toEqual([]);
    expect(iadVolumes()).toHaveLength(4);
    expect(liveMachines(stack.emulator, APP).map((m) => [m.region, m.config.image])).toEqual([
      ["ams", ANY_STATE.image],
      ["iad", ANY_STATE.image],
    ]);
  });
}
