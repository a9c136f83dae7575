/**
 * Shared pieces of the client tests: a client wired for fast, deterministic tests and sample
 * Machines API bodies.
 */
import type { Dispatcher } from "undici";
import { createFlyClient } from "../../providers/fly-client/fly-client";
import type { FlyClient, FlyClientOptions } from "../../providers/fly-client/fly-client";

/** A macaroon-shaped token, so redaction is tested against the `FlyV1` scheme too. */
export const TEST_TOKEN = "fm2_lJPECAAAAAAAAMk9xBB6s3cr3t-t0k3n";

/** Retry options with millisecond delays and a fixed jitter of one half. */
export const FAST_RETRY = {
  baseDelayMs: 2,
  maxDelayMs: 10,
  adoptLookupDelayMs: 5,
  random: () => 0.5,
};

/** A client for `baseUrl` with fast retries and no pacing, unless `overrides` say otherwise. */
export function testClient(
  baseUrl: string,
  dispatcher: Dispatcher,
  overrides: Partial<FlyClientOptions> = {},
): FlyClient {
  return createFlyClient({
    baseUrl,
    token: TEST_TOKEN,
    dispatcher,
    pacing: false,
    retry: FAST_RETRY,
    requestTimeoutMs: 2_000,
    ...overrides,
  });
}

/** A machine body as the Machines API returns it. */
export function machineBody(fields: {
  id: string;
  state?: string;
  version?: string;
  metadata?: Record<string, string>;
  checks?: { name: string; status: string; output?: string }[];
  events?: { type: string; status: string; timestamp: number; request?: unknown }[];
}): Record<string, unknown> {
  return {
    id: fields.id,
    name: `name-${fields.id}`,
    state: fields.state ?? "started",
    region: "iad",
    instance_id: fields.version ?? "01HZZZZZZZZZZZZZZZZZZZZZZZ",
    private_ip: "fdaa:0:1:a7b:1::2",
    config: { image: "ghcr.io/openclaw/openclaw:1.0.0", metadata: fields.metadata ?? {} },
    events: fields.events ?? [],
    checks: fields.checks,
    created_at: "2026-11-21T10:00:00Z",
    updated_at: "2026-11-21T10:00:00Z",
  };
}
