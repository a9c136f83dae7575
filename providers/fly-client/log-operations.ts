/**
 * A machine's recent console lines, from Fly's logs API: `GET /api/v1/apps/{app}/logs`, the
 * HTTP endpoint `fly logs` polls. It is not part of the Machines API: Fly serves it on
 * api.fly.io (beside api.machines.dev), undocumented but what flyctl depends on. The providers
 * read it only to explain a machine that did not become healthy, so a failure here is never an
 * error of its own: the caller gets no lines and says so.
 */
import { z } from "zod";
import type { CallOptions } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";
import { normalizeBaseUrl } from "./credentials";

/** One console line of a machine. */
export interface LogLine {
  text: string;
  /** `app` for the machine's own output, `runner` for Fly's init ("Preparing to run: ..."). */
  provider: string;
}

/** The log operations of the client. */
export interface LogOperations {
  /**
   * The last lines a machine printed (oldest first; Fly's page, at most 100), or `undefined`
   * when the logs API could not be read.
   */
  recentLines(
    app: string,
    machineId: string,
    options?: CallOptions & { region?: string },
  ): Promise<LogLine[] | undefined>;
}

/** Hosts of the Machines API whose logs API is Fly's public one. */
const FLY_MACHINES_HOSTS = ["api.machines.dev", "_api.internal"];

/**
 * Where the logs API of a Machines API base URL is: Fly's own API for Fly's Machines API hosts,
 * else the same server (the emulator serves both).
 */
export function logsBaseUrl(machinesBaseUrl: string): string {
  const url = new URL(normalizeBaseUrl(machinesBaseUrl));
  return FLY_MACHINES_HOSTS.includes(url.hostname) ? "https://api.fly.io" : url.origin;
}

/** Builds the log operations over a transport of their own (Fly's logs host). */
export function createLogsClient(options: FlyClientOptions): LogOperations {
  const ctx = createClientContext({
    ...options,
    baseUrl: logsBaseUrl(options.baseUrl),
    // A diagnosis must not hold up the error it explains.
    requestTimeoutMs: Math.min(options.requestTimeoutMs ?? 10_000, 10_000),
    retry: { ...options.retry, maxAttempts: 2 },
  });
  return {
    async recentLines(app, machineId, callOptions = {}) {
      const attributes = z.object({
        message: z.string(),
        instance: z.string(),
        meta: z.object({ event: z.object({ provider: z.string() }).nullish() }).nullish(),
      });
      const schema = z.object({ data: z.array(z.object({ attributes })).nullish() });
      try {
        const page = await ctx.send({
          method: "GET",
          path: "/api/v1/apps/{app}/logs",
          params: { app },
          query: { instance: machineId, region: callOptions.region },
          schema,
          action: "app_logs",
          scope: app,
          idempotent: true,
          signal: callOptions.signal,
        });
        return (
          (page.data ?? [])
            // The instance filter "does not always work" on Fly; the lines say whose they are.
            .filter((entry) => entry.attributes.instance === machineId)
            .map(({ attributes }) => ({
              text: attributes.message,
              provider: attributes.meta?.event?.provider ?? "app",
            }))
        );
      } catch {
        return undefined;
      }
    },
  };
}
