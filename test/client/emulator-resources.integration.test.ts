/**
 * The client's volume, secret, IP address, certificate and region operations against the
 * project's Machines API emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlyClient } from "../../providers/fly-client/fly-client";
import { startEmulatorHarness } from "./emulator-harness";
import type { EmulatorHarness } from "./emulator-harness";

let harness: EmulatorHarness;
let client: FlyClient;
beforeAll(async () => {
  harness = await startEmulatorHarness();
  client = harness.client;
});
afterAll(async () => {
  await harness.close();
});

describe("volumes, secrets, addresses, certificates and regions", () => {
  it("creates, extends, snapshots and deletes a volume", async () => {
    const app = await harness.newApp();
    const volume = await client.volumes.create(app, { name: "data", region: "iad", size_gb: 1 });
    expect((await client.volumes.get(app, volume.id)).name).toBe("data");
    const extended = await client.volumes.extend(app, volume.id, 2);
    expect(extended.volume.size_gb).toBe(2);
    const updated = await client.volumes.update(app, volume.id, { snapshot_retention: 7 });
    expect(updated.snapshot_retention).toBe(7);
    await client.volumes.createSnapshot(app, volume.id);
    expect(Array.isArray(await client.volumes.listSnapshots(app, volume.id))).toBe(true);
    expect((await client.volumes.list(app)).map((v) => v.id)).toContain(volume.id);
    await client.volumes.delete(app, volume.id);
  });

  it("writes secrets in bulk with increasing versions and lists their digests", async () => {
    const app = await harness.newApp();
    const first = await client.secrets.set(app, { OPENCLAW_GATEWAY_TOKEN: "s3cret", OTHER: "x" });
    const second = await client.secrets.unset(app, ["OTHER", "NEVER_SET"]);
    expect(second.version).toBeGreaterThan(first.version);
    const listed = await client.secrets.list(app);
    expect(listed.map((s) => s.name)).toEqual(["OPENCLAW_GATEWAY_TOKEN"]);
    expect(typeof listed[0].digest).toBe("string");
    expect(JSON.stringify(listed)).not.toContain("s3cret");
  });

  it("allocates, lists and releases IP addresses", async () => {
    const app = await harness.newApp();
    const shared = await client.ipAddresses.allocate(app, { type: "shared_v4" });
    const flycast = await client.ipAddresses.allocate(app, {
      type: "private_v6",
      org_slug: "personal",
    });
    expect(flycast.ip.startsWith("fdaa:")).toBe(true);
    const listed = await client.ipAddresses.list(app);
    expect(listed.map((ip) => ip.ip).sort()).toEqual([shared.ip, flycast.ip].sort());
    await client.ipAddresses.release(app, flycast.ip);
    expect((await client.ipAddresses.list(app)).map((ip) => ip.ip)).toEqual([shared.ip]);
  });

  it("requests, checks and deletes a certificate", async () => {
    const app = await harness.newApp();
    const hostname = `${app}.example.com`;
    const created = await client.certificates.create(app, hostname);
    expect(created.hostname).toBe(hostname);
    expect((await client.certificates.get(app, hostname)).hostname).toBe(hostname);
    expect((await client.certificates.check(app, hostname)).hostname).toBe(hostname);
    expect((await client.certificates.list(app)).map((c) => c.hostname)).toEqual([hostname]);
    await client.certificates.delete(app, hostname);
    expect(await client.certificates.list(app)).toEqual([]);
  });

  it("lists Fly's regions", async () => {
    const { regions } = await client.platform.regions();
    expect(regions.map((r) => r.code)).toContain("iad");
  });
});
