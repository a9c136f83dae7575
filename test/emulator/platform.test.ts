import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGIONS } from "../../emulator/regions";
import { FLY_REGIONS } from "../../rules/fly-regions";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());

describe("platform regions", () => {
  it("lists Fly's regions and the nearest one", async () => {
    const res = await fx.api("GET", "/v1/platform/regions");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ regions: REGIONS, nearest: "iad" });
    expect(res.body.regions.map((r: { code: string }) => r.code)).toEqual(FLY_REGIONS);
  });
});
