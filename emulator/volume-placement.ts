import { createHash } from "node:crypto";
import { ApiError } from "./api-errors";
import type { EmulatorState } from "./state";
import { isLive } from "./volume-store";

/**
 * Hardware zones per region. Fly does not publish the number; four is small enough that tests can
 * exhaust a region, which is the failure `require_unique_zone` is documented to cause.
 */
export const ZONES_PER_REGION = 4;

/** A region's zones: short hex ids like Fly's (`"09cd"`), stable for a given region code. */
export function zonesOf(region: string): string[] {
  return Array.from({ length: ZONES_PER_REGION }, (_, i) =>
    createHash("sha256").update(`${region}/${i}`).digest("hex").slice(0, 4),
  );
}

/** What placement needs to know about the volume being created. */
export interface PlacementRequest {
  app: string;
  name: string;
  region: string;
  /** Keep away from zones holding another live volume of the same name (Fly's default: true). */
  requireUniqueZone: boolean;
  /** Widen the uniqueness rule to every volume of the app, whatever its name. */
  uniqueZoneAppWide: boolean;
}

/**
 * Chooses the zone for a new volume. With `require_unique_zone` (the default) no two live volumes
 * of the same name (or of the app, with `unique_zone_app_wide`) share a zone, so that one host
 * failure cannot take out every replica; once the region's zones are used up the create fails.
 * Without it, the least used zone is taken. Ties go to the first zone, keeping placement
 * deterministic for tests.
 */
export function placeVolume(state: EmulatorState, request: PlacementRequest): string {
  const zones = zonesOf(request.region);
  const neighbours = Object.values(state.volumes).filter(
    (v) => v.app === request.app && v.region === request.region && isLive(v),
  );
  if (request.requireUniqueZone) {
    const taken = new Set(
      neighbours
        .filter((v) => request.uniqueZoneAppWide || v.name === request.name)
        .map((v) => v.zone),
    );
    const free = zones.find((zone) => !taken.has(zone));
    if (free === undefined) throw placementExhausted();
    return free;
  }
  const load = (zone: string) => neighbours.filter((v) => v.zone === zone).length;
  return zones.reduce((best, zone) => (load(zone) < load(best) ? zone : best), zones[0]);
}

/**
 * Every zone of the region already holds a volume of that name. The status code and message are
 * the ones flyctl's own tests use for this placement failure (412 `volume_placement_capacity`,
 * `failed_precondition: insufficient resources for volumes`); Fly documents the condition but not
 * the exact reply.
 */
function placementExhausted(): ApiError {
  return new ApiError(
    412,
    "failed_precondition: insufficient resources for volumes",
    "volume_placement_capacity",
  );
}

/**
 * A `no_capacity` world fault on the region. fly-go's fixtures show capacity errors as 503 with
 * `status: "insufficient_capacity"`; the message text is not documented.
 */
export function regionOutOfCapacity(region: string): ApiError {
  return new ApiError(
    503,
    `insufficient resources to create volume in region ${region}`,
    "insufficient_capacity",
  );
}
