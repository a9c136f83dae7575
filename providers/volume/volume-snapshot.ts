/**
 * Taking a snapshot of a volume and waiting until Fly can restore from it, and waiting for a
 * restored volume to finish restoring. Fly's on-demand snapshot call answers before the snapshot
 * exists (its body is a storage job record, not the snapshot), so the new snapshot is found as the
 * one that was not listed before the call.
 */
import type { Volume, VolumeOperations } from "../fly-client/fly-client";
import type { Progress } from "../provider-kit/progress";

/** How long to wait and how often to look. */
export interface SnapshotTiming {
  timeoutMs: number;
  pollMs: number;
}

/**
 * Takes an on-demand snapshot of the volume and waits until it is `created`; returns its id.
 * `purpose` ends the progress line ("before deleting it", "before updating machine ...").
 */
export async function takeSnapshot(
  volumes: Pick<VolumeOperations, "listSnapshots" | "createSnapshot" | "clock">,
  progress: Progress,
  target: { app: string; volumeId: string; purpose: string },
  timing: SnapshotTiming,
): Promise<string> {
  const { app, volumeId } = target;
  const before = new Set((await volumes.listSnapshots(app, volumeId)).map((s) => s.id));
  progress(`taking a snapshot of volume ${volumeId} ${target.purpose}`);
  const started = volumes.clock.now();
  await volumes.createSnapshot(app, volumeId);
  for (;;) {
    const taken = (await volumes.listSnapshots(app, volumeId)).find((s) => !before.has(s.id));
    if (taken?.status === "created") {
      const seconds = ((volumes.clock.now() - started) / 1000).toFixed(1);
      progress(`snapshot ${taken.id} of volume ${volumeId} is complete (${seconds} s)`);
      return taken.id;
    }
    if (volumes.clock.now() - started >= timing.timeoutMs) {
      throw new Error(
        `the snapshot of volume ${volumeId} did not complete within ${timing.timeoutMs} ms ` +
          `(${taken ? `it is ${taken.status}` : "it is not listed"})`,
      );
    }
    await volumes.clock.sleep(timing.pollMs);
  }
}

/**
 * Waits until a volume made from a snapshot has finished `restoring`. A fork may be mounted while
 * it is `hydrating` (Fly copies its blocks in the background), so that state counts as ready.
 */
export async function waitUntilRestored(
  volumes: Pick<VolumeOperations, "get" | "clock">,
  app: string,
  volume: Volume,
  timing: SnapshotTiming,
): Promise<Volume> {
  const started = volumes.clock.now();
  let current = volume;
  while (current.state === "restoring" || current.state === "creating") {
    if (volumes.clock.now() - started >= timing.timeoutMs) {
      throw new Error(
        `volume ${volume.id} is still ${current.state} after ${timing.timeoutMs} ms; ` +
          `it is kept, and the next run waits for it again`,
      );
    }
    await volumes.clock.sleep(timing.pollMs);
    current = await volumes.get(app, volume.id);
  }
  return current;
}
