import { NEAREST_REGION, REGIONS } from "../regions";
import type { Router } from "../router";

/** Platform information: the region list. */
export function registerPlatformRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/platform/regions",
    () => ({ status: 200, body: { regions: REGIONS, nearest: NEAREST_REGION } }),
    { action: "platform_regions" },
  );
}
