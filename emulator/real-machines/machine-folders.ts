/**
 * Where real machines keep their files, under one root folder:
 *
 *   machines/<machine id>/rootfs/       the root filesystem, recreated at every boot (as a Fly
 *                                        machine's rootfs is reset when it starts)
 *   machines/<machine id>/console.log   everything its processes printed, across boots
 *   volumes/<volume id>/                a volume: survives restarts, updates, the machine itself
 *                                        and emulator restarts with --state; a fork starts as a
 *                                        copy of its source's folder
 *   snapshots/<snapshot id>/            a copy of a volume taken by a snapshot; a volume created
 *                                        from the snapshot starts as a copy of it
 */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** The folders of real machines, volumes and snapshots under `root`. */
export class MachineFolders {
  constructor(readonly root: string) {
    if (/[\s"'`$\\;&|<>*?()]/.test(root)) {
      // The folder is written into shell commands (`sh -c "rm -f /data/..."`) by path rewriting.
      throw new Error(
        `the real machines folder ${JSON.stringify(root)} contains a space or a shell character; choose another with --machines-dir`,
      );
    }
    mkdirSync(root, { recursive: true });
  }

  machineDir(machineId: string): string {
    return join(this.root, "machines", machineId);
  }

  rootfs(machineId: string): string {
    return join(this.machineDir(machineId), "rootfs");
  }

  consoleLog(machineId: string): string {
    return join(this.machineDir(machineId), "console.log");
  }

  /** A volume's folder, created when first asked for. */
  volume(volumeId: string): string {
    const dir = join(this.root, "volumes", volumeId);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  snapshot(snapshotId: string): string {
    return join(this.root, "snapshots", snapshotId);
  }

  /** An empty root filesystem for a boot (the previous boot's is discarded). */
  freshRootfs(machineId: string): string {
    const dir = this.rootfs(machineId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Copies a volume's folder into a snapshot's. */
  takeSnapshot(volumeId: string, snapshotId: string): void {
    cpSync(this.volume(volumeId), this.snapshot(snapshotId), { recursive: true });
  }

  /** Fills a new volume's folder from a snapshot, when that snapshot holds data here. */
  restoreSnapshot(snapshotId: string, volumeId: string): void {
    const source = this.snapshot(snapshotId);
    if (existsSync(source)) cpSync(source, this.volume(volumeId), { recursive: true });
  }

  /** Fills a forked volume's folder with a copy of its source volume's files. */
  forkVolume(sourceId: string, volumeId: string): void {
    cpSync(this.volume(sourceId), this.volume(volumeId), { recursive: true });
  }

  removeMachine(machineId: string): void {
    rmSync(this.machineDir(machineId), { recursive: true, force: true });
  }

  removeVolume(volumeId: string): void {
    rmSync(join(this.root, "volumes", volumeId), { recursive: true, force: true });
  }

  removeSnapshot(snapshotId: string): void {
    rmSync(this.snapshot(snapshotId), { recursive: true, force: true });
  }
}
