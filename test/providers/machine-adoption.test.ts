import { describe, expect, it } from "vitest";
import type { FlyMachineOutputs } from "../../providers/machine/fly-machine";
import { captureProgress, rejectionOf, worldState } from "./provider-support";
import { APP, IMAGE, useMachineTestbed } from "./machine-testbed";
import { waitState } from "../emulator/machine-support";

const bed = useMachineTestbed();
const { inputs, machineRecord } = bed;

describe("FlyMachine adoption", () => {
  it("adopts the machine of a create whose answer was lost: exactly one exists", async () => {
    await bed.fx.control("POST", "/faults", {
      kind: "timeout_after_commit",
      route: `POST /v1/apps/${APP}/machines`,
    });
    const created = await bed.provider.create(await inputs({ name: "gw-lost", mounts: [] }));
    const named = Object.values((await worldState(bed.fx)).machines).filter(
      (m: any) => m.name === "gw-lost",
    ) as { id: string }[];
    expect(named.map((m) => m.id)).toEqual([created.id]);
    expect(created.outs.state).toBe("started");
  });

  it("reports progress lines while it waits, naming ids and versions only", async () => {
    const wanted = await inputs({ name: "gw-talk", mounts: [], env: { PLAIN: "not-shown" } });
    const { result, lines } = await captureProgress(() => bed.provider.create(wanted));
    const polls = `[fly:machine gw-talk] machine ${result.id}: `;
    expect(lines.filter((line) => !line.startsWith(polls))).toEqual([
      `[fly:machine gw-talk] creating machine in ${APP} (iad)`,
      `[fly:machine gw-talk] waiting for machine ${result.id} version ${result.outs.version} to start`,
      `[fly:machine gw-talk] machine ${result.id} started; waiting for its checks to pass`,
      `[fly:machine gw-talk] machine ${result.id} version ${result.outs.version} is started and healthy`,
    ]);
    expect(lines.join("\n")).not.toContain("not-shown");
  });

  it("reads a machine destroyed directly through the API as gone", async () => {
    const created = await bed.provider.create(await inputs({ name: "gw-gone", mounts: [] }));
    const res = await bed.fx.api("DELETE", `/v1/apps/${APP}/machines/${created.id}?force=true`);
    expect(res.status).toBe(200);
    await waitState(bed.fx, APP, created.id, "destroyed");
    expect(await bed.provider.read(created.id, created.outs)).toEqual({});
  });

  it("starts a machine that was stopped once its update is in place", async () => {
    const created = await bed.provider.create(await inputs({ name: "gw-stopped", mounts: [] }));
    await bed.fx.api("POST", `/v1/apps/${APP}/machines/${created.id}/stop`);
    await waitState(bed.fx, APP, created.id, "stopped");
    const wanted = await inputs({ name: "gw-stopped", mounts: [], env: { MODE: "restarted" } });
    const updated = await bed.provider.update(created.id, created.outs, wanted);
    expect(updated.outs.state).toBe("started");
    expect(updated.outs.env).toEqual({ MODE: "restarted" });
    expect((await machineRecord(created.id)).state).toBe("started");
  });

  it("rolls back a version whose process exits, from the stopped machine it left", async () => {
    const created = await bed.provider.create(await inputs({ name: "gw-crash", mounts: [] }));
    await bed.fx.control("POST", "/faults", {
      kind: "exit_after_start",
      image: "registry.fly.io/gw:crash",
      exit_code: 3,
    });
    const wanted = await inputs({
      name: "gw-crash",
      mounts: [],
      image: "registry.fly.io/gw:crash",
      restart: { policy: "no" },
    });
    const error = await rejectionOf(bed.provider.update(created.id, created.outs, wanted));
    const record = await machineRecord(created.id);
    const failed = record.versions[record.versions.length - 2].version;
    // On the testbed's clock the new version starts, is seen with its check still waiting, and
    // exits (the fault's transition time later) before its first check result.
    const failure =
      `FlyMachine gw-crash: machine ${created.id} (gw-crash) in region iad: the update to version ` +
      `${failed} failed: machine ${created.id} in app ${APP} is stopped (its process exited with ` +
      `code 3); `;
    const rollback = `; rolled back to the previous configuration (version ${record.instance_id}, started and healthy)`;
    expect(error.message).toBe(
      `${failure}last seen: 0/1 checks passing; check "startup" is critical: waiting for status${rollback}`,
    );
    expect(record.config.image).toBe(IMAGE);
    expect(record.state).toBe("started");
    await bed.fx.control("DELETE", "/faults");
  });

  it("adopts a machine of the same name carrying the marker and converges its config", async () => {
    const direct = await bed.fx.api("POST", `/v1/apps/${APP}/machines`, {
      name: "gw-marked",
      region: "iad",
      config: { image: "registry.fly.io/gw:old", metadata: { "openclaw-fly/managed": "true" } },
    });
    const created = await bed.provider.create(await inputs({ name: "gw-marked", mounts: [] }));
    expect(created.id).toBe(direct.body.id);
    expect((await machineRecord(direct.body.id)).config.image).toBe(IMAGE);
  });

  it("refuses a machine of the same name without the marker", async () => {
    const direct = await bed.fx.api("POST", `/v1/apps/${APP}/machines`, {
      name: "gw-foreign",
      region: "iad",
      config: { image: "registry.fly.io/gw:old" },
    });
    const error = await rejectionOf(
      bed.provider.create(await inputs({ name: "gw-foreign", mounts: [] })),
    );
    expect(error.message).toBe(
      `FlyMachine gw-foreign: a machine named "gw-foreign" already exists in app ${APP} (id ${direct.body.id}) ` +
        "without the openclaw-fly markers, so it was not created by openclaw-fly; " +
        "refusing to take it over: destroy it or choose another name",
    );
    expect((await machineRecord(direct.body.id)).config.image).toBe("registry.fly.io/gw:old");
  });

  it("records a created machine that never becomes healthy, so the next up updates it", async () => {
    await bed.fx.control("POST", "/faults", {
      kind: "checks_fail",
      image: "registry.fly.io/gw:sick",
    });
    // The host passes the serialized provider with the inputs; the partial create must keep it.
    const wanted = {
      ...(await inputs({
        name: "gw-sick",
        mounts: [],
        image: "registry.fly.io/gw:sick",
        healthTimeoutSeconds: 0.2,
      })),
      __provider: "exports.handler = serialized provider",
    };
    const error = (await rejectionOf(bed.provider.create(wanted))) as Error & {
      id: string;
      properties: FlyMachineOutputs;
      reasons: string[];
    };
    const record = await machineRecord(error.id);
    expect(error.properties.machineId).toBe(error.id);
    expect((error.properties as { __provider?: string }).__provider).toBe(wanted.__provider);
    expect(error.reasons).toEqual([error.message]);
    expect(error.message).toBe(
      `FlyMachine gw-sick: machine ${error.id} in region iad was created but is not healthy: ` +
        `machine ${error.id} in app ${APP} not healthy within 200 ms (started); 0/1 checks passing; ` +
        `check "startup" is critical: GET http://[${record.private_ip}]:3000/startupz: 503 Service Unavailable`,
    );
    // Recorded as unhealthy, and read back so: a refresh (which clears Pulumi's init errors)
    // still leaves a change for the next up.
    expect(error.properties.healthy).toBe(false);
    const read = await bed.provider.read(error.id, error.properties);
    expect((read.props as FlyMachineOutputs).healthy).toBe(false);
    const mustAct = { changes: true, replaces: [], deleteBeforeReplace: false };
    expect(await bed.provider.diff(error.id, read.props as FlyMachineOutputs, wanted)).toEqual(
      mustAct,
    );
    await bed.fx.control("DELETE", "/faults");
    const updated = await bed.provider.update(error.id, error.properties, wanted);
    expect(updated.outs.state).toBe("started");
    expect(updated.outs.healthy).toBeUndefined();
    expect(updated.outs.version).toBe(record.instance_id);
    expect(await bed.provider.diff(error.id, updated.outs, wanted)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });

    // Stopped behind Pulumi's back: a change too, and the update starts it again.
    await bed.fx.api("POST", `/v1/apps/${APP}/machines/${error.id}/stop`, {});
    await waitState(bed.fx, APP, error.id, "stopped");
    const stopped = (await bed.provider.read(error.id, updated.outs)).props as FlyMachineOutputs;
    expect([stopped.state, stopped.healthy]).toEqual(["stopped", false]);
    expect(await bed.provider.diff(error.id, stopped, wanted)).toEqual(mustAct);
    const restarted = await bed.provider.update(error.id, stopped, wanted);
    expect([restarted.outs.state, restarted.outs.healthy]).toEqual(["started", undefined]);
  });
});
