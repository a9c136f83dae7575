import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { zonesOf } from "../../emulator/volume-placement";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "vol-app", org_slug: "acme" });
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const VOLUMES = "/v1/apps/vol-app/volumes";
const IAD = zonesOf("iad");

const create = (body: Record<string, unknown>) =>
  fx.api("POST", VOLUMES, { name: "data", region: "iad", ...body });

describe("creating volumes", () => {
  it("creates a volume with Fly's defaults and answers 200 with the Volume", async () => {
    const res = await create({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^vol_[a-z0-9]{16}$/),
      name: "data",
      state: "created",
      size_gb: 3,
      region: "iad",
      zone: IAD[0],
      encrypted: true,
      attached_machine_id: null,
      attached_alloc_id: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      blocks: 786432,
      block_size: 4096,
      blocks_free: 786426,
      blocks_avail: 747104,
      bytes_total: 3221225472,
      bytes_used: 24576,
      fstype: "ext4",
      snapshot_retention: 5,
      auto_backup_enabled: true,
      host_dedication_key: "",
      host_status: "ok",
      type: "local",
    });
  });

  it("takes the options it is given", async () => {
    const res = await create({
      size_gb: 10,
      encrypted: false,
      snapshot_retention: 60,
      auto_backup_enabled: false,
      fstype: "raw",
      compute: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
    });
    expect(res.body).toMatchObject({
      size_gb: 10,
      encrypted: false,
      snapshot_retention: 60,
      auto_backup_enabled: false,
      fstype: "raw",
    });
  });

  it.each([
    ["an uppercase letter", "Data"],
    ["a dash", "my-data"],
    ["an empty name", ""],
    ["31 characters", "a".repeat(31)],
  ])("refuses a name with %s", async (_case, name) => {
    const res = await create({ name });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: "name must be 1 to 30 characters of lowercase letters, digits and underscores",
    });
  });

  it("accepts a 30-character name of letters, digits and underscores", async () => {
    expect((await create({ name: "abc_123_".padEnd(30, "x") })).status).toBe(200);
  });

  it.each([
    [{ region: undefined }, "region is required"],
    [{ region: "xyz" }, 'region "xyz" is not a known region'],
    [{ size_gb: 0 }, "size_gb must be between 1 and 500, got 0"],
    [{ size_gb: 501 }, "size_gb must be between 1 and 500, got 501"],
    [{ snapshot_retention: 0 }, "snapshot_retention must be between 1 and 60 days, got 0"],
    [{ snapshot_retention: 61 }, "snapshot_retention must be between 1 and 60 days, got 61"],
    [{ fstype: "xfs" }, 'fstype must be "ext4" or "raw", got "xfs"'],
    [
      { size_gb: "3" },
      "json: cannot unmarshal string into Go struct field CreateVolumeRequest.size_gb of type int",
    ],
    [
      { encrypted: "yes" },
      "json: cannot unmarshal string into Go struct field CreateVolumeRequest.encrypted of type bool",
    ],
    [
      { compute: "shared-cpu-1x" },
      "json: cannot unmarshal string into Go struct field CreateVolumeRequest.compute of type fly.MachineGuest",
    ],
    [
      { compute: { cpu_kind: "shared", cpus: "1" } },
      "json: cannot unmarshal string into Go struct field MachineGuest.cpus of type int",
    ],
  ])("refuses %j with 400", async (body, error) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error });
  });

  it("answers 404 for an unknown app", async () => {
    const res = await fx.api("POST", "/v1/apps/nope/volumes", { name: "data", region: "iad" });
    expect(res).toMatchObject({ status: 404, body: { error: "app not found" } });
  });

  it("fails with insufficient_capacity while the region has a no_capacity fault", async () => {
    await fx.control("POST", "/faults", { kind: "no_capacity", region: "iad" });
    const res = await create({});
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: "insufficient resources to create volume in region iad",
      status: "insufficient_capacity",
    });
    expect((await create({ region: "ams" })).status).toBe(200);
  });
});

describe("reading volumes", () => {
  it("gets a volume by id and answers 404 volume not found otherwise", async () => {
    const made = await create({});
    expect(await fx.api("GET", `${VOLUMES}/${made.body.id}`)).toMatchObject({
      status: 200,
      body: made.body,
    });
    expect(await fx.api("GET", `${VOLUMES}/vol_0000000000000000`)).toMatchObject({
      status: 404,
      body: { error: "volume not found" },
    });
    await fx.api("POST", "/v1/apps", { name: "other-app", org_slug: "acme" });
    const elsewhere = await fx.api("GET", `/v1/apps/other-app/volumes/${made.body.id}`);
    expect(elsewhere.status).toBe(404);
  });

  it("lists the app's volumes in creation order, and only summaries with summary=true", async () => {
    const a = await create({ name: "a" });
    const b = await create({ name: "b" });
    const list = await fx.api("GET", VOLUMES);
    expect(list.body).toEqual([a.body, b.body]);
    const summary = await fx.api("GET", `${VOLUMES}?summary=true`);
    expect(Object.keys(summary.body[0])).toEqual([
      "id",
      "name",
      "state",
      "size_gb",
      "region",
      "zone",
      "encrypted",
      "attached_machine_id",
      "attached_alloc_id",
      "created_at",
      "fstype",
      "snapshot_retention",
      "auto_backup_enabled",
      "host_dedication_key",
      "host_status",
      "type",
    ]);
  });
});
