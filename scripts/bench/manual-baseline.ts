/**
 * The same fresh deployment done the way the deployment guide does it by hand, as a straight
 * script would: `fly apps create`, `fly secrets set`, then per region `fly volumes create` and a
 * machine that mounts it, each waited for until it is started and its checks pass, one call after
 * another. No engine, no program, no pacing, no adoption: the reference our fresh up is set beside.
 *
 * A straight script retries a 429 after the `Retry-After` Fly sends and otherwise stops at the
 * first error; it polls checks once a second, as `fly checks list` in a loop would.
 */
import { performance } from "node:perf_hooks";
import { DEFAULT_HEALTH_CHECK, DEFAULT_IMAGE, DEFAULT_ORG } from "../../rules/deployment-defaults";

/** Where the script deploys and what. */
export interface ManualBaselineInput {
  /** The emulator's (or Fly's) base URL, without `/v1`. */
  readonly url: string;
  readonly token: string;
  readonly app: string;
  readonly regions: readonly string[];
  /** Pause between reads of a machine's checks. */
  readonly checkPollMs: number;
  /** Upper bound for the whole script. */
  readonly timeoutMs: number;
}

/** How long the script took and what it called. */
export interface ManualBaselineResult {
  readonly wallMs: number;
  readonly calls: number;
}

/** The guide's private deployment: shared-cpu-2x, 2 GB, the state on a 1 GB volume at /data. */
function machineConfig(volumeId: string): Record<string, unknown> {
  return {
    image: DEFAULT_IMAGE,
    guest: { cpu_kind: "shared", cpus: 2, memory_mb: 2048 },
    env: { NODE_ENV: "production", OPENCLAW_STATE_DIR: "/data" },
    mounts: [{ volume: volumeId, path: "/data" }],
    restart: { policy: "always" },
    checks: {
      healthz: {
        type: "http",
        port: 3000,
        method: "GET",
        path: "/healthz",
        interval: DEFAULT_HEALTH_CHECK.interval,
        timeout: DEFAULT_HEALTH_CHECK.timeout,
        grace_period: DEFAULT_HEALTH_CHECK.gracePeriod,
      },
    },
  };
}

/** Runs the guide's steps against `input.url` and times them, from the first call to healthy. */
export async function runManualBaseline(input: ManualBaselineInput): Promise<ManualBaselineResult> {
  const deadline = performance.now() + input.timeoutMs;
  let calls = 0;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    for (;;) {
      if (performance.now() > deadline) throw new Error(`manual baseline: out of time at ${path}`);
      calls++;
      const response = await fetch(`${input.url}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${input.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status === 429) {
        await pause(Number(response.headers.get("retry-after") ?? "1") * 1000);
        continue;
      }
      if (!response.ok) {
        throw new Error(`manual baseline: ${method} ${path} answered ${response.status}: ${text}`);
      }
      return text === "" ? undefined : JSON.parse(text);
    }
  };
  const app = encodeURIComponent(input.app);
  const started = performance.now();
  await call("POST", "/apps", { app_name: input.app, org_slug: DEFAULT_ORG });
  await call("POST", `/apps/${app}/secrets`, {
    values: { ANTHROPIC_API_KEY: "sk-ant-baseline", OPENCLAW_GATEWAY_TOKEN: "baseline-token" },
  });
  for (const region of input.regions) {
    const volume = (await call("POST", `/apps/${app}/volumes`, {
      name: "openclaw_data",
      region,
      size_gb: 1,
    })) as { id: string };
    const machine = (await call("POST", `/apps/${app}/machines`, {
      name: `openclaw-${region}`,
      region,
      config: machineConfig(volume.id),
    })) as { id: string; instance_id: string };
    const path = `/apps/${app}/machines/${encodeURIComponent(machine.id)}`;
    await call("GET", `${path}/wait?state=started&timeout=60&version=${machine.instance_id}`);
    for (;;) {
      const seen = (await call("GET", path)) as { checks?: { status: string }[] };
      const checks = seen.checks ?? [];
      if (checks.length > 0 && checks.every((check) => check.status === "passing")) break;
      await pause(input.checkPollMs);
    }
  }
  return { wallMs: Math.round(performance.now() - started), calls };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
