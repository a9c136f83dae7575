import { expect, it } from "vitest";
import type { Emulator } from "../../../emulator/emulator";
import type { StackChain } from "../support/chain";
import { E2E_TUNING } from "../support/e2e-stack";
import { known, secretOutput } from "../support/expectations";
import { secretSightings, stackTexts } from "../support/secret-scan";
import {
  ipsOf,
  liveMachines,
  liveVolumes,
  logMark,
  machineIdsByRegion,
  requestsSince,
  volumeIdsByRegion,
  whenLogged,
} from "../support/world";

const APP = "my-openclaw-dev";
const IMAGE = "ghcr.io/openclaw/openclaw:2026.9.6";

/**
 * Transport faults for one up. Each request meets at most three failures in a row, within the
 * client's four attempts; the rate limiter, on for that up, adds its own 429s to these.
 */
const FAULTS = [
  { kind: "429", route: "POST /v1/apps/*/volumes", count: 2 },
  { kind: "502", route: "POST /v1/apps/*/machines", count: 1 },
  { kind: "timeout_after_commit", route: "POST /v1/apps/*/machines", count: 1 },
  { kind: "reset", route: "GET /v1/apps/*/machines", count: 1 },
  { kind: "502", route: "GET /v1/apps/*/machines", count: 1 },
  { kind: "429", route: "GET /v1/apps/*/machines/*", count: 2 },
  { kind: "delay", route: "GET /v1/apps/*/machines/*", count: 1, delay_ms: 300 },
  { kind: "503", route: "POST /v1/apps/*/machines/*/lease", count: 1 },
  { kind: "504", route: "POST /v1/apps/*/machines/*", count: 1 },
  { kind: "reset", route: "GET /v1/apps/*/volumes", count: 1 },
  { kind: "delay", route: "GET /v1/apps/*/volumes", count: 1, delay_ms: 300 },
];

/**
 * Holds the rate limiter's time still (its buckets do not refill) and keeps the checks of
 * machines running `image` failing, until the limiter first refuses a request on its own. The
 * providers keep polling their machines' health meanwhile, so that refusal comes from the number
 * of requests alone, never from how fast a busy machine lets them go. Returns the release, which
 * is also called at that refusal.
 */
function holdRateLimitsUntilARefusal(emulator: Emulator, image: string): () => void {
  const { limiter, faults } = emulator;
  const take = limiter.take;
  const heldAtMs = emulator.now();
  limiter.take = (action, scope) => take.call(limiter, action, scope, heldAtMs);
  const failingChecks = faults.add({ kind: "checks_fail", image });
  const release = () => {
    limiter.take = take;
    faults.world = faults.world.filter((fault) => fault !== failingChecks);
    stopWatching();
  };
  const stopWatching = emulator.log.watch((entry) => {
    if (entry.status === 429 && entry.fault === undefined) release();
  });
  return release;
}

/**
 * The dev stack (public, one region): a fresh up, then an up that adds two regions and resizes
 * memory while the emulator enforces Fly's rate limits and answers with injected 429s, 5xx,
 * reset connections, slow responses and a create that succeeds but times out. The token
 * reaches the providers only through FLY_API_TOKEN, and they talk to the emulator directly, so
 * every fault reaches them as it was injected.
 */
