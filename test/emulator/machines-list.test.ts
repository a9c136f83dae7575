import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MANUAL_CLOCK, startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  advanceClock,
  createApp,
  machineIdOf,
  machinePath,
  waitState,
} from "./machine-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

describe("machine list", () => {
  async function threeMachines(): Promise<string[]> {
    await createApp(fx, "gw");
    return [
      await machineIdOf(fx, "gw", {
        config: { image: IMAGE, metadata: { role: "gw", tier: "a" } },
      }),
      await machineIdOf(fx, "gw", {
        region: "ams",
        config: { image: IMAGE, metadata: { role: "gw", tier: "b" } },
      }),
      await machineIdOf(fx, "gw", { config: { image: IMAGE, metadata: { role: "db" } } }),
    ];
  }

  const ids = async (query: string) =>
    (await fx.api("GET", `/v1/apps/gw/machines${query}`)).body.map((m: { id: string }) => m.id);

  it("lists the app's machines in creation order, filtered by region and metadata (ANDed)", async () => {
    const [a, b, c] = await threeMachines();
    expect(await ids("")).toEqual([a, b, c]);
    expect(await ids("?region=ams")).toEqual([b]);
    expect(await ids("?metadata.role=gw")).toEqual([a, b]);
    expect(await ids("?metadata.role=gw&metadata.tier=b")).toEqual([b]);
    expect(await ids("?metadata.role=gw&metadata.tier=c")).toEqual([]);
  });

  it("filters by state, and hides destroyed machines unless include_deleted", async () => {
    const [a, b, c] = await threeMachines();
    await fx.api("DELETE", machinePath("gw", b, "?force=true"));
    await waitState(fx, "gw", b, "destroyed");
    await waitState(fx, "gw", a, "started");
    await waitState(fx, "gw", c, "started");
    expect(await ids("")).toEqual([a, c]);
    expect(await ids("?include_deleted=true")).toEqual([a, b, c]);
    expect(await ids("?include_deleted=true&state=destroyed")).toEqual([b]);
    expect(await ids("?state=started,stopped")).toEqual([a, c]);
  });

  it("leaves config, events and checks out of a summary", async () => {
    await threeMachines();
    const [first] = (await fx.api("GET", "/v1/apps/gw/machines?summary=true")).body;
    expect(Object.keys(first).sort()).toEqual([
      "cordoned",
      "created_at",
      "id",
      "image_ref",
      "instance_id",
      "name",
      "private_ip",
      "region",
      "state",
      "updated_at",
    ]);
  });

  it("leaves out of its lists what was created within a list_lag fault's lag, as Fly's lag writes", async () => {
    const clocked = await startFixture(MANUAL_CLOCK);
    try {
      await createApp(clocked, "gw");
      const early = await machineIdOf(clocked, "gw");
      await advanceClock(clocked, 5_000);
      const fault = await clocked.control("POST", "/faults", { kind: "list_lag", lag_ms: 2_000 });
      expect(fault.status).toBe(201);
      const late = await machineIdOf(clocked, "gw");
      const volume = await clocked.api("POST", "/v1/apps/gw/volumes", {
        name: "data",
        region: "iad",
      });
      const listed = async (path: string) =>
        (await clocked.api("GET", path)).body.map((r: { id: string }) => r.id);
      expect(await listed("/v1/apps/gw/machines")).toEqual([early]);
      expect(await listed("/v1/apps/gw/volumes")).toEqual([]);
      // The machine's own GET sees it at once; the lists catch up once the lag has passed.
      expect((await clocked.api("GET", machinePath("gw", late))).status).toBe(200);
      await advanceClock(clocked, 2_000);
      expect(await listed("/v1/apps/gw/machines")).toEqual([early, late]);
      expect(await listed("/v1/apps/gw/volumes")).toEqual([volume.body.id]);
      expect(
        (await clocked.control("POST", "/faults", { kind: "list_lag", lag_ms: 0 })).body,
      ).toEqual({ error: "fault.lag_ms must be a positive number for list_lag" });
    } finally {
      await clocked.close();
    }
  });

  it("refuses a malformed boolean filter", async () => {
    await createApp(fx, "gw");
    expect(await fx.api("GET", "/v1/apps/gw/machines?include_deleted=maybe")).toMatchObject({
      status: 400,
      body: { error: 'invalid include_deleted "maybe": must be true or false' },
    });
  });
});

describe("machine rate limits", () => {
  it("limits machine reads per machine: 10 in a burst, then 429", async () => {
    const limited = await startFixture({ rateLimit: true });
    try {
      await createApp(limited, "gw");
      const a = await machineIdOf(limited, "gw");
      const statuses = [];
      for (let i = 0; i < 11; i++)
        statuses.push((await limited.api("GET", machinePath("gw", a))).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429]);
      const b = await machineIdOf(limited, "gw");
      expect((await limited.api("GET", machinePath("gw", b))).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
