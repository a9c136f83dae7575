import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";
import { IMAGE, createApp, machineIdOf, machinePath } from "./machine-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const meta = (id: string, suffix = "") => machinePath("gw", id, `/metadata${suffix}`);

async function machineWithMetadata(metadata?: Record<string, string>): Promise<string> {
  await createApp(fx, "gw");
  return machineIdOf(fx, "gw", { config: { image: IMAGE, ...(metadata ? { metadata } : {}) } });
}

describe("machine metadata", () => {
  it("reads the whole map, which is config.metadata, and {} when there is none", async () => {
    const id = await machineWithMetadata({ fly_process_group: "app", fly_platform_version: "v2" });
    expect(await fx.api("GET", meta(id))).toMatchObject({
      status: 200,
      body: { fly_process_group: "app", fly_platform_version: "v2" },
    });
    const bare = await machineIdOf(fx, "gw");
    expect((await fx.api("GET", meta(bare))).body).toEqual({});
  });

  it("sets one key with 204, reads it back and shows it in the machine's config", async () => {
    const id = await machineWithMetadata();
    const set = await fx.api("POST", meta(id, "/role"), { value: "gateway" });
    expect(set.status).toBe(204);
    expect(set.body).toBeUndefined();
    expect(await fx.api("GET", meta(id, "/role"))).toMatchObject({
      status: 200,
      body: { value: "gateway" },
    });
    expect((await fx.api("GET", machinePath("gw", id))).body.config.metadata).toEqual({
      role: "gateway",
    });
  });

  it("answers 404 for a key that is not set, and 400 for a set without a value", async () => {
    const id = await machineWithMetadata();
    expect(await fx.api("GET", meta(id, "/missing"))).toMatchObject({
      status: 404,
      body: { error: 'metadata key "missing" not found' },
    });
    expect(await fx.api("POST", meta(id, "/role"), {})).toMatchObject({
      status: 400,
      body: { error: "value is required" },
    });
  });

  it("deletes one key with 204", async () => {
    const id = await machineWithMetadata({ a: "1", b: "2" });
    expect((await fx.api("DELETE", meta(id, "/a"))).status).toBe(204);
    expect((await fx.api("GET", meta(id))).body).toEqual({ b: "2" });
  });

  it.each(["PUT", "PATCH"])(
    "%s sets several keys at once; null and empty strings remove keys",
    async (method) => {
      const id = await machineWithMetadata({ keep: "1", drop: "2", blank: "3" });
      const res = await fx.api(method, meta(id), {
        metadata: { added: "4", drop: null, blank: "" },
      });
      expect(res.status).toBe(204);
      expect((await fx.api("GET", meta(id))).body).toEqual({ keep: "1", added: "4" });
    },
  );

  it("answers 412 when machine_version no longer matches, and applies when it does", async () => {
    const id = await machineWithMetadata();
    const version = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    const updated = await fx.api("POST", machinePath("gw", id), { config: { image: IMAGE } });
    const stale = await fx.api("PUT", meta(id), {
      machine_version: version,
      metadata: { role: "gw" },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({
      error: `failed_precondition: machine_version ${version} does not match the machine's version ${updated.body.instance_id}`,
    });
    const fresh = await fx.api("PATCH", meta(id), {
      machine_version: updated.body.instance_id,
      metadata: { role: "gw" },
    });
    expect(fresh.status).toBe(204);
  });

  it("does not mint a new version for a metadata write", async () => {
    const id = await machineWithMetadata();
    const before = (await fx.api("GET", machinePath("gw", id))).body.instance_id;
    await fx.api("POST", meta(id, "/role"), { value: "gw" });
    expect((await fx.api("GET", machinePath("gw", id))).body.instance_id).toBe(before);
    expect((await fx.api("GET", machinePath("gw", id, "/versions"))).body).toHaveLength(1);
  });

  it("refuses a bulk value that is not a string with Go's decoder message", async () => {
    const id = await machineWithMetadata();
    expect(await fx.api("PUT", meta(id), { metadata: { n: 1 } })).toMatchObject({
      status: 400,
      body: {
        error:
          "json: cannot unmarshal number into Go struct field updateMetadataRequest.metadata of type string",
      },
    });
  });
});
