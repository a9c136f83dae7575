import type { Router } from "../router";
import { registerAppRoutes } from "./app-routes";
import { registerCertificateRoutes } from "./certificate-routes";
import { registerIpRoutes } from "./ip-address-routes";
import { registerMachineRoutes } from "./machine-routes";
import { registerPlatformRoutes } from "./platform-routes";
import { registerSecretRoutes } from "./secret-routes";
import { registerVolumeSnapshotRoutes } from "./volume-snapshot-routes";
import { registerVolumeRoutes } from "./volume-routes";

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
