import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlyIpAddressProvider } from "../../providers/ip-address/fly-ip-address";
import type { FlyIpAddressInputs } from "../../providers/ip-address/fly-ip-address";
import {
  captureProgress,
  clearRequestLog,
  configured,
  createAppDirectly,
  requestLog,
  startEmulatorFixture,
  UNKNOWN,
} from "./provider-support";

let fx: EmulatorFixture;
let provider: FlyIpAddressProvider;

const APP = "ip-app";

async function assigned(): Promise<string[]> {
  const res = await fx.api("GET", `/v1/apps/${APP}/ip_assignments`);
  return (res.body.ips as { ip: string }[]).map((ip) => ip.ip);
}

beforeAll(async () => {
  fx = await startEmulatorFixture();
  provider = await configured(new FlyIpAddressProvider(), fx);
  await createAppDirectly(fx, APP);
});

afterAll(async () => {
  await fx.close();
});

describe("FlyIpAddress check", () => {
  it("defaults to a global address", async () => {
    expect(await provider.check({} as never, { app: APP, type: "v6" } as never)).toEqual({
      inputs: { app: APP, type: "v6", region: "global" },
    });
  });

  it("names a bad type and an unknown region", async () => {
    const result = await provider.check(
      {} as never,
      { app: APP, type: "v5", region: "mars" } as never,
    );
    expect(result).toEqual({
      failures: [
        {
          property: "type",
          reason: 'Invalid option: expected one of "v4"|"shared_v4"|"v6"|"private_v6"',
        },
        {
          property: "region",
          reason:
            'unknown Fly region "mars" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
        },
      ],
    });
  });

  it("accepts unknown values during a preview", async () => {
    expect(await provider.check({} as never, { app: UNKNOWN, type: "v6" } as never)).toEqual({
      inputs: { app: UNKNOWN, type: "v6", region: "global" },
    });
  });
});

describe("FlyIpAddress lifecycle", () => {
  const v6: FlyIpAddressInputs = { app: APP, type: "v6", region: "global" };

  it("allocates, reads, and releases an address", async () => {
    const created = await provider.create(v6);
    expect(created.outs).toEqual({ ...v6, address: created.id });
    expect(created.id).toMatch(/^2a09:8280:1:/);
    expect(await assigned()).toEqual([created.id]);
    expect(await provider.read(created.id, created.outs)).toEqual({
      id: created.id,
      props: created.outs,
      inputs: v6,
    });
    await provider.delete(created.id, created.outs);
    expect(await assigned()).toEqual([]);
    expect(await provider.read(created.id, created.outs)).toEqual({});
  });

  it("replaces on any change and sees none when only the provider code changed", async () => {
    const created = await provider.create(v6);
    const outs = created.outs;
    expect(await provider.diff(outs.address, outs, { ...v6, __provider: "x" } as never)).toEqual({
      changes: false,
    });
    expect(
      await provider.diff(outs.address, outs, { ...v6, type: "private_v6", region: "iad" }),
    ).toEqual({
      changes: true,
      replaces: ["type", "region"],
      deleteBeforeReplace: false,
    });
    await provider.delete(created.id, created.outs);
  });

  it("allocates again an address released behind the stack's back: diff reads Fly", async () => {
    const created = await provider.create(v6);
    await fx.api("DELETE", `/v1/apps/${APP}/ip_assignments/${created.id}`);
    await clearRequestLog(fx);
    expect(await provider.diff(created.id, created.outs, v6)).toEqual({
      changes: true,
      replaces: ["address"],
      deleteBeforeReplace: false,
    });
    expect(await requestLog(fx)).toEqual([`GET /v1/apps/${APP}/ip_assignments 200`]);
  });

  it("adopts an address of the same type the app already has", async () => {
    const direct = await fx.api("POST", `/v1/apps/${APP}/ip_assignments`, { type: "shared_v4" });
    await clearRequestLog(fx);
    const created = await provider.create({ app: APP, type: "shared_v4", region: "global" });
    expect(created.id).toBe(direct.body.ip);
    expect(await requestLog(fx)).toEqual([`GET /v1/apps/${APP}/ip_assignments 200`]);
  });

  it("adopts the address of an allocation whose answer was lost", async () => {
    await fx.control("POST", "/faults", {
      kind: "timeout_after_commit",
      route: `POST /v1/apps/${APP}/ip_assignments`,
    });
    const before = await assigned();
    const created = await provider.create({ app: APP, type: "private_v6", region: "global" });
    expect(created.id).toMatch(/^fdaa:/);
    expect(await assigned()).toEqual([...before, created.id]);
  });
});

describe("FlyIpAddress adoption and release", () => {
  const OWN = "ip-own";
  const list = async () =>
    ((await fx.api("GET", `/v1/apps/${OWN}/ip_assignments`)).body.ips as { ip: string }[]).map(
      (ip) => ip.ip,
    );

  beforeAll(async () => {
    await createAppDirectly(fx, OWN);
  });

  it("adopts the one hand-made dedicated address, marks it, and leaves it in place on delete", async () => {
    const direct = await fx.api("POST", `/v1/apps/${OWN}/ip_assignments`, { type: "v4" });
    const inputs: FlyIpAddressInputs = { app: OWN, type: "v4", region: "global" };
    const created = await provider.create(inputs);
    expect(created).toEqual({
      id: direct.body.ip,
      outs: { ...inputs, address: direct.body.ip, adopted: true },
    });
    expect(await provider.read(created.id, created.outs)).toEqual({
      id: created.id,
      props: created.outs,
      inputs,
    });
    const { lines } = await captureProgress(() => provider.delete(created.id, created.outs));
    expect(lines).toEqual([
      `[fly:ip-address ${OWN} v4] leaving ${created.id} assigned to ${OWN}: it existed before this resource adopted it`,
    ]);
    expect(await list()).toEqual([direct.body.ip]);
  });

  it("allocates beside two hand-made addresses of the type, and releases only its own", async () => {
    const first = await fx.api("POST", `/v1/apps/${OWN}/ip_assignments`, { type: "v6" });
    const second = await fx.api("POST", `/v1/apps/${OWN}/ip_assignments`, { type: "v6" });
    const inputs: FlyIpAddressInputs = { app: OWN, type: "v6", region: "global" };
    const created = await provider.create(inputs);
    expect(created.outs).toEqual({ ...inputs, address: created.id });
    expect([first.body.ip, second.body.ip]).not.toContain(created.id);
    await provider.delete(created.id, created.outs);
    expect((await list()).filter((ip) => ip.includes(":"))).toEqual([
      first.body.ip,
      second.body.ip,
    ]);
  });

  it("does not adopt a private address of another organization", async () => {
    const direct = await fx.api("POST", `/v1/apps/${OWN}/ip_assignments`, { type: "private_v6" });
    const ours = await provider.create({
      app: OWN,
      type: "private_v6",
      region: "global",
      org: "personal",
    });
    expect(ours.id).toBe(direct.body.ip);
    const other = await provider.create({
      app: OWN,
      type: "private_v6",
      region: "global",
      org: "other-org",
    });
    expect(other.id).not.toBe(direct.body.ip);
    expect(other.outs.adopted).toBe(undefined);
  });
});
