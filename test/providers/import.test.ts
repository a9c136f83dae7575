/**
 * `pulumi import` of each app-scoped resource: `read("<app>/<id>", {})` with no state finds the
 * resource and returns the same outputs (and the inputs) a create produced.
 */
import { describe, expect, it } from "vitest";
import { FlyCertificateProvider } from "../../providers/certificate/fly-certificate";
import { DEFAULT_HEALTH_TIMEOUT_SECONDS } from "../../rules/deployment-defaults";
import { FlyIpAddressProvider } from "../../providers/ip-address/fly-ip-address";
import { FlyVolumeProvider } from "../../providers/volume/fly-volume";
import { APP, useMachineTestbed } from "./machine-testbed";
import { configured } from "./provider-support";

const bed = useMachineTestbed();

describe("import by <app>/<id>", () => {
  it("reads a machine by app and machine id", async () => {
    // Fly does not know the health timeout, so an import takes the default.
    const inputs = await bed.inputs({
      name: "gw-import",
      healthTimeoutSeconds: DEFAULT_HEALTH_TIMEOUT_SECONDS,
    });
    const created = await bed.provider.create(inputs);
    const read = await bed.provider.read(`${APP}/${created.id}`, {} as never);
    expect(read.id).toBe(created.id);
    expect(read.props).toEqual(created.outs);
    expect(read.inputs).toEqual(inputs);
  });

  it("reads a volume by app and volume id", async () => {
    const provider = await configured(new FlyVolumeProvider(), bed.fx);
    const inputs = {
      app: APP,
      name: "imported",
      region: "iad",
      sizeGb: 1,
      encrypted: true,
      deleteOnDestroy: false,
      snapshotBeforeDelete: true,
    };
    const created = await provider.create(inputs as never);
    const read = await provider.read(`${APP}/${created.id}`, {} as never);
    expect(read.id).toBe(created.id);
    expect(read.props).toEqual(created.outs);
  });

  it("reads an IP address by app and address", async () => {
    const provider = await configured(new FlyIpAddressProvider(), bed.fx);
    const inputs = { app: APP, type: "v6" as const, region: "global" };
    const created = await provider.create(inputs);
    const read = await provider.read(`${APP}/${created.id}`, {} as never);
    expect(read).toEqual({ id: created.id, props: created.outs, inputs });
  });

  it("reads a certificate by app and hostname", async () => {
    const provider = await configured(new FlyCertificateProvider(), bed.fx);
    const created = await provider.create({ app: APP, hostname: "import.example.com" });
    expect(created.outs.status).toBe("pending_validation");
    // Past issuance on the emulator's clock, so the read sees one certain status.
    await bed.fx.control("POST", "/clock", { advance_ms: 3_600_000 });
    const read = await provider.read(`${APP}/import.example.com`, {} as never);
    expect(read).toEqual({
      id: "import.example.com",
      props: { ...created.outs, status: "active" },
      inputs: { app: APP, hostname: "import.example.com" },
    });
  });

  it("names the expected form when an import id has no app", async () => {
    const provider = await configured(new FlyIpAddressProvider(), bed.fx);
    await expect(provider.read("2a09:8280:1::1", {} as never)).rejects.toThrow(
      'FlyIpAddress import id "2a09:8280:1::1" must have the form "<app>/<id>", e.g. "my-app/2a09:8280:1::1"',
    );
  });
});
