import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlyCertificateProvider } from "../../providers/certificate/fly-certificate";
import { advanceClock } from "../emulator/machine-support";
import {
  clearRequestLog,
  configured,
  createAppDirectly,
  requestLog,
  startClockedEmulator,
  UNKNOWN,
  worldState,
  type ClockedEmulator,
} from "./provider-support";

let clocked: ClockedEmulator;
let fx: EmulatorFixture;
let provider: FlyCertificateProvider;

const APP = "cert-app";

beforeAll(async () => {
  // Issuance takes the emulator's checks time, on a clock that moves only when told to.
  clocked = await startClockedEmulator();
  fx = clocked.fx;
  provider = clocked.onClockAlways(await configured(new FlyCertificateProvider(), fx));
  await createAppDirectly(fx, APP);
});

afterAll(async () => {
  await clocked.close();
});

describe("FlyCertificate check", () => {
  it("names a hostname that is not a domain name", async () => {
    expect(await provider.check({} as never, { app: APP, hostname: "Not A Host" })).toEqual({
      failures: [
        {
          property: "hostname",
          reason:
            'must be a lowercase domain name of dot-separated labels (e.g. gw.example.com), got "Not A Host"',
        },
      ],
    });
  });

  it("accepts unknown values during a preview", async () => {
    expect(await provider.check({} as never, { app: UNKNOWN, hostname: UNKNOWN })).toEqual({
      inputs: { app: UNKNOWN, hostname: UNKNOWN },
    });
  });
});

describe("FlyCertificate lifecycle", () => {
  it("requests a certificate with its DNS requirements, then reads it active", async () => {
    const created = await provider.create({ app: APP, hostname: "gw.example.com" });
    const appId = (await worldState(fx)).apps[APP].id as string;
    const dnsRequirements = {
      a: [],
      aaaa: [],
      cname: `${APP}.fly.dev`,
      acmeChallenge: {
        name: "_acme-challenge.gw.example.com",
        target: `gw.example.com.${appId.slice(0, 5)}.flydns.net`,
      },
      ownership: {
        name: "_fly-ownership.gw.example.com",
        appValue: `app-${appId}`,
        orgValue: "org-personal",
      },
    };
    expect(created).toEqual({
      id: "gw.example.com",
      outs: { app: APP, hostname: "gw.example.com", status: "pending_validation", dnsRequirements },
    });
    expect((await provider.read("gw.example.com", created.outs)).props).toEqual(created.outs);
    await advanceClock(fx, fx.handle.emulator.settings.checksMs);
    expect(await provider.read("gw.example.com", created.outs)).toEqual({
      id: "gw.example.com",
      props: { ...created.outs, status: "active" },
      inputs: { app: APP, hostname: "gw.example.com" },
    });
  });

  it("replaces on a new hostname and sees no change for provider code alone", async () => {
    const outs = {
      app: APP,
      hostname: "gw.example.com",
      status: "active",
      dnsRequirements: { a: [], aaaa: [] },
    };
    expect(
      await provider.diff("gw.example.com", outs, {
        app: APP,
        hostname: "gw.example.com",
        __provider: "x",
      } as never),
    ).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      await provider.diff("gw.example.com", outs, { app: APP, hostname: "api.example.com" }),
    ).toEqual({
      changes: true,
      replaces: ["hostname"],
      deleteBeforeReplace: false,
    });
  });

  it("adopts a certificate the app already has for the hostname", async () => {
    await clearRequestLog(fx);
    const again = await provider.create({ app: APP, hostname: "gw.example.com" });
    expect(again.outs.status).toBe("active");
    expect(await requestLog(fx)).toEqual([`GET /v1/apps/${APP}/certificates/gw.example.com 200`]);
  });

  it("adopts the certificate of a request whose answer was lost", async () => {
    await fx.control("POST", "/faults", {
      kind: "timeout_after_commit",
      route: `POST /v1/apps/${APP}/certificates/acme`,
    });
    const created = await provider.create({ app: APP, hostname: "lost.example.com" });
    expect(created.id).toBe("lost.example.com");
    const listed = await fx.api("GET", `/v1/apps/${APP}/certificates`);
    const hostnames = (listed.body.certificates as { hostname: string }[]).map((c) => c.hostname);
    expect(hostnames.filter((h) => h === "lost.example.com")).toEqual(["lost.example.com"]);
  });

  it("removes the certificate on delete and then reads it as gone", async () => {
    const outs = {
      app: APP,
      hostname: "gw.example.com",
      status: "active",
      dnsRequirements: { a: [], aaaa: [] },
    };
    await provider.delete("gw.example.com", outs);
    expect(await provider.read("gw.example.com", outs)).toEqual({});
  });
});
