import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MANUAL_CLOCK, startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  createApp,
  eventTrail,
  machineIdOf,
  machinePath,
  machineRecord,
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

const update = (id: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  fx.api("POST", machinePath("gw", id), body, { headers });

async function startedMachine(config: Record<string, unknown> = { image: IMAGE }) {
  await createApp(fx, "gw");
  const id = await machineIdOf(fx, "gw", { config });
  await waitState(fx, "gw", id, "started");
  return id;
}

async function setSecret(name: string): Promise<number> {
  const res = await fx.api("POST", `/v1/apps/gw/secrets/${name}`, { value: "s3cret" });
  expect(res.status).toBe(201);
  return res.body.version as number;
}

describe("machine update", () => {
  it("replaces the whole config (never merges) and mints a new 26-character version", async () => {
    const id = await startedMachine({
      image: IMAGE,
      env: { A: "1" },
      metadata: { role: "gw" },
    });
    const before = (await fx.api("GET", machinePath("gw", id))).body;
    const res = await update(id, { config: { image: `${IMAGE}-next` } });
    expect(res.status).toBe(200);
    expect(res.body.config).toEqual({
      image: `${IMAGE}-next`,
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
      restart: { policy: "on-failure", max_retries: 10 },
      dns: {},
    });
    expect(res.body.instance_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.body.instance_id).not.toBe(before.instance_id);
    const versions = (await fx.api("GET", machinePath("gw", id, "/versions"))).body;
    expect(versions.map((v: { version: string; state: string }) => [v.version, v.state])).toEqual([
      [res.body.instance_id, "active"],
      [before.instance_id, "replaced"],
    ]);
    expect(versions[1].user_config.env).toEqual({ A: "1" });
  });

  it("replaces a started machine: replacing, then the new version boots", async () => {
    const id = await startedMachine();
    const res = await update(id, { config: { image: IMAGE, env: { B: "2" } } });
    expect(res.body.state).toBe("replacing");
    const waited = await waitState(fx, "gw", id, "started", `&version=${res.body.instance_id}`);
    expect(waited.body.version).toBe(res.body.instance_id);
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(eventTrail(machine.events).slice(0, 3)).toEqual([
      "start/started/flyd",
      "start/starting/flyd",
      "update/replacing/user",
    ]);
  });

  it("leaves the new version of a stopped machine stopped", async () => {
    const id = await startedMachine();
    await fx.api("POST", machinePath("gw", id, "/stop"));
    await waitState(fx, "gw", id, "stopped");
    const res = await update(id, { config: { image: IMAGE, env: { C: "3" } } });
    const waited = await waitState(fx, "gw", id, "stopped", `&version=${res.body.instance_id}`);
    expect(waited.body.state).toBe("stopped");
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(eventTrail(machine.events).slice(0, 2)).toEqual([
      "update/stopped/flyd",
      "update/replacing/user",
    ]);
  });

  it("does not boot the new version of a started machine with skip_launch", async () => {
    const id = await startedMachine();
    await update(id, { config: { image: IMAGE }, skip_launch: true });
    expect((await waitState(fx, "gw", id, "settled")).body.state).toBe("stopped");
  });

  it("refuses a start while a stopped machine's update is still replacing", async () => {
    // On a clock that stands still, the update stays `replacing` until time moves.
    const still = await startFixture(MANUAL_CLOCK);
    try {
      await createApp(still, "gw");
      const id = await machineIdOf(still, "gw", { skip_launch: true });
      await still.api("POST", machinePath("gw", id), { config: { image: IMAGE } });
      const start = await still.api("POST", machinePath("gw", id, "/start"));
      expect(start.status).toBe(412);
      expect(start.body).toEqual({
        error: "unable to start machine from current state: 'replacing'",
      });
    } finally {
      await still.close();
    }
  });

  it.each(["name", "region"])(
    "refuses a changed %s with 400 but accepts the same one",
    async (field) => {
      const id = await startedMachine();
      const machine = (await fx.api("GET", machinePath("gw", id))).body;
      const changed = await update(id, { [field]: "lhr", config: { image: IMAGE } });
      expect(changed.status).toBe(400);
      expect(changed.body).toEqual({
        error: `invalid ${field} "lhr": a machine's ${field} cannot be changed (it is "${machine[field]}")`,
      });
      const same = await update(id, {
        name: machine.name,
        region: machine.region,
        config: { image: IMAGE },
      });
      expect(same.status).toBe(200);
    },
  );

  it("answers 412 when current_version is not the machine's version", async () => {
    const id = await startedMachine();
    const current = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    const stale = "01HQ73A7BFFDF1B6WMGHFZZ4E7";
    const res = await update(id, { current_version: stale, config: { image: IMAGE } });
    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error: `failed_precondition: current_version ${stale} does not match the machine's version ${current}`,
    });
    expect((await update(id, { current_version: current, config: { image: IMAGE } })).status).toBe(
      200,
    );
  });

  it("answers 404 machine not found for an update of a destroyed machine", async () => {
    const id = await startedMachine();
    await fx.api("DELETE", machinePath("gw", id, "?force=true"));
    await waitState(fx, "gw", id, "destroyed");
    expect(await update(id, { config: { image: IMAGE } })).toMatchObject({
      status: 404,
      body: { error: "machine not found" },
    });
  });

  it("refuses a config change that breaks the rules, keeping the old version", async () => {
    const id = await startedMachine();
    const before = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    const res = await update(id, { config: { env: { A: "1" } } });
    expect(res).toMatchObject({ status: 400, body: { error: "config.image is required" } });
    expect((await fx.api("GET", machinePath("gw", id))).body.instance_id).toBe(before);
  });
});

