/**
 * The reads diffs share (providers/provider-kit/live-reads.ts), over real HTTP against the
 * emulator with the real client: one list of an app's machines serves the diffs of all of them;
 * a record the list lacks or shows unsettled is read with its own GET, which decides; nothing
 * read before a write of this process to the app (or to that machine) is used after it; a
 * refresh's Read serves its Diff. Every test works in an app of its own, as the answers are kept
 * per process and app.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { IMAGE, machineIdOf, waitState } from "../emulator/machine-support";
import { createMachinesClient } from "../../providers/fly-client/machine-operations";
import { createSecretsClient } from "../../providers/fly-client/secret-operations";
import { createVolumesClient } from "../../providers/fly-client/volume-operations";
import { createIpAddressesClient } from "../../providers/fly-client/ip-address-operations";
import { createMachineLookupClient } from "../../providers/fly-client/machine-lookup";
import type { Machine } from "../../providers/fly-client/fly-client";
import { readAndKeep, readForDiff } from "../../providers/provider-kit/live-reads";
import { volumeForDiff } from "../../providers/volume/volume-convergence";
import {
  clearRequestLog,
  createAppDirectly,
  requestLog,
  startEmulatorFixture,
} from "./provider-support";

let fx: EmulatorFixture;
let appCount = 0;

beforeAll(async () => {
  fx = await startEmulatorFixture();
});
afterAll(() => fx?.close());
beforeEach(async () => {
  await fx.control("DELETE", "/faults");
});

const options = () => ({ baseUrl: fx.handle.url, token: fx.handle.token, pacing: false as const });

/** A new app with `count` started machines; the request log starts empty after it. */
async function appWithMachines(count: number): Promise<{ app: string; ids: string[] }> {
  const app = `live-reads-${++appCount}`;
  await createAppDirectly(fx, app);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await machineIdOf(fx, app, { config: { image: IMAGE } });
    await waitState(fx, app, id, "started");
    ids.push(id);
  }
  await clearRequestLog(fx);
  return { app, ids };
}

/** A diff's read of a machine that counts a started one as settled. */
function machineForDiff(app: string, id: string): Promise<Machine | undefined> {
  const machines = createMachinesClient(options());
  return readForDiff<Machine>({
    app,
    kind: "machines",
    id,
    machine: true,
    get: () => machines.getOrUndefined(app, id),
    list: () => machines.list(app),
    settled: (machine) => machine.state === "started",
  });
}

