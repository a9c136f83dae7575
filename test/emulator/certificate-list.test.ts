import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  // Issuance takes ten minutes on the emulator clock: every certificate here stays pending.
  fx = await startFixture({ checksMs: 600_000 });
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "cert-app", org_slug: "acme" });
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const CERTS = "/v1/apps/cert-app/certificates";
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const request = (hostname: unknown) => fx.api("POST", `${CERTS}/acme`, { hostname });

describe("listing certificates", () => {
  const hosts = [
    "a.example.com",
    "b.example.com",
    "c.example.org",
    "d.example.com",
    "e.example.com",
  ];

  beforeEach(async () => {
    for (const hostname of [...hosts].reverse()) await request(hostname);
  });

  it("lists summaries sorted by hostname with the total count", async () => {
    const res = await fx.api("GET", CERTS);
    expect(res.status).toBe(200);
    expect(res.body.total_count).toBe(5);
    expect(res.body.next_cursor).toBeUndefined();
    expect(res.body.certificates.map((c: { hostname: string }) => c.hostname)).toEqual(hosts);
    expect(res.body.certificates[0]).toEqual({
      hostname: "a.example.com",
      status: "pending_validation",
      dns_provider: "",
      acme_dns_configured: false,
      acme_alpn_configured: false,
      acme_http_configured: false,
      ownership_txt_configured: false,
      configured: false,
      acme_requested: true,
      has_custom_certificate: false,
      has_fly_certificate: false,
      created_at: ISO,
      updated_at: ISO,
    });
  });

  it("pages with limit and next_cursor until every certificate was seen", async () => {
    const seen: string[] = [];
    let path = `${CERTS}?limit=2`;
    for (let page = 0; page < 5; page++) {
      const res = await fx.api("GET", path);
      expect(res.body.total_count).toBe(5);
      seen.push(...res.body.certificates.map((c: { hostname: string }) => c.hostname));
      if (res.body.next_cursor === undefined) break;
      path = `${CERTS}?limit=2&cursor=${res.body.next_cursor}`;
    }
    expect(seen).toEqual(hosts);
  });

  it("filters by hostname substring", async () => {
    const res = await fx.api("GET", `${CERTS}?filter=.org`);
    expect(res.body.certificates.map((c: { hostname: string }) => c.hostname)).toEqual([
      "c.example.org",
    ]);
    expect(res.body.total_count).toBe(1);
  });

  it.each([
    ["limit=0", 'limit must be a positive integer, got "0"'],
    ["limit=ten", 'limit must be a positive integer, got "ten"'],
    ["cursor=garbage", "cursor must be a next_cursor value returned by this list"],
  ])("refuses %s with 400", async (query, error) => {
    expect(await fx.api("GET", `${CERTS}?${query}`)).toMatchObject({
      status: 400,
      body: { error },
    });
  });
});
