import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MachineState } from "../../emulator/state";
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

const create = (body: Record<string, unknown>) =>
  fx.api("POST", VOLUMES, { name: "data", region: "iad", ...body });

/**
 * Marks a volume as mounted by a machine in `state`. Attachment is made by machine create (the
 * machines routes); these tests cover the volume side of that contract, so they set the world up
 * the way a mount leaves it.
 */
function attach(volumeId: string, machineState: MachineState): string {
  const machineId = "5683d9eb7e4148";
  const at = new Date().toISOString();
  fx.handle.emulator.state.machines[machineId] = {
    id: machineId,
    name: "aged-river-1234",
    app: "vol-app",
    region: "iad",
    state: machineState,
    config: { image: "nginx:1" },
    instance_id: "01J0000000000000000000000A",
    versions: [],
    events: [],
    private_ip: "fdaa:0:1:a7b:5683:d9eb:7e41:2",
    created_at: at,
    updated_at: at,
    host_status: "ok",
    cordoned: false,
    checks: [],
  };
  fx.handle.emulator.state.volumes[volumeId].attached_machine_id = machineId;
  return machineId;
}

describe("updating and extending volumes", () => {
  it("updates snapshot_retention and auto_backup_enabled", async () => {
    const made = await create({});
    const res = await fx.api("PUT", `${VOLUMES}/${made.body.id}`, {
      snapshot_retention: 14,
      auto_backup_enabled: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...made.body, snapshot_retention: 14, auto_backup_enabled: false });
  });

  it("refuses a retention outside 1..60 days on update", async () => {
    const made = await create({});
    const res = await fx.api("PUT", `${VOLUMES}/${made.body.id}`, { snapshot_retention: 90 });
    expect(res).toMatchObject({
      status: 400,
      body: { error: "snapshot_retention must be between 1 and 60 days, got 90" },
    });
  });

  it("grows a volume and says no restart is needed when no machine is using it", async () => {
    const made = await create({});
    const res = await fx.api("PUT", `${VOLUMES}/${made.body.id}/extend`, { size_gb: 10 });
    expect(res.status).toBe(200);
    expect(res.body.needs_restart).toBe(false);
    expect(res.body.volume).toMatchObject({ id: made.body.id, size_gb: 10, blocks: 2621440 });
  });

  it.each([
    ["a started machine", "started", true],
    ["a stopped machine", "stopped", false],
  ] as const)("reports needs_restart for a volume mounted by %s", async (_c, state, expected) => {
    const made = await create({});
    attach(made.body.id, state);
    const res = await fx.api("PUT", `${VOLUMES}/${made.body.id}/extend`, { size_gb: 4 });
    expect(res.body.needs_restart).toBe(expected);
  });

  it.each([
    [
      { size_gb: 2 },
      "size_gb must be greater than the volume's current size of 3 GB: volumes can only grow",
    ],
    [
      { size_gb: 3 },
      "size_gb must be greater than the volume's current size of 3 GB: volumes can only grow",
    ],
    [{ size_gb: 501 }, "size_gb must be between 1 and 500, got 501"],
    [{}, "size_gb is required"],
  ])("refuses to extend with %j", async (body, error) => {
    const made = await create({});
    const res = await fx.api("PUT", `${VOLUMES}/${made.body.id}/extend`, body);
    expect(res).toMatchObject({ status: 400, body: { error } });
    expect((await fx.api("GET", `${VOLUMES}/${made.body.id}`)).body.size_gb).toBe(3);
  });
});

describe("deleting volumes", () => {
  it("refuses to delete a volume bound to a machine, even a stopped one", async () => {
    const made = await create({});
    const machineId = attach(made.body.id, "stopped");
    const res = await fx.api("DELETE", `${VOLUMES}/${made.body.id}`);
    expect(res.status).toBe(412);
    expect(res.body).toEqual({
      error: `failed_precondition: volume is currently bound to machine: ${machineId}`,
    });
  });

  it("soft-deletes: pending_destroy, still listed, gone for mutations, purged after 24 h", async () => {
    const made = await create({});
    const url = `${VOLUMES}/${made.body.id}`;
    const del = await fx.api("DELETE", url);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ...made.body, state: "pending_destroy" });
    expect((await fx.api("GET", url)).body.state).toBe("pending_destroy");
    expect((await fx.api("GET", VOLUMES)).body.map((v: { id: string }) => v.id)).toEqual([
      made.body.id,
    ]);
    for (const [method, path, body] of [
      ["DELETE", url, undefined],
      ["PUT", `${url}/extend`, { size_gb: 5 }],
      ["PUT", url, { snapshot_retention: 3 }],
      ["POST", `${url}/snapshots`, undefined],
    ] as const) {
      expect(await fx.api(method, path, body)).toMatchObject({
        status: 404,
        body: { error: "volume not found" },
      });
    }
    await fx.control("POST", "/clock", { advance_ms: 24 * 60 * 60 * 1000 });
    expect((await fx.api("GET", url)).status).toBe(404);
    expect((await fx.api("GET", VOLUMES)).body).toEqual([]);
  });
});
