/**
 * What `up`, `preview` and `refresh` read of Fly to see drift, counted exactly in the emulator's
 * request log: the real program through the offline engine, Pulumi's runtime and provider host.
 * The diffs of one app share one list of its machines and one of its volumes, and a refresh's
 * Diff takes what its Read read (providers/provider-kit/live-reads.ts), so a no-op costs three
 * reads at any number of regions and a refresh one read per resource; drift still shows, a list
 * that lags is checked with each resource's own GET, and a list is not used past a write.
 */
import { describe, expect, it } from "vitest";
import type { OperationResult } from "../../engine/engine-types";
import { useStack, type StackChain } from "./support/chain";
import {
  describeRequests,
  logMark,
  machineIn,
  requestsSince,
  volumeIdsByRegion,
} from "./support/world";
import { changes } from "./scenarios/local-modes";
import { PROD } from "./scenarios/prod-rollout";

const APP = PROD.app;
const CHAIN = { timeout: 150_000 } as const;

/** The reads every diff of the stack shares: the app's secrets, volumes and machines. */
const SHARED_LISTS = [
  `GET /v1/apps/${APP}/machines 200`,
  `GET /v1/apps/${APP}/secrets 200`,
  `GET /v1/apps/${APP}/volumes 200`,
];

/** Runs `operation` and returns its result and the requests it made, sorted. */
async function counted(chain: StackChain, operation: "up" | "preview" | "refresh") {
  const { stack } = chain;
  const mark = logMark(stack.emulator);
  const result: OperationResult = await stack[operation]();
  expect(result.error).toBeUndefined();
  return { result, requests: describeRequests(requestsSince(stack.emulator, mark)).sort() };
}

/** What a refresh reads: the app, its secrets, and each volume and machine once. */
function refreshReads(chain: StackChain, regions: readonly string[]): string[] {
  const volumes = volumeIdsByRegion(chain.stack.emulator, APP);
  return [
    `GET /v1/apps/${APP} 200`,
    `GET /v1/apps/${APP}/secrets 200`,
    ...regions.map((region) => `GET /v1/apps/${APP}/volumes/${volumes[region]} 200`),
    ...regions.map(
      (region) =>
        `GET /v1/apps/${APP}/machines/${machineIn(chain.stack.emulator, APP, region).id} 200`,
    ),
  ].sort();
}

function noOpScenarios(chain: StackChain, regions: readonly string[]): void {
  const label = `${regions.length} region${regions.length === 1 ? "" : "s"}`;

  it(`a no-op up at ${label} reads the app's three lists and nothing else`, async () => {
    const { result, requests } = await counted(chain, "up");
    expect(changes(result.steps)).toEqual([]);
    expect(requests).toEqual(SHARED_LISTS);
  });

  it(`a preview at ${label} reads the same three lists`, async () => {
    const { result, requests } = await counted(chain, "preview");
    expect(changes(result.steps)).toEqual([]);
    expect(requests).toEqual(SHARED_LISTS);
  });

  it(`a refresh at ${label} reads each resource once: its Diff takes what its Read read`, async () => {
    const { result, requests } = await counted(chain, "refresh");
    expect(changes(result.steps)).toEqual([]);
    expect(requests).toEqual(refreshReads(chain, regions));
  });
}