describe("secrets versions", () => {
  it("refuses a min_secrets_version newer than the app's secrets, on create and update", async () => {
    await createApp(fx, "gw");
    const create = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      min_secrets_version: 2,
      config: { image: IMAGE },
    });
    expect(create.status).toBe(412);
    expect(create.body).toEqual({
      error:
        "failed_precondition: min_secrets_version 2 is newer than the app's current secrets version 0",
    });
    await setSecret("A");
    const id = await machineIdOf(fx, "gw", { min_secrets_version: 1 });
    const res = await update(id, { min_secrets_version: 5, config: { image: IMAGE } });
    expect(res.status).toBe(412);
    expect(res.body.error).toBe(
      "failed_precondition: min_secrets_version 5 is newer than the app's current secrets version 1",
    );
  });

  it("records the secrets version a machine booted with; only a boot changes it", async () => {
    const id = await startedMachine();
    expect((await machineRecord(fx, id)).booted_secrets_version).toBe(0);
    const v1 = await setSecret("A");
    expect(v1).toBe(1);
    expect((await machineRecord(fx, id)).booted_secrets_version).toBe(0);
    await fx.api("POST", machinePath("gw", id, "/restart"));
    await waitState(fx, "gw", id, "started", "&from_event_id=" + (await lastEventId(id)));
    expect((await machineRecord(fx, id)).booted_secrets_version).toBe(1);
    const v2 = await setSecret("B");
    const res = await update(id, { min_secrets_version: v2, config: { image: IMAGE } });
    await waitState(fx, "gw", id, "started", `&version=${res.body.instance_id}`);
    const record = await machineRecord(fx, id);
    expect(record.booted_secrets_version).toBe(2);
    expect(record.min_secrets_version).toBe(2);
  });

  it("boots without secrets when skip_secrets is set", async () => {
    await createApp(fx, "gw");
    await setSecret("A");
    const id = await machineIdOf(fx, "gw", { skip_secrets: true });
    await waitState(fx, "gw", id, "started");
    const record = await machineRecord(fx, id);
    expect(record.skip_secrets).toBe(true);
    expect("booted_secrets_version" in record).toBe(false);
  });
});

async function lastEventId(id: string): Promise<string> {
  const events = (await fx.api("GET", machinePath("gw", id, "/events?limit=1"))).body;
  return events[0].id as string;
}
