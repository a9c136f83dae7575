import type { Router } from "../router";
import { registerAppRoutes } from "./apps";
import { registerCertificateRoutes } from "./certificates";
import { registerIpRoutes } from "./ips";
import { registerMachineRoutes } from "./machines";
import { registerPlatformRoutes } from "./platform";
import { registerSecretRoutes } from "./secrets";
import { registerVolumeSnapshotRoutes } from "./volume-snapshots";
import { registerVolumeRoutes } from "./volumes";

/** Registers every Machines API route the emulator serves. */
export function registerApiRoutes(router: Router): void {
  registerAppRoutes(router);
  registerMachineRoutes(router);
  registerVolumeRoutes(router);
  registerVolumeSnapshotRoutes(router);
  registerSecretRoutes(router);
  registerIpRoutes(router);
  registerCertificateRoutes(router);
  registerPlatformRoutes(router);
}
