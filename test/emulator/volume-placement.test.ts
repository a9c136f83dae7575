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

describe("zone placement", () => {
  it("puts same-name volumes in different zones until the region's zones run out", async () => {
    const zones = [];
    for (let i = 0; i < IAD.length; i++) zones.push((await create({})).body.zone);
    expect(zones).toEqual(IAD);
    const fifth = await create({});
    expect(fifth.status).toBe(412);
    expect(fifth.body).toEqual({
      error: "failed_precondition: insufficient resources for volumes",
      status: "volume_placement_capacity",
    });
  });

  it("lets other names, other regions and require_unique_zone=false share zones", async () => {
    for (let i = 0; i < IAD.length; i++) await create({});
    expect((await create({ name: "other" })).body.zone).toBe(IAD[0]);
    expect((await create({ region: "ams" })).body.zone).toBe(zonesOf("ams")[0]);
    // Without the rule the least used zone is taken: IAD[0] now holds two volumes.
    expect((await create({ require_unique_zone: false })).body.zone).toBe(IAD[1]);
  });

  it("keeps apart every volume of the app with unique_zone_app_wide", async () => {
    await create({ name: "one" });
    const second = await create({ name: "two", unique_zone_app_wide: true });
    expect(second.body.zone).toBe(IAD[1]);
  });

  it("frees a zone when a volume is deleted", async () => {
    const ids = [];
    for (let i = 0; i < IAD.length; i++) ids.push((await create({})).body.id);
    await fx.api("DELETE", `${VOLUMES}/${ids[2]}`);
    expect((await create({})).body.zone).toBe(IAD[2]);
  });
});
