/**
 * FlyVolume: a Fly volume, never lost by accident.
 *
 * Deleting the resource RETAINS the volume unless `deleteOnDestroy` is set: the volume stays on
 * Fly untouched and is only forgotten, and a later create adopts it by name and region, so its
 * data comes back. Deletion, when asked for, takes a snapshot first (`snapshotBeforeDelete`).
 * Volumes only grow: a smaller size is refused by `check`, a larger one extends in place.
 */
import * as pulumi from "@pulumi/pulumi";
import { createMachineLookupClient } from "../fly-client/machine-lookup";
import { createVolumesClient, DELETED_VOLUME_STATES } from "../fly-client/volume-operations";
import type { Volume } from "../fly-client/fly-client";
import { recordedState } from "../provider-kit/recorded-state";
import { FlyProvider, type FlyCall } from "../provider-kit/fly-provider";
import { compact, sameValue } from "../provider-kit/provider-values";
import { capacityError, isCapacityShortage } from "./volume-capacity";
import { waitUntilRestored } from "./volume-snapshot";
import { apiCompute, checkVolumeInputs } from "./volume-check";
import type { FlyVolumeInputs } from "./volume-check";
import {
  attachedToOtherStack,
  converge,
  findAdoptable,
  settled,
  snapshot,
  volumeForDiff,
  volumeForRead,
} from "./volume-convergence";
import type { VolumeClient } from "./volume-convergence";
import { LoadedResource } from "../provider-kit/loaded-resource";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlyVolume" } as const;

export type { FlyVolumeInputs } from "./volume-check";

/** Outputs of FlyVolume. */
export interface FlyVolumeOutputs extends FlyVolumeInputs {
  volumeId: string;
  /** The host zone Fly placed the volume in. */
  zone: string;
}

/**
 * The outputs recorded for `volume`. The attached machine is deliberately not among them: the
 * volume is created before its machine, so a recorded attachment would be stale after every fresh
 * up and the first refresh would report it as drift; the machine resource owns the mount.
 */
function outputsOf(inputs: FlyVolumeInputs, volume: Volume) {
  return compact({
    ...inputs,
    name: volume.name,
    region: volume.region,
    sizeGb: volume.size_gb,
    encrypted: volume.encrypted ?? inputs.encrypted,
    snapshotRetention: volume.snapshot_retention ?? inputs.snapshotRetention,
    autoBackup: volume.auto_backup_enabled ?? inputs.autoBackup,
    volumeId: volume.id,
    zone: volume.zone ?? "",
  }) as FlyVolumeOutputs;
}

/** The Fly calls a volume call makes: its volumes, and a look at the machines they attach to. */
function volumeClient({ options }: FlyCall): VolumeClient {
  return { volumes: createVolumesClient(options), machines: createMachineLookupClient(options) };
}

/** Creates the volume as `inputs` ask, from `source` when given; a region out of room is explained. */
async function createVolume(
  client: VolumeClient,
  inputs: FlyVolumeInputs,
  source: { snapshot_id?: string; source_volume_id?: string },
): Promise<Volume> {
  try {
    return await client.volumes.create(
      inputs.app,
      compact({
        name: inputs.name,
        region: inputs.region,
        size_gb: inputs.sizeGb,
        encrypted: inputs.encrypted,
        snapshot_retention: inputs.snapshotRetention,
        auto_backup_enabled: inputs.autoBackup,
        compute: apiCompute(inputs.compute),
        ...source,
      }),
    );
  } catch (error) {
    if (!isCapacityShortage(error)) throw error;
    throw capacityError(
      `volume ${inputs.name}`,
      inputs.region,
      error,
      `Nothing was created in ${inputs.region}, and no machine is made there without its volume.`,
    );
  }
}

/**
 * Creates the volume from a snapshot or as a fork of another volume, and waits until it has
 * finished restoring. Never adopts: an existing volume of the name holds other data.
 */
