import * as pulumi from "@pulumi/pulumi";
import { FlyMachine } from "../providers/machine/fly-machine";
import { FlyVolume } from "../providers/volume/fly-volume";
import type { RolloutStrategy } from "./gateway-constants";
import { buildGatewayMachineSpec } from "./gateway-machine-spec";
import type { GatewaySettings } from "./gateway-settings";

/** Name of each region's volume on Fly, as in OpenClaw's Fly template. */
export const VOLUME_NAME = "openclaw_data";

/** The Fly machine name of a region's gateway (names are unique per app). */
export function machineName(region: string): string {
  return `gateway-${region}`;
}

/**
 * For each region, the region whose machine must be healthy before its own machine is touched:
 * canary waits every later region on the first, serial chains each region to the previous one,
 * parallel waits on nothing. Pulumi does not start a resource whose dependency failed, so a
 * machine that fails its health checks stops the rollout there.
 */
export function rolloutPredecessors(
  regions: readonly string[],
  strategy: RolloutStrategy,
): Record<string, string | undefined> {
  return Object.fromEntries(
    regions.map((region, index) => {
      if (index === 0 || strategy === "parallel") return [region, undefined];
      return [region, strategy === "canary" ? regions[0] : regions[index - 1]];
    }),
  );
}

/** One region's gateway: its volume and the machine that mounts it. */
export interface RegionGateway {
  readonly volume: FlyVolume;
  readonly machine: FlyMachine;
}

/** What every region shares, from the component. */
export interface RegionSharedInputs {
  /** The component; every volume and machine is its child. */
  readonly parent: pulumi.Resource;
  /** The FlyApp's name output, so each child depends on the app. */
  readonly appName: pulumi.Output<string>;
  /** The image reference every machine runs. */
  readonly image: string;
  /** FlySecrets `version`: machines boot with at least it, so a rotation rolls out. */
  readonly secretsVersion: pulumi.Output<number>;
  /** The image build, when there is one: machines start only after it pushed the image. */
  readonly build?: pulumi.Resource;
  /** openclaw.json as it ships, once the app's addresses it trusts are known. */
  readonly openclawConfigText: pulumi.Output<string>;
  /** The declaring stack, and the stack it may take resources over from. */
  readonly owner: { readonly stack: string; readonly takeOverFrom?: string };
}

/**
 * Registers one volume and one machine per region, in region order. Each machine depends on
 * its predecessor's machine as `rollout` orders them (canary, serial, parallel), so Pulumi
 * changes a region only after the region before it turned healthy (the machine provider's
 * create and update wait for every check) and stops at the first region that does not. Every
 * machine takes `minSecretsVersion` from the secrets, so a secret rotation rolls out in the
 * same order.
 */
export function createRegionGateways(
  name: string,
  settings: GatewaySettings,
  shared: RegionSharedInputs,
): Record<string, RegionGateway> {
  const predecessors = rolloutPredecessors(settings.regions, settings.rollout);
  const gateways: Record<string, RegionGateway> = {};
  // Fly lets an app create one volume per second after a burst of three, so with many regions
  // the first machine could wait behind every other volume; it is the one the rollout waits
  // for, so its volume goes first (parallel rollouts wait for no machine, so none goes first).
  const first = settings.rollout === "parallel" ? undefined : settings.regions[0];
  const volumes: Record<string, FlyVolume> = {};
  // A region forked from another needs that region's volume first (its source is never itself
  // forked: gateway-settings.ts), so those volumes are registered after the others.
  const forked = (region: string) => "fromRegion" in (settings.restore[region] ?? {});
  const volumeOrder = [
    ...settings.regions.filter((r) => !forked(r)),
    ...settings.regions.filter(forked),
  ];
  for (const region of volumeOrder) {
    // A first region forked from another comes after its source, so only an already
    // registered first volume is waited for.
    const firstVolume =
      first === undefined || region === first || volumes[first] === undefined
        ? []
        : [volumes[first]];
    const source = settings.restore[region];
    const restoreFrom =
      source === undefined
        ? undefined
        : "snapshot" in source
          ? { snapshotId: source.snapshot }
          : { sourceVolumeId: volumes[source.fromRegion].volumeId };
    volumes[region] = new FlyVolume(
      `${name}-${region}-volume`,
      {
        app: shared.appName,
        name: VOLUME_NAME,
        region,
        sizeGb: settings.volumeSizeGb,
        // Fly then places the volume on a host with room for its machine as well.
        compute: settings.guest,
        autoBackup: true,
        snapshotRetention: settings.backups.retentionDays,
        ...(restoreFrom !== undefined ? { restoreFrom } : {}),
        deleteOnDestroy: !settings.retainVolumes,
        snapshotBeforeDelete: settings.snapshotBeforeDelete,
        ...shared.owner,
      },
      { parent: shared.parent, dependsOn: firstVolume },
    );
  }
  for (const region of settings.regions) {
    const volume = volumes[region];
    const specFor = (volumeId: string, volumeRegion: string, openclawConfigText = "") =>
      buildGatewayMachineSpec({
        app: settings.appName,
        region,
        image: shared.image,
        guest: settings.guest,
        volumeId,
        volumeRegion,
        openclawConfigText,
        mode: settings.mode,
        flycast: settings.flycast,
        extraEnv: settings.extraEnv,
        healthCheck: settings.healthCheck,
      });
    // Only the mount needs the volume's id, and the config file the app's addresses; every
    // other field is known now, so a preview shows each as a value (`guest.memoryMb: 1024 =>
    // 2048`) even before the volume and addresses exist. The values given here are replaced by
    // the real mount and file below.
    const { mounts: _mounts, files: _files, ...spec } = specFor("", region);
    // The volume's id, not its `volumeId` output (the same value): a preview of an update to the
    // volume leaves every output that is not an input unknown, which would make the mount, and
    // so the machine, look replaced; the id is known through updates.
    const mounts = pulumi
      .all([volume.id, volume.region])
      .apply(([volumeId, volumeRegion]) => specFor(volumeId, volumeRegion).mounts ?? []);
    const files = shared.openclawConfigText.apply((text) => specFor("", region, text).files);
    const predecessor = predecessors[region];
    const dependsOn = [
      ...(predecessor !== undefined ? [gateways[predecessor].machine] : []),
      ...(shared.build !== undefined ? [shared.build] : []),
    ];
    const machine = new FlyMachine(
      `${name}-${region}-machine`,
      {
        app: shared.appName,
        name: machineName(region),
        region,
        ...spec,
        mounts,
        files,
        minSecretsVersion: shared.secretsVersion,
        healthTimeoutSeconds: settings.healthTimeoutSeconds,
        // A grown volume is seen by its machine only after a boot: the size is part of what the
        // machine runs with, so growing it updates (restarts) the machine in rollout order.
        volumeSizeGb: settings.volumeSizeGb,
        ...shared.owner,
        // Every update to a new image or command snapshots the volume first and can restore it.
        snapshotBeforeUpdate: true,
        rehearseUpgrades: settings.upgradeRehearsal,
      },
      { parent: shared.parent, dependsOn },
    );
    gateways[region] = { volume, machine };
  }
  return gateways;
}
