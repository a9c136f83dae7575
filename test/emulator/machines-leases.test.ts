import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LEASE_OWNER } from "../../emulator/routes/lease-routes";
import { startFixture, type EmulatorFixture } from "./emulator-support";
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

const NONCE = "fly-machine-lease-nonce";
const leasePath = (id: string, query = "") => machinePath("gw", id, `/lease${query}`);
const acquire = (id: string, body?: unknown, query = "", nonce?: string) =>
  fx.api("POST", leasePath(id, query), body, { headers: nonce ? { [NONCE]: nonce } : {} });

async function startedMachine(): Promise<string> {
  await createApp(fx, "gw");
  const id = await machineIdOf(fx, "gw");
  await waitState(fx, "gw", id, "started");
  return id;
}

/** The Unix-seconds expiry a lease of `ttl` gets when granted between `before` and now. */
function expectExpiry(expiresAt: number, before: number, ttl: number): void {
  expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) + ttl);
  expect(expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + ttl);
}

function heldMessage(id: string, expiresAt: number): string {
  const at = new Date(expiresAt * 1000).toISOString().replace(".000Z", "Z");
  return `aborted: machine ID ${id} lease currently held by ${LEASE_OWNER}, expires at ${at}`;
}

describe("lease acquire, refresh, get, release", () => {
  it("acquires with a body ttl: 201 and Fly's {status, data} envelope", async () => {
    const id = await startedMachine();
    const version = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    const before = Date.now();
    const res = await acquire(id, { ttl: 120, description: "deploy" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      status: "success",
      data: {
        nonce: expect.stringMatching(/^[0-9a-f]{12}$/),
        expires_at: expect.any(Number),
        owner: LEASE_OWNER,
        description: "deploy",
        version,
      },
    });
    expectExpiry(res.body.data.expires_at, before, 120);
    expect((await fx.api("GET", leasePath(id))).body).toEqual(res.body);
  });

  it("takes the ttl from the query (fly-go) and defaults it to 30 seconds", async () => {
    const id = await startedMachine();
    const before = Date.now();
    const fromQuery = await acquire(id, undefined, "?ttl=45");
    expectExpiry(fromQuery.body.data.expires_at, before, 45);
    await fx.api("DELETE", leasePath(id), undefined, {
      headers: { [NONCE]: fromQuery.body.data.nonce },
    });
    const byDefault = await acquire(id);
    expectExpiry(byDefault.body.data.expires_at, before, 30);
  });

  it.each([
    [{ ttl: 0 }, "", "invalid ttl 0: must be at least 1 second"],
    [undefined, "?ttl=soon", 'invalid ttl "soon": must be a whole number'],
    [
      { ttl: "60" },
      "",
      "json: cannot unmarshal string into Go struct field CreateLeaseRequest.ttl of type int",
    ],
  ])("refuses the ttl %j%s with 400", async (body, query, error) => {
    const id = await startedMachine();
    expect(await acquire(id, body, query)).toMatchObject({ status: 400, body: { error } });
  });

  it("refuses a second acquirer with 409 while the lease is unexpired", async () => {
    const id = await startedMachine();
    const first = await acquire(id, { ttl: 60 });
    const second = await acquire(id, { ttl: 60 });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ error: heldMessage(id, first.body.data.expires_at) });
  });

  it("refreshes with the matching nonce: same nonce, later expiry", async () => {
    const id = await startedMachine();
    const first = await acquire(id, { ttl: 10 });
    const refreshed = await acquire(id, { ttl: 100 }, "", first.body.data.nonce);
    expect(refreshed.status).toBe(201);
    expect(refreshed.body.data.nonce).toBe(first.body.data.nonce);
    expect(refreshed.body.data.expires_at).toBeGreaterThanOrEqual(first.body.data.expires_at + 89);
  });

  it("answers GET lease 404 lease not found when there is none", async () => {
    const id = await startedMachine();
    expect(await fx.api("GET", leasePath(id))).toMatchObject({
      status: 404,
      body: { error: "lease not found" },
    });
  });

  it("releases only with the lease's nonce", async () => {
    const id = await startedMachine();
    const { nonce } = (await acquire(id, { ttl: 60 })).body.data;
    expect(await fx.api("DELETE", leasePath(id))).toMatchObject({
      status: 400,
      body: { error: "the fly-machine-lease-nonce header is required to release a lease" },
    });
    const wrong = await fx.api("DELETE", leasePath(id), undefined, {
      headers: { [NONCE]: "000000000000" },
    });
    expect(wrong).toMatchObject({ status: 404, body: { error: "lease not found" } });
    const released = await fx.api("DELETE", leasePath(id), undefined, {
      headers: { [NONCE]: nonce },
    });
    expect(released.status).toBe(200);
    expect(released.body).toEqual({ status: "success", data: { ok: true } });
    expect((await fx.api("GET", leasePath(id))).status).toBe(404);
  });

  it("expires by the emulator clock: then it is gone and others may lease and mutate", async () => {
    const id = await startedMachine();
    const { nonce } = (await acquire(id, { ttl: 10 })).body.data;
    await advanceClock(fx, 10_000);
    expect((await fx.api("GET", leasePath(id))).status).toBe(404);
    const released = await fx.api("DELETE", leasePath(id), undefined, {
      headers: { [NONCE]: nonce },
    });
    expect(released).toMatchObject({ status: 404, body: { error: "lease not found" } });
    expect((await fx.api("POST", machinePath("gw", id, "/cordon"))).status).toBe(200);
    const next = await acquire(id, { ttl: 10 });
    expect(next.status).toBe(201);
    expect(next.body.data.nonce).not.toBe(nonce);
  });

  it("shows the lease without its nonce on GET machine with include_leases", async () => {
    const id = await startedMachine();
    const { data } = (await acquire(id, { ttl: 60, description: "deploy" })).body;
    const machine = (await fx.api("GET", machinePath("gw", id, "?include_leases=true"))).body;
    expect(machine.lease).toEqual({
      description: "deploy",
      expires_at: data.expires_at,
      owner: LEASE_OWNER,
    });
    expect("lease" in (await fx.api("GET", machinePath("gw", id))).body).toBe(false);
  });
});

