/**
 * Platform information: `/v1/platform/regions`.
 */
import { regionSchemas } from "./resource-schemas";
import type { Region } from "./resource-schemas";
import type { CallOptions, ClientContext } from "./call-options";

/** The platform operations of the client. */
export interface PlatformOperations {
  /** Fly's regions and the one nearest to the caller. */
  regions(options?: CallOptions): Promise<{ regions: Region[]; nearest?: string }>;
}

/** Builds the platform operations over the client's transport. */
export function platformOperations(ctx: ClientContext): PlatformOperations {
  return {
    async regions(options = {}) {
      const body = await ctx.send({
        method: "GET",
        path: "/v1/platform/regions",
        schema: regionSchemas().regions,
        action: "regions",
        scope: "*",
        idempotent: true,
        signal: options.signal,
      });
      return { regions: body.regions, nearest: body.nearest ?? undefined };
    },
  };
}