describe("prod: the reads that see drift, shared by the diffs of one app", CHAIN, () => {
  const chain = useStack({ stack: "prod", token: "environment" });

  it("a fresh up at one region", async () => {
    chain.stack.config.regions = JSON.stringify(["iad"]);
    const { result } = await counted(chain, "up");
    expect(result.summary).toEqual({ create: 7, update: 0, replace: 0, delete: 0, same: 0 });
  });

  noOpScenarios(chain, ["iad"]);

  it("grown to three regions", async () => {
    chain.stack.config.regions = JSON.stringify(["iad", "ams", "cdg"]);
    const { result } = await counted(chain, "up");
    expect(result.summary).toEqual({ create: 4, update: 0, replace: 0, delete: 0, same: 7 });
  });

  noOpScenarios(chain, ["iad", "ams", "cdg"]);

  it("a stopped machine and a changed config still show, each confirmed by its own GET", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const current = await stack.api("GET", `/v1/apps/${APP}/machines/${iad.id}`);
    const config = { ...current.body.config, env: { ...current.body.config.env, EDITED: "1" } };
    expect((await stack.api("POST", `/v1/apps/${APP}/machines/${iad.id}`, { config })).status).toBe(
      200,
    );
    expect((await stack.api("POST", `/v1/apps/${APP}/machines/${ams.id}/stop`)).status).toBe(200);
    const preview = await counted(chain, "preview");
    expect(changes(preview.result.steps)).toEqual([
      "update gateway-ams-machine []",
      "update gateway-iad-machine []",
    ]);
    expect(preview.requests).toEqual(
      [
        ...SHARED_LISTS,
        `GET /v1/apps/${APP}/machines/${ams.id} 200`,
        `GET /v1/apps/${APP}/machines/${iad.id} 200`,
      ].sort(),
    );
    const up = await counted(chain, "up");
    expect(changes(up.result.steps)).toEqual(changes(preview.result.steps));
    expect([iad.state, ams.state, iad.config.env]).toEqual([
      "started",
      "started",
      expect.not.objectContaining({ EDITED: "1" }),
    ]);
    expect((await counted(chain, "up")).requests).toEqual(SHARED_LISTS);
  });

  it("a volume deleted on Fly shows through the list's soft-deleted record, confirmed by its GET", async () => {
    const { stack } = chain;
    const cdg = machineIn(stack.emulator, APP, "cdg");
    const volume = volumeIdsByRegion(stack.emulator, APP).cdg!;
    await stack.api("DELETE", `/v1/apps/${APP}/machines/${cdg.id}?force=true`);
    await stack.api("GET", `/v1/apps/${APP}/machines/${cdg.id}/wait?state=destroyed&timeout=5`);
    expect((await stack.api("DELETE", `/v1/apps/${APP}/volumes/${volume}`)).status).toBe(200);
    const preview = await counted(chain, "preview");
    expect(changes(preview.result.steps)).toEqual([
      "create-replacement gateway-cdg-machine [mounts]",
      "create-replacement gateway-cdg-volume []",
      "delete-replaced gateway-cdg-machine [mounts]",
      "delete-replaced gateway-cdg-volume []",
      "replace gateway-cdg-machine [mounts]",
      "replace gateway-cdg-volume []",
    ]);
    // The machine's mount names a volume the preview cannot know yet, so it is not read at all.
    expect(preview.requests).toEqual(
      [...SHARED_LISTS, `GET /v1/apps/${APP}/volumes/${volume} 200`].sort(),
    );
    const up = await counted(chain, "up");
    expect(changes(up.result.steps)).toEqual(changes(preview.result.steps));
    expect(volumeIdsByRegion(stack.emulator, APP).cdg).not.toBe(volume);
    expect(machineIn(stack.emulator, APP, "cdg").state).toBe("started");
  });

  it("a list lagging every create is checked with each resource's own GET: nothing is taken for gone", async () => {
    const { stack } = chain;
    await stack.api("POST", "/__emulator/faults", { kind: "list_lag", lag_ms: 3_600_000 });
    const preview = await counted(chain, "preview");
    await stack.api("DELETE", "/__emulator/faults");
    expect(changes(preview.result.steps)).toEqual([]);
    const ownReads = refreshReads(chain, ["iad", "ams", "cdg"]).filter((line) =>
      /\/(machines|volumes)\//.test(line),
    );
    expect(preview.requests).toEqual([...SHARED_LISTS, ...ownReads].sort());
  });

  it("a rollout's diffs read the three lists once: writes to one machine leave the others' records standing", async () => {
    const { stack } = chain;
    stack.config.vmSize = "shared-cpu-4x";
    stack.config.memoryMb = "4096";
    const { result, requests } = await counted(chain, "up");
    expect(result.summary).toEqual({ create: 0, update: 3, replace: 0, delete: 0, same: 8 });
    expect(
      requests.filter((line) => /^GET .*\/(machines|volumes|secrets) 200$/.test(line)),
    ).toEqual(SHARED_LISTS);
  });

  it("after a write to the app, a list read before it serves no later diff", async () => {
    const { stack } = chain;
    const iadVolume = volumeIdsByRegion(stack.emulator, APP).iad!;
    stack.config.volumeSizeGb = "4";
    const mark = logMark(stack.emulator);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 6, replace: 0, delete: 0, same: 5 });
    // The canary's volume is diffed and grown first; the other volumes depend on it, so their
    // diffs come after the extension, which changed the app: they list its volumes again.
    const log = describeRequests(requestsSince(stack.emulator, mark));
    const lists = log.flatMap((line, i) => (line === `GET /v1/apps/${APP}/volumes 200` ? [i] : []));
    const grown = log.indexOf(`PUT /v1/apps/${APP}/volumes/${iadVolume}/extend 200`);
    expect(lists[0]).toBeLessThan(grown);
    expect(lists.filter((i) => i > grown).length).toBeGreaterThanOrEqual(1);
  });
});