async function restoreVolume(call: FlyCall, client: VolumeClient, inputs: FlyVolumeInputs) {
  const source = inputs.restoreFrom!;
  const from =
    source.snapshotId !== undefined
      ? `snapshot ${source.snapshotId}`
      : `a fork of volume ${source.sourceVolumeId!}`;
  call.progress(`creating volume in ${inputs.app} (${inputs.region}) from ${from}`);
  const started = Date.now();
  const created = await createVolume(client, inputs, {
    snapshot_id: source.snapshotId,
    source_volume_id: source.sourceVolumeId,
  });
  const volume = await waitUntilRestored(client.volumes, inputs.app, created, {
    timeoutMs: call.tuning.settleTimeoutMs,
    pollMs: call.tuning.pollIntervalMs,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  call.progress(`volume ${volume.id} holds the data of ${from} (${volume.state}, ${seconds} s)`);
  return { id: volume.id, outs: outputsOf(inputs, volume) };
}

/** The provider behind the resource below (exported for tests and tooling). */
export class FlyVolumeProvider
  extends FlyProvider
  implements pulumi.dynamic.ResourceProvider<FlyVolumeInputs, FlyVolumeOutputs>
{
  constructor() {
    super(RESOURCE.type, "volume");
  }

  async check(olds: FlyVolumeInputs | undefined, news: FlyVolumeInputs) {
    return checkVolumeInputs(olds, news);
  }

  async diff(id: string, olds: FlyVolumeOutputs, news: FlyVolumeInputs) {
    const replaces: string[] = (["app", "name", "region", "encrypted"] as const).filter(
      (key) => olds[key] !== news[key],
    );
    // A new data source means a new volume made from it; dropping the source changes nothing
    // (the volume keeps the data it was made with).
    if (news.restoreFrom !== undefined && !sameValue(news.restoreFrom, olds.restoreFrom)) {
      replaces.push("restoreFrom");
    }
    // Only growth is a change: a volume Fly made larger (an adopted one) is not shrunk back.
    const grows =
      news.sizeGb > olds.sizeGb || (typeof news.sizeGb !== "number" && news.sizeGb !== olds.sizeGb);
    // Retention is only compared when asked for: otherwise Fly's default stands.
    const retention =
      news.snapshotRetention !== undefined && news.snapshotRetention !== olds.snapshotRetention;
    const backup = news.autoBackup !== undefined && news.autoBackup !== olds.autoBackup;
    const settings =
      retention ||
      backup ||
      olds.deleteOnDestroy !== news.deleteOnDestroy ||
      olds.snapshotBeforeDelete !== news.snapshotBeforeDelete;
    // Fly volume names are not unique, so the new volume can exist beside the old one: keep
    // the old (and its data) until the new one is there. Adoption never picks the old one: it
    // differs in an input that forced the replacement, and adoption matches all of them.
    const declared = { changes: replaces.length > 0 || grows || settings, replaces };
    if (replaces.length > 0) return { ...declared, deleteBeforeReplace: false };
    // The volume on Fly, read now: one deleted there is created again, one grown there is
    // recorded at its size (so its machine boots again to use it).
    return this.call(olds.name, async (call) => {
      const live = await volumeForDiff(volumeClient(call), olds.app, id, olds.sizeGb);
      if (live === undefined || DELETED_VOLUME_STATES.includes(live.state)) {
        call.progress(`volume ${id} is gone from Fly; up creates a new, empty one`);
        return { changes: true, replaces: ["volumeId"], deleteBeforeReplace: false };
      }
      const grown = live.size_gb !== olds.sizeGb;
      if (grown) {
        call.progress(`on Fly, volume ${id} is ${live.size_gb} GB, recorded as ${olds.sizeGb} GB`);
      }
      return { changes: declared.changes || grown, replaces, deleteBeforeReplace: false };
    });
  }

  async create(inputs: FlyVolumeInputs) {
    return this.call(inputs.name, async (call) => {
      const { progress } = call;
      const client = volumeClient(call);
      if (inputs.restoreFrom !== undefined) return restoreVolume(call, client, inputs);
      const adoptable = await findAdoptable(client, inputs);
      if (adoptable !== undefined) {
        progress(
          `adopting existing volume ${adoptable.id} (${adoptable.size_gb} GB) in ${adoptable.region}`,
        );
        const converged = await converge(client, progress, inputs, adoptable);
        return { id: adoptable.id, outs: outputsOf(inputs, converged.volume) };
      }
      progress(`creating volume in ${inputs.app} (${inputs.region}, ${inputs.sizeGb} GB)`);
      const volume = await createVolume(client, inputs, {});
      return { id: volume.id, outs: outputsOf(inputs, volume) };
    });
  }

  async read(id: string, props?: FlyVolumeOutputs) {
    const known = recordedState(RESOURCE.type, props);
    const app = known.app;
    const volume = await this.call(known.name, (call) =>
      volumeForRead(volumeClient(call), app, id),
    );
    if (volume === undefined || DELETED_VOLUME_STATES.includes(volume.state)) return {};
    const outs = outputsOf(
      {
        app,
        name: volume.name,
        region: volume.region,
        sizeGb: volume.size_gb,
        encrypted: volume.encrypted ?? true,
        snapshotRetention: volume.snapshot_retention ?? undefined,
        autoBackup: volume.auto_backup_enabled ?? undefined,
        ...(known.restoreFrom !== undefined ? { restoreFrom: known.restoreFrom } : {}),
        ...(known.compute !== undefined ? { compute: known.compute } : {}),
        deleteOnDestroy: known.deleteOnDestroy ?? false,
        snapshotBeforeDelete: known.snapshotBeforeDelete ?? true,
        stack: known.stack,
        takeOverFrom: known.takeOverFrom,
      },
      volume,
    );
    const { volumeId: _id, zone: _zone, ...inputs } = outs;
    return { id, props: outs, inputs: inputs as FlyVolumeOutputs };
  }

  async update(id: string, _olds: FlyVolumeOutputs, news: FlyVolumeInputs) {
    return this.call(news.name, async (call) => {
      const { progress } = call;
      const client = volumeClient(call);
      const current = await client.volumes.get(news.app, id);
      const converged = await converge(client, progress, news, current);
      return { outs: outputsOf(news, converged.volume) };
    });
  }

  async delete(id: string, props: FlyVolumeOutputs) {
    await this.call(props.name, async (call) => {
      const { progress, tuning } = call;
      const client = volumeClient(call);
      if (props.deleteOnDestroy !== true) {
        progress(
          `retaining volume ${id} (${props.name}, ${props.region}): left on Fly with its data ` +
            `(set deleteOnDestroy to delete it); a later create adopts it again`,
        );
        return;
      }
      const volume = await settled(client, tuning, props.app, id);
      if (volume === undefined) return;
      const owner = await attachedToOtherStack(client, props.app, volume, props.stack);
      if (owner !== undefined) {
        progress(`leaving volume ${id} in place: its machine now belongs to stack ${owner}`);
        return;
      }
      if (props.snapshotBeforeDelete !== false)
        await snapshot(client, tuning, progress, props.app, id);
      progress(`deleting volume ${id}`);
      await client.volumes.delete(props.app, id);
    });
  }
}

/** Arguments of FlyVolume. */
export interface FlyVolumeArgs {
  /** The app the volume belongs to. Replaces on change. */
  app: pulumi.Input<string>;
  /** Lowercase letters, digits and underscores, at most 30. Replaces on change. */
  name: pulumi.Input<string>;
  /** Region code. Replaces on change. */
  region: pulumi.Input<string>;
  /** Size in GB (default 1); only grows, in place. */
  sizeGb?: pulumi.Input<number>;
  /** Encrypted at rest (default true). Replaces on change. */
  encrypted?: pulumi.Input<boolean>;
  /** Days Fly keeps its daily snapshots, 1..60 (Fly's default 5). */
  snapshotRetention?: pulumi.Input<number>;
  /** Fly's automatic daily snapshots (Fly's default: on). */
  autoBackup?: pulumi.Input<boolean>;
  /**
   * Make the volume from a snapshot (`snapshotId`) or as a fork of another volume of the app
   * (`sourceVolumeId`). A new source replaces the volume; removing it changes nothing.
   */
  restoreFrom?: pulumi.Input<{
    snapshotId?: pulumi.Input<string>;
    sourceVolumeId?: pulumi.Input<string>;
  }>;
  /**
   * The machine the volume is for: Fly places a new volume where that machine fits too. Read
   * only at create: a change is no change.
   */
  compute?: pulumi.Input<{
    cpuKind: pulumi.Input<"shared" | "performance">;
    cpus: pulumi.Input<number>;
    memoryMb: pulumi.Input<number>;
  }>;
  /** Delete the volume on Fly when the resource is deleted (default false: retain it). */
  deleteOnDestroy?: pulumi.Input<boolean>;
  /** Snapshot the volume before deleting it (default true). */
  snapshotBeforeDelete?: pulumi.Input<boolean>;
  /** The declaring stack: an attached volume is taken over only from this stack's machine. */
  stack?: pulumi.Input<string>;
  /** The stack whose machines' volumes this one may take over. */
  takeOverFrom?: pulumi.Input<string>;
}

/**
 * A Fly volume. Retained on Fly when deleted unless `deleteOnDestroy` is set; a later create
 * adopts a volume of the same name and region these providers made, with its data.
 */
export class FlyVolume extends LoadedResource {
  declare readonly app: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly sizeGb: pulumi.Output<number>;
  declare readonly encrypted: pulumi.Output<boolean>;
  declare readonly snapshotRetention: pulumi.Output<number | undefined>;
  declare readonly autoBackup: pulumi.Output<boolean | undefined>;
  declare readonly deleteOnDestroy: pulumi.Output<boolean>;
  declare readonly snapshotBeforeDelete: pulumi.Output<boolean>;
  declare readonly volumeId: pulumi.Output<string>;
  declare readonly zone: pulumi.Output<string>;

  constructor(name: string, args: FlyVolumeArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { volumeId: undefined, zone: undefined };
    super(RESOURCE.module, RESOURCE.type, name, { ...outputs, ...args }, opts);
  }
}
