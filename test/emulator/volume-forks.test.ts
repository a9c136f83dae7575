import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { zonesOf } from "../../emulator/volume-placement";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
let source: Record<string, any>;
beforeAll(async () => {
  fx = await startFixture({ transitionMs: TRANSITION_MS });
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "fork-app", org_slug: "acme" });
  source = (await fx.api("POST", VOLUMES, { name: "data", region: "iad", size_gb: 4 })).body;
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const VOLUMES = "/v1/apps/fork-app/volumes";
/** Hydration takes this long on the emulator clock; tests move the clock instead of sleeping. */
const TRANSITION_MS = 60_000;
const settle = () => fx.control("POST", "/clock", { advance_ms: TRANSITION_MS });
const fork = (body: Record<string, unknown>) =>
  fx.api("POST", VOLUMES, { name: "data", source_volume_id: source.id, ...body });

describe("forking a volume (source_volume_id)", () => {
  it("creates it `hydrating` in the source's region and size, in another zone, then `created`", async () => {
    const res = await fork({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "data",
      state: "hydrating",
      region: "iad",
      size_gb: 4,
      attached_machine_id: null,
    });
    expect(res.body.id).toMatch(/^vol_[a-z0-9]{16}$/);
    expect(res.body.id).not.toBe(source.id);
    // Same name, so require_unique_zone (the default) puts it on another host.
    expect(res.body.zone).not.toBe(source.zone);
    expect(zonesOf("iad")).toContain(res.body.zone);
    await settle();
    expect((await fx.api("GET", `${VOLUMES}/${res.body.id}`)).body.state).toBe("created");
    expect((await fx.api("GET", `${VOLUMES}/${source.id}`)).body.state).toBe("created");
  });

  it("can be mounted while it hydrates", async () => {
    const forked = (await fork({})).body;
    const machine = await fx.api("POST", "/v1/apps/fork-app/machines", {
      region: "iad",
      config: { image: "nginx:1.27", mounts: [{ volume: forked.id, path: "/data" }] },
    });
    expect(machine.status).toBe(200);
    expect((await fx.api("GET", `${VOLUMES}/${forked.id}`)).body).toMatchObject({
      state: "hydrating",
      attached_machine_id: machine.body.id,
    });
  });

  it("goes to another region when one is named, and to a larger size when asked", async () => {
    const res = await fork({ region: "ams", size_gb: 6 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ region: "ams", size_gb: 6, state: "hydrating" });
    expect(zonesOf("ams")).toContain(res.body.zone);
  });

  it("refuses a size below the source's", async () => {
    expect(await fork({ size_gb: 3 })).toMatchObject({
      status: 400,
      body: { error: "size_gb must be at least the source volume's size of 4 GB" },
    });
  });

  it("refuses a snapshot and a source together", async () => {
    await fx.api("POST", `${VOLUMES}/${source.id}/snapshots`);
    await settle();
    const [snapshot] = (await fx.api("GET", `${VOLUMES}/${source.id}/snapshots`)).body;
    expect(await fork({ snapshot_id: snapshot.id })).toMatchObject({
      status: 400,
      body: { error: "snapshot_id and source_volume_id exclude each other" },
    });
  });

  it("answers 404 for an unknown source, and for a deleted one", async () => {
    const unknown = await fx.api("POST", VOLUMES, {
      name: "data",
      source_volume_id: "vol_0000000000000000",
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: "volume not found" } });
    expect((await fx.api("DELETE", `${VOLUMES}/${source.id}`)).status).toBe(200);
    expect(await fork({})).toMatchObject({ status: 404, body: { error: "volume not found" } });
  });

  it("fails like any create when the region has no zone left for the name", async () => {
    for (let i = 0; i < 3; i++) expect((await fork({})).status).toBe(200);
    expect(await fork({})).toMatchObject({
      status: 412,
      body: { error: "failed_precondition: insufficient resources for volumes" },
    });
  });
});
