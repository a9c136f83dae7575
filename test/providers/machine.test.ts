import { describe, expect, it } from "vitest";
import type { FlyMachineOutputs } from "../../providers/machine/fly-machine";
import {
  captureProgress,
  clearRequestLog,
  rejectionOf,
  requestLog,
  worldState,
} from "./provider-support";
import { APP, IMAGE, STACK, useMachineTestbed } from "./machine-testbed";

const bed = useMachineTestbed();
const { inputs, machineRecord } = bed;

describe("FlyMachine lifecycle", () => {
  let id: string;
  let outs: FlyMachineOutputs;

  it("creates the machine and returns once it is started and its checks pass", async () => {
    const wanted = await inputs();
    const created = await bed.provider.create(wanted);
    id = created.id;
    outs = created.outs;
    const record = await machineRecord(id);
    expect(outs).toEqual({
      ...wanted,
      machineId: id,
      version: record.instance_id,
      state: "started",
      privateIp: record.private_ip,
    });
    expect(record.checks.map((c: { status: string }) => c.status)).toEqual(["passing"]);
    expect(record.config.metadata["openclaw-fly/managed"]).toBe("true");
    expect((await worldState(bed.fx)).volumes[bed.volumeId].attached_machine_id).toBe(id);
  });

  it("reads the machine back with its spec as inputs", async () => {
    const read = await bed.provider.read(id, outs);
    const { machineId: _m, version: _v, state: _s, privateIp: _p, ...asInputs } = outs;
    expect(read).toEqual({ id, props: outs, inputs: asInputs });
  });

  it("sees drift made directly through the API: image, env and size", async () => {
    const record = await machineRecord(id);
    const config = {
      ...record.config,
      image: "registry.fly.io/gw:drifted",
      env: { MODE: "hand-edited" },
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 2048 },
    };
    const res = await bed.fx.api("POST", `/v1/apps/${APP}/machines/${id}`, { config });
    expect(res.status).toBe(200);
    const read = await bed.provider.read(id, outs);
    expect(read.inputs).toMatchObject({
      image: "registry.fly.io/gw:drifted",
      env: { MODE: "hand-edited" },
      guest: { cpuKind: "shared", cpus: 1, memoryMb: 2048 },
    });
    const diff = await bed.provider.diff(id, read.props as FlyMachineOutputs, await inputs());
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    outs = read.props as FlyMachineOutputs;
  });

  it("updates under a lease with the full config and the secrets version, until healthy", async () => {
    await bed.fx.api("POST", `/v1/apps/${APP}/secrets`, { values: { TOKEN: "t" } });
    await clearRequestLog(bed.fx);
    const wanted = await inputs({ env: { MODE: "prod", EXTRA: "1" }, minSecretsVersion: 1 });
    const updated = await bed.provider.update(id, outs, wanted);
    const record = await machineRecord(id);
    expect(updated.outs).toEqual({
      ...wanted,
      machineId: id,
      version: record.instance_id,
      state: "started",
      privateIp: record.private_ip,
    });
    expect(record.min_secrets_version).toBe(1);
    expect(record.lease).toBeUndefined();
    expect(record.config).toEqual({
      image: IMAGE,
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 1024 },
      env: { MODE: "prod", EXTRA: "1" },
      mounts: [{ volume: bed.volumeId, path: "/data" }],
      checks: {
        startup: { type: "http", port: 3000, path: "/startupz", interval: "15s", timeout: "5s" },
      },
      restart: { policy: "always" },
      metadata: { "openclaw-fly/managed": "true", "openclaw-fly/stack": STACK },
      dns: {},
    });
    const log = await requestLog(bed.fx);
    expect(log.filter((line) => !line.startsWith("GET"))).toEqual([
      `POST /v1/apps/${APP}/machines/${id}/lease 201`,
      `POST /v1/apps/${APP}/machines/${id} 200`,
      `DELETE /v1/apps/${APP}/machines/${id}/lease 200`,
    ]);
    // One long poll sees the new version started; the checks are read, not waited for again.
    expect(log.filter((line) => line.includes("/wait"))).toHaveLength(1);
    outs = updated.outs;
  });

  it("rolls back an update whose checks fail and says so", async () => {
    await bed.fx.control("POST", "/faults", {
      kind: "checks_fail",
      image: "registry.fly.io/gw:bad",
    });
    const before = await machineRecord(id);
    await clearRequestLog(bed.fx);
    const wanted = await inputs({ image: "registry.fly.io/gw:bad", healthTimeoutSeconds: 0.3 });
    const { result: error, lines } = await captureProgress(() =>
      rejectionOf(bed.provider.update(id, outs, wanted)),
    );
    const after = await machineRecord(id);
    const failed = after.versions[after.versions.length - 2].version;
    expect(lines).toContain(
      `[fly:machine gw-iad] version ${failed} failed; rolling back to the previous configuration`,
    );
    expect(error.message).toBe(
      `FlyMachine gw-iad: machine ${id} (gw-iad) in region iad: the update to version ${failed} failed: ` +
        `machine ${id} in app ${APP} not healthy within 300 ms (started); 0/1 checks passing; ` +
        `check "startup" is critical: GET http://[${before.private_ip}]:3000/startupz: 503 Service Unavailable; ` +
        `rolled back to the previous configuration (version ${after.instance_id}, started and healthy)`,
    );
    expect(after.config.image).toBe(IMAGE);
    expect(after.config).toEqual(before.config);
    expect(after.state).toBe("started");
    expect(after.checks.map((c: { status: string }) => c.status)).toEqual(["passing"]);
    const mutations = (await requestLog(bed.fx)).filter((line) => !line.startsWith("GET"));
    expect(mutations).toEqual([
      `POST /v1/apps/${APP}/machines/${id}/lease 201`,
      `POST /v1/apps/${APP}/machines/${id} 200`,
      `POST /v1/apps/${APP}/machines/${id} 200`,
      `DELETE /v1/apps/${APP}/machines/${id}/lease 200`,
    ]);
    await bed.fx.control("DELETE", "/faults");
  });

  it("waits for a lease someone else holds, then fails naming the holder", async () => {
    const lease = await bed.fx.api("POST", `/v1/apps/${APP}/machines/${id}/lease`, {
      ttl: 30,
      description: "someone else",
    });
    await clearRequestLog(bed.fx);
    const release = () =>
      bed.fx.api("DELETE", `/v1/apps/${APP}/machines/${id}/lease`, undefined, {
        headers: { "fly-machine-lease-nonce": lease.body.data.nonce },
      });
    try {
      const expires = new Date(lease.body.data.expires_at * 1000).toISOString();
      const error = await rejectionOf(
        bed.provider.update(id, outs, await inputs({ env: { MODE: "x" } })),
      );
      const waited = /gave up after (\d+) ms$/.exec(error.message)?.[1];
      expect(Number(waited)).toBeLessThanOrEqual(300);
      const refused = (await requestLog(bed.fx)).filter(
        (line) => line === `POST /v1/apps/${APP}/machines/${id}/lease 409`,
      );
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(error.message).toBe(
        `FlyMachine gw-iad: machine ${id} in app ${APP} is leased by emulator-user@tokens.fly.io ` +
          `until ${expires} ("someone else"); gave up after ${waited} ms`,
      );
      expect((await machineRecord(id)).config.env).toEqual({ MODE: "prod", EXTRA: "1" });
    } finally {
      expect((await release()).status).toBe(200);
    }
  });

  it("waits for a lease someone else holds and proceeds once it is released", async () => {
    const lease = await bed.fx.api("POST", `/v1/apps/${APP}/machines/${id}/lease`, { ttl: 30 });
    expect(lease.status).toBe(201);
    // The other holder lets go 50 ms into the update, on the clock the provider waits on.
    bed.clocked.clock.manual.setTimer(50, () => {
      void bed.fx.api("DELETE", `/v1/apps/${APP}/machines/${id}/lease`, undefined, {
        headers: { "fly-machine-lease-nonce": lease.body.data.nonce },
      });
    });
    const wanted = await inputs({ env: { MODE: "after-lease" } });
    await clearRequestLog(bed.fx);
    const updated = await bed.provider.update(id, outs, wanted);
    expect(updated.outs.env).toEqual({ MODE: "after-lease" });
    const leaseCalls = (await requestLog(bed.fx)).filter((line) =>
      line.startsWith(`POST /v1/apps/${APP}/machines/${id}/lease `),
    );
    expect(leaseCalls[0]).toBe(`POST /v1/apps/${APP}/machines/${id}/lease 409`);
    expect(leaseCalls[leaseCalls.length - 1]).toBe(`POST /v1/apps/${APP}/machines/${id}/lease 201`);
    outs = updated.outs;
  });

  it("changes nothing on Fly when only the timeout changed, but checks the machine is healthy", async () => {
    await clearRequestLog(bed.fx);
    const news = { ...outs, stack: outs.stack ?? "", healthTimeoutSeconds: 9 };
    const updated = await bed.provider.update(id, outs, news);
    expect(updated.outs.healthTimeoutSeconds).toBe(9);
    expect(await requestLog(bed.fx)).toEqual([
      `GET /v1/apps/${APP}/machines/${id} 200`,
      `GET /v1/apps/${APP}/machines/${id}/wait 200`,
      `GET /v1/apps/${APP}/machines/${id} 200`,
    ]);
  });

  it("deletes under a lease: stop, wait stopped, destroy, which releases the volume", async () => {
    await clearRequestLog(bed.fx);
    await bed.provider.delete(id, outs);
    const mutations = (await requestLog(bed.fx)).filter((line) => !line.startsWith("GET"));
    expect(mutations).toEqual([
      `POST /v1/apps/${APP}/machines/${id}/lease 201`,
      `POST /v1/apps/${APP}/machines/${id}/stop 200`,
      `DELETE /v1/apps/${APP}/machines/${id} 200`,
    ]);
    expect((await machineRecord(id)).state).toBe("destroyed");
    expect((await worldState(bed.fx)).volumes[bed.volumeId].attached_machine_id).toBeNull();
    expect(await bed.provider.read(id, outs)).toEqual({});
  });
});