describe("a leased machine refuses every mutation without the nonce", () => {
  it.each([
    ["update", "POST", "", { config: { image: IMAGE } }, 200],
    ["start", "POST", "/start", undefined, 412],
    ["stop", "POST", "/stop", undefined, 200],
    ["restart", "POST", "/restart", undefined, 200],
    ["suspend", "POST", "/suspend", undefined, 200],
    ["signal", "POST", "/signal", { signal: "SIGUSR1" }, 200],
    ["cordon", "POST", "/cordon", undefined, 200],
    ["uncordon", "POST", "/uncordon", undefined, 200],
    ["destroy", "DELETE", "?force=true", undefined, 200],
    ["metadata set", "POST", "/metadata/role", { value: "gw" }, 204],
    ["metadata delete", "DELETE", "/metadata/role", undefined, 204],
    ["metadata PUT", "PUT", "/metadata", { metadata: { role: "gw" } }, 204],
    ["metadata PATCH", "PATCH", "/metadata", { metadata: { role: "gw" } }, 204],
  ])("%s: 409 without the nonce, allowed with it", async (_name, method, suffix, body, status) => {
    const id = await startedMachine();
    const { nonce, expires_at } = (await acquire(id, { ttl: 60 })).body.data;
    const denied = await fx.api(method, machinePath("gw", id, suffix), body);
    expect(denied.status).toBe(409);
    expect(denied.body).toEqual({ error: heldMessage(id, expires_at) });
    const wrong = await fx.api(method, machinePath("gw", id, suffix), body, {
      headers: { [NONCE]: "ffffffffffff" },
    });
    expect(wrong.status).toBe(409);
    const allowed = await fx.api(method, machinePath("gw", id, suffix), body, {
      headers: { [NONCE]: nonce },
    });
    expect(allowed.status).toBe(status);
  });
});
