/**
 * Measures the Machines API client's throughput against the in-process emulator over loopback,
 * next to bare `undici.request` calls to the same URL, so the client's own cost (validation,
 * error mapping, bookkeeping) is visible.
 *
 *   npx tsx scripts/bench-client.ts [--requests 5000] [--concurrency 16] [--rounds 3] [--json]
 *
 * The two paths run in alternating rounds and each reports its median round, because the
 * emulator shares the process and the machine with the client and one round is noisy.
 *
 * Rate limits are off on both sides: the emulator answers every request and the client does not
 * pace itself, so the numbers are the client's, not Fly's limits.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import { startEmulator } from "../emulator/server";
import { createFlyClient } from "../providers/fly-client/fly-client";
import { processState } from "../providers/fly-client/process-state";
import { DEFAULT_ORG } from "../rules/deployment-defaults";

/** One path's figures for one round. */
export interface BenchResult {
  name: string;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Process CPU time per request (client and emulator together: they share the process). */
  cpuMicrosPerRequest: number;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

/** Runs `call` `total` times with `concurrency` calls in flight, timing each one. */
async function measure(
  name: string,
  total: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<BenchResult> {
  const latencies: number[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started += 1;
      const begin = performance.now();
      await call();
      latencies.push(performance.now() - begin);
    }
  };
  const begin = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    name,
    requests: total,
    seconds: round(seconds, 3),
    requestsPerSecond: Math.round(total / seconds),
    p50Ms: round(percentile(0.5), 2),
    p99Ms: round(percentile(0.99), 2),
    cpuMicrosPerRequest: round((cpu.user + cpu.system) / total, 1),
  };
}

/** The round with the median throughput. */
function median(results: BenchResult[]): BenchResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

/** What {@link benchClient} measures: both paths' median rounds and the client's cost. */
export interface ClientBenchResult {
  node: string;
  concurrency: number;
  rounds: number;
  /** The raw undici path, then the client path. */
  results: BenchResult[];
  /** Fraction of raw undici's requests/s the client does not reach. */
  overhead: number;
  /** Extra process CPU per request on the client path, in microseconds. */
  cpuCostMicros: number;
}

/**
 * Measures `GET machine` through the client and through bare undici against an in-process
 * emulator (rate limits off on both sides), in alternating rounds, and returns the median rounds.
 */
export async function benchClient(options: {
  requests: number;
  concurrency: number;
  rounds: number;
}): Promise<ClientBenchResult> {
  const { requests: total, concurrency, rounds } = options;
  const emulator = await startEmulator({
    port: 0,
    token: "bench-token",
    rateLimit: false,
    bootMs: 0,
    checksMs: 0,
  });
  const rawAgent = new Agent();
  try {
    const client = createFlyClient({ baseUrl: emulator.url, token: emulator.token, pacing: false });
    await client.apps.create({ name: "bench", org_slug: DEFAULT_ORG });
    const machine = await client.machines.create(
      "bench",
      { config: { image: "ghcr.io/openclaw/openclaw:bench" }, region: "iad" },
      { createTag: { key: "openclaw_fly_create_id", value: randomUUID() } },
    );
    const url = `${emulator.url}/v1/apps/bench/machines/${machine.id}`;
    const headers = { authorization: `Bearer ${emulator.token}`, accept: "application/json" };
    const raw = async (): Promise<unknown> => {
      const response = await request(url, { headers, dispatcher: rawAgent });
      return response.body.json();
    };
    const viaClient = (): Promise<unknown> => client.machines.get("bench", machine.id);

    // Warm both paths up (JIT, sockets, schemas) before anything is timed.
    await measure("warm-up", 500, concurrency, raw);
    await measure("warm-up", 500, concurrency, viaClient);
    const rawRounds: BenchResult[] = [];
    const clientRounds: BenchResult[] = [];
    for (let round = 0; round < rounds; round++) {
      rawRounds.push(await measure("undici.request (raw)", total, concurrency, raw));
      clientRounds.push(await measure("client.machines.get", total, concurrency, viaClient));
    }
    const results = [median(rawRounds), median(clientRounds)];
    return {
      node: process.version,
      concurrency,
      rounds,
      results,
      overhead: round(1 - results[1].requestsPerSecond / results[0].requestsPerSecond, 3),
      cpuCostMicros: round(results[1].cpuMicrosPerRequest - results[0].cpuMicrosPerRequest, 1),
    };
  } finally {
    await rawAgent.close();
    // The client's process-wide pool would keep idle sockets open for seconds.
    await processState().dispatcher?.close();
    processState().dispatcher = undefined;
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const total = argument("requests", 5_000);
  const concurrency = argument("concurrency", 16);
  const rounds = argument("rounds", 3);
  const asJson = process.argv.includes("--json");
  const bench = await benchClient({ requests: total, concurrency, rounds });
  const { results, overhead, cpuCostMicros } = bench;
  if (asJson) {
    process.stdout.write(`${JSON.stringify(bench, null, 2)}\n`);
    return;
  }
  console.log(
    `GET machine over loopback: ${total} requests x ${rounds} rounds (median shown), ` +
      `concurrency ${concurrency}, ${process.version}`,
  );
  console.log("");
  console.log("| path                 | req/s  | p50 ms | p99 ms | seconds | CPU µs/req |");
  console.log("| -------------------- | ------ | ------ | ------ | ------- | ---------- |");
  for (const r of results) {
    console.log(
      `| ${r.name.padEnd(20)} | ${String(r.requestsPerSecond).padStart(6)} | ` +
        `${r.p50Ms.toFixed(2).padStart(6)} | ${r.p99Ms.toFixed(2).padStart(6)} | ` +
        `${r.seconds.toFixed(3).padStart(7)} | ${r.cpuMicrosPerRequest.toFixed(1).padStart(10)} |`,
    );
  }
  console.log("");
  console.log(
    `client cost: ${(overhead * 100).toFixed(1)}% fewer requests/s and ` +
      `${cpuCostMicros} µs more CPU per request than raw undici ` +
      "(CPU includes the in-process emulator on both paths)",
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