export function devResilienceScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;
  /** Every machine and volume record of the app, destroyed ones included. */
  const everyRecord = () => ({
    apps: Object.keys(world().apps),
    machines: Object.values(world().machines)
      .filter((m) => m.app === APP)
      .map((m) => `${m.region} ${m.state}`)
      .sort(),
    volumes: Object.values(world().volumes)
      .filter((v) => v.app === APP)
      .map((v) => v.region)
      .sort(),
  });

  it("a fresh up creates one public region", async () => {
    const { stack } = chain;
    const fresh = await stack.up();
    chain.results.fresh = fresh;
    expect(fresh.error).toBeUndefined();
    expect(fresh.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    expect(fresh.outputs).toEqual({
      appName: known(APP),
      url: known(`https://${APP}.fly.dev`),
      machineIds: known(machineIdsByRegion(stack.emulator, APP)),
      volumeIds: known(volumeIdsByRegion(stack.emulator, APP)),
      secretsVersion: known(1),
      image: known(IMAGE),
      monthlyCost: known({
        currency: "USD",
        priceTableDate: "2026-09",
        perRegion: { compute: 8.19, volume: 0.15, snapshots: 0.4 },
        rehearsalPerUpgrade: 0,
        ipAddresses: 0,
        total: 8.74,
      }),
      gatewayToken: secretOutput(expect.stringMatching(/^[0-9a-f]{64}$/)),
    });
    expect(everyRecord()).toEqual({ apps: [APP], machines: ["iad started"], volumes: ["iad"] });
    expect(ipsOf(stack.emulator, APP).map((ip) => ip.split(" ")[0])).toEqual(["shared_v4", "v6"]);
    expect(stack.emulator.emulator.log.entries.filter((e) => e.status === 401)).toEqual([]);
  });

  it("converges through rate limits, 429 storms, 5xx, resets and slow answers, duplicating nothing", async () => {
    const { stack } = chain;
    const emulator = stack.emulator.emulator;
    for (const fault of FAULTS) emulator.faults.add(fault);
    // Fly's documented limits, and a client polling health every millisecond: more than the
    // 10-request burst a machine's reads are allowed, so the limiter answers 429s of its own.
    emulator.settings.rateLimit = true;
    const releaseRateLimits = holdRateLimitsUntilARefusal(emulator, IMAGE);
    stack.config.providerTuning = JSON.stringify({
      ...E2E_TUNING,
      pollIntervalMs: 1,
      checkPollMs: 1,
    });
    const mark = logMark(stack.emulator);
    stack.config.regions = JSON.stringify(["iad", "ams", "fra"]);
    stack.config.memoryMb = "2048";
    const result = await stack.up();
    releaseRateLimits();
    emulator.settings.rateLimit = false;
    delete stack.config.providerTuning;
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 4, update: 1, replace: 0, delete: 0, same: 8 });

    // Every injected fault was met, and the rate limiter refused requests on its own too.
    expect(emulator.faults.transport).toEqual([]);
    const log = requestsSince(stack.emulator, mark);
    const met = log.filter((e) => e.fault !== undefined).map((e) => `${e.fault} ${e.method}`);
    expect(met.sort()).toEqual(
      FAULTS.flatMap((f) =>
        Array<string>(f.count).fill(`${f.kind} ${f.route.split(" ")[0]}`),
      ).sort(),
    );
    expect(log.filter((e) => e.status === 429 && e.fault === undefined).length).toBeGreaterThan(0);

    // One of everything, no stray record, and every machine on the new size and its own volume.
    expect(everyRecord()).toEqual({
      apps: [APP],
      machines: ["ams started", "fra started", "iad started"],
      volumes: ["ams", "fra", "iad"],
    });
    const volumes = volumeIdsByRegion(stack.emulator, APP);
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect(machine.config.guest).toEqual({ cpu_kind: "shared", cpus: 1, memory_mb: 2048 });
      expect(machine.config.mounts).toEqual([{ volume: volumes[machine.region], path: "/data" }]);
    }
    expect(liveVolumes(stack.emulator, APP).map((v) => v.attached_machine_id)).toEqual(
      liveMachines(stack.emulator, APP).map((m) => m.id),
    );
    expect(result.outputs.machineIds).toEqual(known(machineIdsByRegion(stack.emulator, APP)));
    expect(result.outputs.volumeIds).toEqual(known(volumes));
    expect(ipsOf(stack.emulator, APP)).toHaveLength(2);
  });

  it("health polls that meet a burst of 429s, 5xx and resets keep waiting: nothing is rolled back", async () => {
    const { stack } = chain;
    const emulator = stack.emulator.emulator;
    // The canary's first /wait call meets four failures in a row (all its attempts) and the next
    // call two more; its first checks poll meets four, the next a plain 500. Each used to end the
    // health wait, and the update was rolled back as unhealthy.
    const burst = [
      { kind: "503", route: "GET /v1/apps/*/machines/*/wait", count: 1 },
      { kind: "reset", route: "GET /v1/apps/*/machines/*/wait", count: 1 },
      { kind: "502", route: "GET /v1/apps/*/machines/*/wait", count: 1 },
      { kind: "504", route: "GET /v1/apps/*/machines/*/wait", count: 1 },
      { kind: "429", route: "GET /v1/apps/*/machines/*/wait", count: 1 },
      { kind: "503", route: "GET /v1/apps/*/machines/*/wait", count: 1 },
      { kind: "503", route: "GET /v1/apps/*/machines/*", count: 1 },
      { kind: "429", route: "GET /v1/apps/*/machines/*", count: 1 },
      { kind: "reset", route: "GET /v1/apps/*/machines/*", count: 1 },
      { kind: "502", route: "GET /v1/apps/*/machines/*", count: 1 },
      { kind: "500", route: "GET /v1/apps/*/machines/*", count: 1 },
    ];
    // Installed once the canary's update is sent: the diffs before it read each machine live,
    // and those reads are not health polls.
    const stopWatching = whenLogged(
      stack.emulator,
      (e) => e.method === "POST" && /\/machines\/[^/]+$/.test(e.path) && e.status === 200,
      () => {
        for (const fault of burst) emulator.faults.add(fault);
      },
    );
    const mark = logMark(stack.emulator);
    stack.config.memoryMb = "1536";
    const result = await stack.up();
    stopWatching();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 3, replace: 0, delete: 0, same: 10 });
    expect(emulator.faults.transport).toEqual([]);
    const met = requestsSince(stack.emulator, mark).filter((e) => e.fault !== undefined);
    expect(met).toHaveLength(burst.length);
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect([machine.region, machine.state, machine.config.guest]).toEqual([
        machine.region,
        "started",
        { cpu_kind: "shared", cpus: 1, memory_mb: 1536 },
      ]);
    }
    const messages = result.logs.map((entry) => entry.message);
    expect(messages.filter((m) => m.includes("the Fly API did not answer"))).toHaveLength(2);
    expect(messages.filter((m) => m.includes("rolling back"))).toEqual([]);
  });

  it("no secret value appears in the state, any log line, or the emulator's world", async () => {
    const { stack } = chain;
    const secrets = {
      gatewayToken: chain.results.fresh.outputs.gatewayToken.value as string,
      flyApiToken: stack.token,
    };
    expect(secretSightings(await stackTexts(stack), secrets)).toEqual([]);
  });
}
