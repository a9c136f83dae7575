/**
 * What to say when Fly has no room in a region: which alternatives exist, in the words of the
 * settings that choose them. Fly reports two kinds of shortage: no zone of the region can take
 * another volume of this name (`volume_placement_capacity`, because of `require_unique_zone`),
 * and no host of the region has room at all (`insufficient_capacity`).
 */
import { hasKind } from "../fly-client/fly-api-error";
import { NEARBY_REGIONS } from "../../rules/fly-regions";
import { describeError } from "../provider-kit/fly-provider";

/** Whether Fly refused for lack of room in the region. */
export function isCapacityShortage(error: unknown): boolean {
  return hasKind(error, "fly.volume_placement_capacity", "fly.insufficient_capacity");
}

/**
 * The error for a region without room: what Fly said, the alternatives, and what was left
 * behind (`leftBehind`, e.g. "nothing was created in iad"). `onVolumeHost` marks a machine that
 * mounts a volume: Fly places it on that volume's host, so only a smaller machine, time or
 * another region can help.
 */
export function capacityError(
  what: string,
  region: string,
  error: unknown,
  leftBehind: string,
  options: { onVolumeHost?: boolean } = {},
): Error {
  const nearby = NEARBY_REGIONS[region] ?? [];
  const zoneAdvice = hasKind(error, "fly.volume_placement_capacity")
    ? `every zone of ${region} already holds a volume of this name (Fly keeps same-name volumes ` +
      `on separate hosts); remove a stale volume of that name in ${region}, or try again later; `
    : options.onVolumeHost
      ? `the host of its volume in ${region} has no room for it right now (Fly runs a machine ` +
        `where its volume is); try again later, give it less memory (\`memoryMb\`, \`vmSize\`), or `
      : `Fly has no room in ${region} right now; try again later, or `;
  const regionAdvice =
    nearby.length > 0
      ? `serve this region from a nearby one instead (${nearby.join(" or ")}), seeded with ` +
        `its data by \`restore: { "${nearby[0]}": { "fromRegion": "<a region you keep>" } }\``
      : "serve it from another region, seeded by `restore`";
  return new Error(
    `${what} in region ${region}: no capacity (${describeError(error)}). Alternatives: ` +
      `${zoneAdvice}${regionAdvice}. ${leftBehind}`,
    { cause: error },
  );
}