describe("reads shared by diffs", () => {
  it("serves every machine of an app from one list, and each machine's diff once", async () => {
    const { app, ids } = await appWithMachines(3);
    const seen = [];
    for (const id of ids) seen.push((await machineForDiff(app, id))?.id);
    expect(seen).toEqual(ids);
    expect(await requestLog(fx)).toEqual([`GET /v1/apps/${app}/machines 200`]);
    // Asked again about the same machine: it reads itself anew.
    expect((await machineForDiff(app, ids[0]!))?.state).toBe("started");
    expect((await requestLog(fx)).slice(1)).toEqual([`GET /v1/apps/${app}/machines/${ids[0]} 200`]);
  });

  it("confirms with the machine's own GET what the list lacks or shows unsettled", async () => {
    const { app, ids } = await appWithMachines(3);
    const [lagging, stopped, gone] = ids as [string, string, string];
    await fx.api("POST", `/v1/apps/${app}/machines/${stopped}/stop`);
    await waitState(fx, app, stopped, "stopped");
    await fx.api("DELETE", `/v1/apps/${app}/machines/${gone}?force=true`);
    await waitState(fx, app, gone, "destroyed");
    await clearRequestLog(fx);
    // Fly's list lags a create made moments earlier: the machine is there all the same.
    await fx.control("POST", "/faults", { kind: "list_lag", lag_ms: 3_600_000 });
    expect((await machineForDiff(app, lagging))?.state).toBe("started");
    await fx.control("DELETE", "/faults");
    expect((await machineForDiff(app, stopped))?.state).toBe("stopped");
    expect((await machineForDiff(app, gone))?.state).toBe("destroyed");
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${app}/machines 200`,
      `GET /v1/apps/${app}/machines/${lagging} 200`,
      `GET /v1/apps/${app}/machines/${stopped} 200`,
      `GET /v1/apps/${app}/machines/${gone} 200`,
    ]);
  });

  it("lists again after a write to the app, and not after a write to another machine", async () => {
    const { app, ids } = await appWithMachines(4);
    const [a, b, c, d] = ids as [string, string, string, string];
    await machineForDiff(app, a);
    await createSecretsClient(options()).set(app, { A_KEY: "value" });
    await machineForDiff(app, b);
    await createMachinesClient(options()).stop(app, a);
    await machineForDiff(app, c);
    // A write to machine d itself: its record in the list read before it is not used.
    await createMachinesClient(options()).restart(app, d);
    await waitState(fx, app, d, "started");
    await machineForDiff(app, d);
    expect((await requestLog(fx)).filter((line) => !line.includes("/wait"))).toEqual([
      `GET /v1/apps/${app}/machines 200`,
      `POST /v1/apps/${app}/secrets 200`,
      `GET /v1/apps/${app}/machines 200`,
      `POST /v1/apps/${app}/machines/${a}/stop 200`,
      `POST /v1/apps/${app}/machines/${d}/restart 200`,
      `GET /v1/apps/${app}/machines/${d} 200`,
    ]);
  });

  it("does not use a list read while a write to the app was in flight once the write is done", async () => {
    const { app, ids } = await appWithMachines(2);
    const [a, b] = ids as [string, string];
    await fx.control("POST", "/faults", {
      kind: "delay",
      route: "POST /v1/apps/*/secrets",
      delay_ms: 300,
    });
    const write = createSecretsClient(options()).set(app, { A_KEY: "value" });
    await machineForDiff(app, a);
    await write;
    await machineForDiff(app, b);
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${app}/machines 200`,
      `POST /v1/apps/${app}/secrets 200`,
      `GET /v1/apps/${app}/machines 200`,
    ]);
  });

  it("serves a refresh's Diff with what its Read just read", async () => {
    const { app, ids } = await appWithMachines(1);
    const lookup = createMachineLookupClient(options());
    const read = await readAndKeep({ app, kind: "machines", id: ids[0]! }, () =>
      lookup.getOrUndefined(app, ids[0]!),
    );
    expect((await machineForDiff(app, ids[0]!))?.instance_id).toBe(read?.instance_id);
    expect(await requestLog(fx)).toEqual([`GET /v1/apps/${app}/machines/${ids[0]} 200`]);
  });

  it("reads itself when the list cannot be read", async () => {
    const app = `live-reads-${++appCount}`;
    await clearRequestLog(fx);
    expect(await machineForDiff(app, "148e1234567890")).toBeUndefined();
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${app}/machines 404`,
      `GET /v1/apps/${app}/machines/148e1234567890 404`,
    ]);
  });

  it("never takes a soft-deleted volume in Fly's list for the live one", async () => {
    const { app } = await appWithMachines(0);
    const client = {
      volumes: createVolumesClient(options()),
      machines: createMachineLookupClient(options()),
    };
    const created = await client.volumes.create(app, { name: "data", region: "iad", size_gb: 1 });
    const kept = await client.volumes.create(app, { name: "data", region: "ams", size_gb: 1 });
    await client.volumes.delete(app, created.id);
    await clearRequestLog(fx);
    expect((await volumeForDiff(client, app, created.id, 1))?.state).toBe("pending_destroy");
    expect((await volumeForDiff(client, app, kept.id, 1))?.state).toBe("created");
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${app}/volumes 200`,
      `GET /v1/apps/${app}/volumes/${created.id} 200`,
    ]);
  });

  it("takes a list read for the diff itself as the final word when no GET exists (IP assignments)", async () => {
    const { app } = await appWithMachines(0);
    const ips = createIpAddressesClient(options());
    const first = await ips.allocate(app, { type: "v6" });
    const released = await ips.allocate(app, { type: "private_v6" });
    await ips.release(app, released.ip);
    await clearRequestLog(fx);
    const listed = async () => (await ips.list(app)).map((ip) => ({ ...ip, id: ip.ip }));
    const addressForDiff = (id: string) =>
      readForDiff({
        app,
        kind: "ip_assignments",
        id,
        get: async () => (await listed()).find((ip) => ip.id === id),
        list: listed,
        settled: () => true,
        getIsList: true,
      });
    // Read for the first diff, the list is that diff's own read; kept, a later diff looks again.
    expect(await addressForDiff("fdaa::gone")).toBeUndefined();
    expect((await addressForDiff(first.ip))?.ip).toBe(first.ip);
    expect(await addressForDiff(released.ip)).toBeUndefined();
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${app}/ip_assignments 200`,
      `GET /v1/apps/${app}/ip_assignments 200`,
    ]);
  });
});
