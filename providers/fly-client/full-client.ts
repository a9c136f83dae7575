/**
 * The whole Fly Machines API client: one object grouped by resource, for tools and tests.
 * Providers build only the resource groups they call, with the per-resource factories
 * (`createAppsClient`, `createMachinesClient`, ...).
 */
import { appOperations } from "./app-operations";
import type { AppOperations } from "./app-operations";
import { certificateOperations } from "./certificate-operations";
import type { CertificateOperations } from "./certificate-operations";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";
import { ipAddressOperations } from "./ip-address-operations";
import type { IpAddressOperations } from "./ip-address-operations";
import { leaseOperations } from "./lease-operations";
import type { LeaseOperations } from "./lease-operations";
import { createLogsClient } from "./log-operations";
import type { LogOperations } from "./log-operations";
import { metadataOperations } from "./machine-metadata";
import type { MetadataOperations } from "./machine-metadata";
import { machineOperations } from "./machine-operations";
import type { MachineOperations } from "./machine-operations";
import { platformOperations } from "./platform-operations";
import type { PlatformOperations } from "./platform-operations";
import { secretOperations } from "./secret-operations";
import type { SecretOperations } from "./secret-operations";
import { volumeOperations } from "./volume-operations";
import type { VolumeOperations } from "./volume-operations";
import { waitOperations } from "./wait-operations";
import type { WaitOperations } from "./wait-operations";

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
  ipAddresses: IpAddressOperations;
  certificates: CertificateOperations;
  platform: PlatformOperations;
  /** Machines' console lines (Fly's logs API, beside the Machines API). */
  logs: LogOperations;
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
    ipAddresses: ipAddressOperations(ctx),
    certificates: certificateOperations(ctx),
    platform: platformOperations(ctx),
    logs: createLogsClient(options),
  };
}
