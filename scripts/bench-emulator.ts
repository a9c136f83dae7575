/**
 * Measures the emulator's plain GET throughput on loopback: `GET /v1/apps/{app}` over keep-alive
 * connections with a fixed number of requests in flight. The emulator runs in this process with
 * rate limits and added latency off, so the figure is the HTTP stack plus routing, auth, logging
 * and the handler - the cost every test call pays.
 *
 *   npx tsx scripts/bench-emulator.ts [--requests 20000] [--concurrency 32] [--json]
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { startEmulator } from "../emulator/server";

/** What one run measured. */
export interface BenchResult {
  requests: number;
  concurrency: number;
  errors: number;
  seconds: number;
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** The value at quantile `q` of ascending `sorted`, by the nearest-rank method. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Runs the benchmark against a fresh in-process emulator and returns its figures. */
export async function benchEmulator(requests: number, concurrency: number): Promise<BenchResult> {
  const handle = await startEmulator({ rateLimit: false, latencyMs: 0 });
  const pool = new Pool(handle.url, { connections: concurrency, pipelining: 1 });
  const headers = { authorization: `Bearer ${handle.token}`, "content-type": "application/json" };
  try {
    const created = await pool.request({
      method: "POST",
      path: "/v1/apps",
      headers,
      body: JSON.stringify({ name: "bench-app", org_slug: "bench" }),
    });
    await created.body.dump();
    if (created.statusCode !== 201) throw new Error(`app create answered ${created.statusCode}`);

    const latencies = new Float64Array(requests);
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < requests) {
        const i = next++;
        const started = performance.now();
        const res = await pool.request({ method: "GET", path: "/v1/apps/bench-app", headers });
        await res.body.dump();
        latencies[i] = performance.now() - started;
        if (res.statusCode !== 200) errors++;
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - began) / 1000;
    latencies.sort();
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      requests,
      concurrency,
      errors,
      seconds: round(seconds),
      requests_per_second: Math.round(requests / seconds),
      p50_ms: round(quantile(latencies, 0.5)),
      p99_ms: round(quantile(latencies, 0.99)),
    };
  } finally {
    await pool.close();
    await handle.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: "string" },
      concurrency: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const result = await benchEmulator(
    positiveInt("requests", values.requests, 20_000),
    positiveInt("concurrency", values.concurrency, 32),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `GET /v1/apps/{app}: ${result.requests} requests, ${result.concurrency} in flight, ` +
        `${result.errors} errors\n` +
        `${result.requests_per_second} requests/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms ` +
        `(${result.seconds} s)\n`,
    );
  }
  if (result.errors > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
