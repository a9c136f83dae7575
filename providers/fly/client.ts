/**
 * The whole Fly Machines API client: one object grouped by resource, for tools and tests.
 *
 * Providers use the per-resource factories instead (`createAppsClient`, `createMachinesClient`,
 * ...): this function reaches every resource module, and Pulumi would serialize all of them
 * into the state of any provider that called it.
 */
import { appOperations } from "./apps";
import type { AppOperations } from "./apps";
import { certificateOperations } from "./certificates";
import type { CertificateOperations } from "./certificates";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";
import { ipOperations } from "./ip-assignments";
import type { IpOperations } from "./ip-assignments";
import { leaseOperations } from "./leases";
import type { LeaseOperations } from "./leases";
import { metadataOperations } from "./machine-metadata";
import type { MetadataOperations } from "./machine-metadata";
import { machineOperations } from "./machines";
import type { MachineOperations } from "./machines";
import { platformOperations } from "./platform";
import type { PlatformOperations } from "./platform";
import { secretOperations } from "./secrets";
import type { SecretOperations } from "./secrets";
import { volumeOperations } from "./volumes";
import type { VolumeOperations } from "./volumes";
import { waitOperations } from "./waits";
import type { WaitOperations } from "./waits";

/** The client, grouped by resource. */
export interface FlyClient {
  apps: AppOperations;
  machines: MachineOperations &
    WaitOperations & {
      metadata: MetadataOperations;
      lease: Omit<LeaseOperations, "withLease">;
      withLease: LeaseOperations["withLease"];
    };
  volumes: VolumeOperations;
  secrets: SecretOperations;
  ips: IpOperations;
  certificates: CertificateOperations;
  platform: PlatformOperations;
}

/**
 * Creates the whole client. Cheap: it opens no connection; the process-wide connection pool is
 * created by the first request that needs it.
 *
 * @throws Error when the token is empty or the base URL is not an http(s) URL.
 */
export function createFlyClient(options: FlyClientOptions): FlyClient {
  const ctx = createClientContext(options);
  const machines = machineOperations(ctx);
  const { withLease, ...lease } = leaseOperations(ctx);
  return {
    apps: appOperations(ctx),
    machines: {
      ...machines,
      ...waitOperations(ctx, machines.get),
      metadata: metadataOperations(ctx),
      lease,
      withLease,
    },
    volumes: volumeOperations(ctx),
    secrets: secretOperations(ctx),
    ips: ipOperations(ctx),
    certificates: certificateOperations(ctx),
    platform: platformOperations(ctx),
  };
}
