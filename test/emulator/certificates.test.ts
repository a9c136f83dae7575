import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
let appId: string;
beforeAll(async () => {
  fx = await startFixture({ checksMs: ISSUANCE_MS });
});
afterAll(() => fx.close());
beforeEach(async () => {
  appId = (await fx.api("POST", "/v1/apps", { name: "cert-app", org_slug: "acme" })).body.id;
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const CERTS = "/v1/apps/cert-app/certificates";
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
/**
 * Issuance takes this long on the emulator clock; tests move the clock instead of sleeping, so a
 * certificate stays pending for exactly as long as a test wants.
 */
const ISSUANCE_MS = 600_000;
const issue = () => fx.control("POST", "/clock", { advance_ms: ISSUANCE_MS });

const request = (hostname: unknown) => fx.api("POST", `${CERTS}/acme`, { hostname });

function requirements(a: string[], aaaa: string[]) {
  return {
    a,
    aaaa,
    cname: "cert-app.fly.dev",
    acme_challenge: {
      name: "_acme-challenge.gw.example.com",
      target: `gw.example.com.${appId.slice(0, 5)}.flydns.net`,
    },
    ownership: {
      name: "_fly-ownership.gw.example.com",
      app_value: `app-${appId}`,
      org_value: "org-acme",
    },
  };
}

describe("requesting certificates", () => {
  it("answers 201 with the detail, pending_validation, then active once issued by the clock", async () => {
    const res = await request("gw.example.com");
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      hostname: "gw.example.com",
      configured: false,
      acme_requested: true,
      status: "pending_validation",
      dns_provider: "",
      rate_limited_until: null,
      certificates: [],
      validation: {
        dns_configured: false,
        alpn_configured: false,
        http_configured: false,
        ownership_txt_configured: false,
      },
      dns_requirements: requirements([], []),
      validation_errors: [],
    });
    await issue();
    const got = await fx.api("GET", `${CERTS}/gw.example.com`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      status: "active",
      configured: true,
      validation: {
        dns_configured: true,
        alpn_configured: true,
        http_configured: true,
        ownership_txt_configured: true,
      },
    });
    const expiresAt = expect.stringMatching(/Z$/);
    expect(got.body.certificates).toEqual([
      {
        source: "fly",
        status: "active",
        created_at: ISO,
        expires_at: expiresAt,
        issuer: null,
        issued: [
          { type: "ecdsa", expires_at: expiresAt, certificate_authority: "lets_encrypt" },
          { type: "rsa", expires_at: expiresAt, certificate_authority: "lets_encrypt" },
        ],
      },
    ]);
    const lifetime =
      Date.parse(got.body.certificates[0].expires_at) -
      Date.parse(got.body.certificates[0].created_at);
    expect(lifetime).toBe(90 * 24 * 60 * 60 * 1000);
  });

  it("lists the app's addresses as the DNS records to create", async () => {
    const v4 = await fx.api("POST", "/v1/apps/cert-app/ip_assignments", { type: "shared_v4" });
    const v6 = await fx.api("POST", "/v1/apps/cert-app/ip_assignments", { type: "v6" });
    await fx.api("POST", "/v1/apps/cert-app/ip_assignments", { type: "private_v6" });
    const res = await request("gw.example.com");
    expect(res.body.dns_requirements).toEqual(requirements([v4.body.ip], [v6.body.ip]));
  });

  it("checks a certificate: the detail plus the DNS records found", async () => {
    const v6 = await fx.api("POST", "/v1/apps/cert-app/ip_assignments", { type: "v6" });
    await request("gw.example.com");
    const pending = await fx.api("POST", `${CERTS}/gw.example.com/check`);
    expect(pending.status).toBe(200);
    expect(pending.body.dns_records).toEqual({
      a: [],
      aaaa: [],
      cname: [],
      resolved_addresses: [],
      soa: "",
      acme_challenge_cname: "",
      ownership_txt: "",
    });
    await issue();
    const active = await fx.api("POST", `${CERTS}/gw.example.com/check`);
    expect(active.body.status).toBe("active");
    expect(active.body.dns_records).toEqual({
      a: [],
      aaaa: [v6.body.ip],
      cname: [],
      resolved_addresses: [v6.body.ip],
      soa: "",
      acme_challenge_cname: `gw.example.com.${appId.slice(0, 5)}.flydns.net`,
      ownership_txt: "",
    });
  });

  it("normalises the hostname to lowercase and accepts a wildcard", async () => {
    expect((await request("GW.Example.COM")).body.hostname).toBe("gw.example.com");
    expect((await request("*.example.com")).status).toBe(201);
    expect((await fx.api("GET", `${CERTS}/GW.EXAMPLE.COM`)).status).toBe(200);
  });

  it.each([
    "localhost",
    "bad_host.example.com",
    "-gw.example.com",
    "gw..example.com",
    "a".repeat(64) + ".com",
  ])("refuses the hostname %j with 422", async (hostname) => {
    const res = await request(hostname);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: `Validation failed: Hostname "${hostname}" is not a valid domain name (dot-separated labels of letters, digits and dashes, e.g. gw.example.com)`,
    });
  });

  it("refuses a blank hostname with 422 and a non-string one with 400", async () => {
    expect(await request("")).toMatchObject({
      status: 422,
      body: { error: "Validation failed: Hostname can't be blank" },
    });
    expect(await request(7)).toMatchObject({
      status: 400,
      body: {
        error:
          "json: cannot unmarshal number into Go struct field createAcmeCertificateRequest.hostname of type string",
      },
    });
  });

  it("refuses a hostname another app holds, and answers a repeat for the same app", async () => {
    const first = await request("gw.example.com");
    expect(await request("gw.example.com")).toMatchObject({ status: 201, body: first.body });
    await fx.api("POST", "/v1/apps", { name: "cert-other", org_slug: "acme" });
    const other = await fx.api("POST", "/v1/apps/cert-other/certificates/acme", {
      hostname: "gw.example.com",
    });
    expect(other).toMatchObject({
      status: 422,
      body: { error: "Validation failed: Hostname has already been taken" },
    });
  });
});

describe("deleting certificates", () => {
  it("deletes with 204, after which the hostname is not found", async () => {
    await request("gw.example.com");
    const del = await fx.api("DELETE", `${CERTS}/gw.example.com`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    for (const [method, path] of [
      ["GET", `${CERTS}/gw.example.com`],
      ["POST", `${CERTS}/gw.example.com/check`],
      ["DELETE", `${CERTS}/gw.example.com`],
    ] as const) {
      expect(await fx.api(method, path)).toMatchObject({
        status: 404,
        body: { error: "certificate not found" },
      });
    }
  });
});
