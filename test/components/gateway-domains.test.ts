import { describe, expect, it } from "vitest";
import { dnsRecordsOf } from "../../components/gateway-domains";
import { CERTIFICATE, decodedConfigFile } from "./support/gateway-expectations";
import { edges, edgesOf, useGatewayHarness, type GatewayArgs } from "./support/gateway-harness";
import { unwrap } from "./support/recording-mocks";

// Custom domains: a certificate per domain, their DNS records as an output, their origins in the
// Control UI. Public mode only.
const harness = useGatewayHarness();
const recorder = () => harness.recorder;

const base = (change: Partial<GatewayArgs> = {}): GatewayArgs => ({
  appName: "my-claw",
  regions: ["iad", "ams"],
  gatewayToken: "given-token-0123456789abcdef",
  ...change,
});

/** openclaw.json's allowed Control UI origins, as a region's machine ships them. */
function allowedOrigins(name: string, region: string): unknown {
  const config = JSON.parse(decodedConfigFile(recorder().get(`${name}-${region}-machine`)));
  return config.gateway.controlUi?.allowedOrigins;
}

describe("custom domains", () => {
  it("requests one certificate per domain, after the app's addresses exist", async () => {
    await harness.build("gw", base({ domains: ["chat.example.com", "claw.example.org"] }));
    const certificates = recorder().resources.filter((r) => r.type === CERTIFICATE);
    expect(certificates.map((c) => c.inputs)).toEqual([
      { app: "my-claw", hostname: "chat.example.com" },
      { app: "my-claw", hostname: "claw.example.org" },
    ]);
    expect(edgesOf(recorder().get("gw-certificate-chat.example.com"))).toEqual(
      edges("gw-certificate-chat.example.com", "gw", ["gw-app", "gw-ipv4", "gw-ipv6"], {
        app: ["gw-app"],
      }),
    );
  });

  it("lists the DNS records to create, domain by domain", async () => {
    const gateway = await harness.build(
      "gw",
      base({ domains: ["chat.example.com", "claw.example.org"] }),
    );
    expect(await unwrap(gateway.dnsRecords!)).toEqual({
      value: [
        { name: "chat.example.com", type: "A", value: "address-of-shared_v4" },
        { name: "chat.example.com", type: "AAAA", value: "address-of-v6" },
        {
          name: "_acme-challenge.chat.example.com",
          type: "CNAME",
          value: "chat.example.com.x1y2z.flydns.net",
        },
        { name: "claw.example.org", type: "A", value: "address-of-shared_v4" },
        { name: "claw.example.org", type: "AAAA", value: "address-of-v6" },
        {
          name: "_acme-challenge.claw.example.org",
          type: "CNAME",
          value: "claw.example.org.x1y2z.flydns.net",
        },
      ],
      secret: false,
    });
  });

  it("allows each domain's origin in the Control UI after the app's own, in every region", async () => {
    await harness.build(
      "gw",
      base({
        domains: ["chat.example.com"],
        openclaw: { gateway: { controlUi: { allowedOrigins: ["https://ops.example.net"] } } },
      }),
    );
    for (const region of ["iad", "ams"]) {
      expect(allowedOrigins("gw", region)).toEqual([
        "https://my-claw.fly.dev",
        "https://chat.example.com",
        "https://ops.example.net",
      ]);
    }
  });

  it("makes no certificate and no dnsRecords output without domains", async () => {
    const gateway = await harness.build("gw", base());
    expect(recorder().resources.filter((r) => r.type === CERTIFICATE)).toEqual([]);
    expect(gateway.dnsRecords).toBeUndefined();
    expect(allowedOrigins("gw", "iad")).toEqual(["https://my-claw.fly.dev"]);
  });

  it("refuses domains for a private gateway before registering anything", async () => {
    expect(
      () =>
        new harness.gateways.OpenClawGateway(
          "gw",
          base({ mode: "private", domains: ["chat.example.com"] }),
        ),
    ).toThrow(
      'domains: only apply to mode "public": a private gateway has no public address to certify',
    );
    await recorder().settled();
    expect(recorder().resources).toEqual([]);
  });

  it("reads the domains from the stack config", async () => {
    const gateway = await harness.buildStackWith("dev", {
      domains: '["chat.example.com"]',
    });
    expect(recorder().get("dev-certificate-chat.example.com").inputs).toEqual({
      app: "my-openclaw-dev",
      hostname: "chat.example.com",
    });
    expect((await unwrap(gateway.dnsRecords!)).value).toHaveLength(3);
  });
});

describe("dnsRecordsOf", () => {
  it("points the domain at every address and names the ACME challenge record", () => {
    expect(
      dnsRecordsOf("gw.example.com", {
        a: ["66.241.124.5"],
        aaaa: ["2a09:8280:1::4e:1", "2a09:8280:1::4e:2"],
        cname: "my-claw.fly.dev",
        acmeChallenge: {
          name: "_acme-challenge.gw.example.com",
          target: "gw.example.com.o1.flydns.net",
        },
      }),
    ).toEqual([
      { name: "gw.example.com", type: "A", value: "66.241.124.5" },
      { name: "gw.example.com", type: "AAAA", value: "2a09:8280:1::4e:1" },
      { name: "gw.example.com", type: "AAAA", value: "2a09:8280:1::4e:2" },
      {
        name: "_acme-challenge.gw.example.com",
        type: "CNAME",
        value: "gw.example.com.o1.flydns.net",
      },
    ]);
  });

  it("has no challenge record when Fly names none", () => {
    expect(dnsRecordsOf("gw.example.com", { a: [], aaaa: ["2a09::1"] })).toEqual([
      { name: "gw.example.com", type: "AAAA", value: "2a09::1" },
    ]);
  });
});
