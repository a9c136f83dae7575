import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "ip-app", org_slug: "acme" });
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const IPS = "/v1/apps/ip-app/ip_assignments";
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const allocate = (body: Record<string, unknown>, app = "ip-app") =>
  fx.api("POST", `/v1/apps/${app}/ip_assignments`, body);

describe("allocating IP addresses", () => {
  it("starts with no addresses", async () => {
    expect(await fx.api("GET", IPS)).toMatchObject({ status: 200, body: { ips: [] } });
  });

  it("allocates each type from Fly's ranges, deterministically in order", async () => {
    const v6 = await allocate({ type: "v6" });
    expect(v6.status).toBe(200);
    expect(v6.body).toEqual({
      ip: "2a09:8280:1::1",
      region: "global",
      service_name: "",
      shared: false,
      created_at: ISO,
      egress: false,
    });
    expect((await allocate({ type: "shared_v4" })).body).toMatchObject({
      ip: "66.241.124.2",
      shared: true,
      region: "global",
    });
    expect((await allocate({ type: "v4", region: "ams" })).body).toMatchObject({
      ip: "137.66.0.3",
      shared: false,
      region: "ams",
    });
    expect((await allocate({ type: "private_v6", service_name: "gw" })).body).toEqual({
      ip: expect.stringMatching(/^fdaa:0:[0-9a-f]{1,4}:0:1::4$/),
      region: "global",
      service_name: "gw",
      shared: false,
      created_at: ISO,
      egress: false,
      network: { name: "", org_slug: "acme" },
    });
  });

  it("gives the same addresses again after a reset", async () => {
    const first = [
      (await allocate({ type: "v6" })).body.ip,
      (await allocate({ type: "v4" })).body.ip,
    ];
    await fx.control("POST", "/reset");
    await fx.api("POST", "/v1/apps", { name: "ip-app", org_slug: "acme" });
    const again = [
      (await allocate({ type: "v6" })).body.ip,
      (await allocate({ type: "v4" })).body.ip,
    ];
    expect(again).toEqual(first);
    expect(first).toEqual(["2a09:8280:1::1", "137.66.0.2"]);
  });

  it("places a Flycast address in the named private network", async () => {
    const res = await allocate({ type: "private_v6", network: "tenant-a" });
    expect(res.body.network).toEqual({ name: "tenant-a", org_slug: "acme" });
  });

  it("answers a second shared_v4 with the app's existing one, and shares it across the org", async () => {
    const first = await allocate({ type: "shared_v4" });
    const second = await allocate({ type: "shared_v4" });
    expect(second.body).toEqual(first.body);
    expect((await fx.api("GET", IPS)).body.ips).toEqual([first.body]);
    await fx.api("POST", "/v1/apps", { name: "ip-sibling", org_slug: "acme" });
    await fx.api("POST", "/v1/apps", { name: "ip-stranger", org_slug: "other-org" });
    expect((await allocate({ type: "shared_v4" }, "ip-sibling")).body.ip).toBe(first.body.ip);
    expect((await allocate({ type: "shared_v4" }, "ip-stranger")).body.ip).not.toBe(first.body.ip);
  });

  it.each([
    [{}, 'type must be one of v4, v6, shared_v4, private_v6, got ""'],
    [{ type: "egress_v4" }, 'type must be one of v4, v6, shared_v4, private_v6, got "egress_v4"'],
    [{ type: "v4", region: "mars" }, 'region "mars" is not a known region'],
    [
      { type: 4 },
      "json: cannot unmarshal number into Go struct field assignIPRequest.type of type string",
    ],
  ])("refuses %j with 400", async (body, error) => {
    expect(await allocate(body)).toMatchObject({ status: 400, body: { error } });
  });

  it("answers 404 app not found for an unknown app", async () => {
    expect(await allocate({ type: "v6" }, "nope")).toMatchObject({
      status: 404,
      body: { error: "app not found" },
    });
  });
});

describe("releasing IP addresses", () => {
  it("releases an address by IP with 204 and lists the rest", async () => {
    const v6 = await allocate({ type: "v6" });
    const v4 = await allocate({ type: "shared_v4" });
    const del = await fx.api("DELETE", `${IPS}/${v6.body.ip}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect((await fx.api("GET", IPS)).body.ips).toEqual([v4.body]);
  });

  it("answers 404 for an address the app does not hold", async () => {
    await fx.api("POST", "/v1/apps", { name: "ip-other", org_slug: "acme" });
    const theirs = await allocate({ type: "v6" }, "ip-other");
    for (const ip of ["2a09:8280:1::ffff", theirs.body.ip]) {
      expect(await fx.api("DELETE", `${IPS}/${encodeURIComponent(ip)}`)).toMatchObject({
        status: 404,
        body: { error: "ip assignment not found" },
      });
    }
  });
});
