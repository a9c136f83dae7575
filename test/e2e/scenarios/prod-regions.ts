import { expect, it } from "vitest";
import { appMarkerName } from "../../../providers/provider-kit/ownership";
import type { ResourceState } from "../../../engine/engine-types";
import type { StackChain } from "../support/chain";
import { known, machineUrn, outputMap } from "../support/expectations";
import { secretSightings, stackTexts } from "../support/secret-scan";
import {
  describeRequests,
  liveMachines,
  liveVolumes,
  logMark,
  machineIdsByRegion,
  machineIn,
  machineMutations,
  mutating,
  requestsSince,
  secretsOf,
  whenLogged,
} from "../support/world";
import { PROD } from "./prod-rollout";

const APP = PROD.app;
const MACHINES_ROUTE = "/v1/apps/{app_name}/machines";

const recorded = (resources: readonly unknown[], type: string) =>
  (resources as ResourceState[]).filter((r) => r.type === `pulumi-nodejs:dynamic/fly:${type}`);

/**
 * The prod stack, continued: a region change (fra in, ams out) whose first up dies with its
 * provider host right after Fly accepted fra's machine, the up that recovers it without
 * duplicating anything, a destroy that keeps the retained volumes, and the secret scan of the
 * whole history.
 */
export function prodRegionScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;
  let crashedMachineId = "";

  it("a provider host killed right after Fly accepted fra's machine create fails the up", async () => {
    const { stack } = chain;
    stack.config.regions = JSON.stringify(["iad", "fra"]);
    const engine = stack.engine();
    const stop = whenLogged(
      stack.emulator,
      (e) => e.method === "POST" && e.route === MACHINES_ROUTE && e.status === 200,
      () => engine.killProviderHost(),
    );
    const result = await stack.up(engine);
    stop();
    expect(result.ok).toBe(false);
    const urn = machineUrn("prod", "fra");
    expect(result.error).toBe(
      `${urn}: the pulumi-nodejs provider host was killed by SIGKILL during Create for ${urn}`,
    );
    // Fly made the machine, the state does not know it, and nothing was deleted yet.
    const fra = machineIn(stack.emulator, APP, "fra");
    crashedMachineId = fra.id;
    const state = engine.readState()!.resources;
    expect(
      recorded(state, "FlyMachine")
        .map((r) => r.outputs.region)
        .sort(),
    ).toEqual(["ams", "iad"]);
    expect(
      recorded(state, "FlyVolume")
        .map((r) => r.outputs.region)
        .sort(),
    ).toEqual(["ams", "fra", "iad"]);
    expect(liveMachines(stack.emulator, APP).map((m) => m.region)).toEqual(["ams", "fra", "iad"]);
  });

  it("the next up adopts fra's machine and removes ams: its machine gone, its volume kept", async () => {
    const { stack } = chain;
    const ams = machineIn(stack.emulator, APP, "ams");
    const amsVolume = liveVolumes(stack.emulator, APP).find((v) => v.region === "ams")!;
    const mark = logMark(stack.emulator);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 1, update: 0, replace: 0, delete: 2, same: 8 });
    expect(
      result.steps
        .filter((s) => s.op !== "same")
        .map((s) => `${s.op} ${s.name}`)
        .sort(),
    ).toEqual([
      "create gateway-fra-machine",
      "delete gateway-ams-machine",
      "delete gateway-ams-volume",
    ]);
    const log = requestsSince(stack.emulator, mark);
    // Adopted, not created again: one machine and one volume per region, in one app.
    expect(log.filter((e) => e.method === "POST" && e.route === MACHINES_ROUTE)).toEqual([]);
    const everyMachine = Object.values(world().machines).filter((m) => m.app === APP);
    expect(everyMachine.map((m) => `${m.name} ${m.region} ${m.state}`).sort()).toEqual([
      "gateway-ams ams destroyed",
      "gateway-fra fra started",
      "gateway-iad iad started",
      // The temporary machine of the earlier failed rehearsal in iad.
      "gateway-iad-rehearsal iad destroyed",
    ]);
    expect(machineIdsByRegion(stack.emulator, APP)).toEqual({
      fra: crashedMachineId,
      iad: outputMap(chain.results.fresh, "machineIds").iad,
    });
    expect(Object.keys(world().apps)).toEqual([APP]);
    // ams: stopped under its lease and destroyed; its volume is left alone, unattached.
    expect(machineMutations(log, APP, ams.id)).toEqual([
      "POST lease 201",
      "POST stop 200",
      "DELETE machine 200",
    ]);
    expect(mutating(log).filter((e) => e.path.includes("/volumes/"))).toEqual([]);
    expect(world().volumes[amsVolume.id]).toMatchObject({
      region: "ams",
      attached_machine_id: null,
      state: "created",
    });
    const volumes = liveVolumes(stack.emulator, APP);
    expect(volumes.map((v) => v.region)).toEqual(["ams", "fra", "iad"]);
    const fraVolume = volumes.find((v) => v.region === "fra")!;
    expect(machineIn(stack.emulator, APP, "fra").config.mounts).toEqual([
      { volume: fraVolume.id, path: "/data" },
    ]);
    expect(result.outputs.machineIds).toEqual(known(machineIdsByRegion(stack.emulator, APP)));
    expect(result.outputs.volumeIds).toEqual(
      known({ fra: fraVolume.id, iad: outputMap(chain.results.fresh, "volumeIds").iad }),
    );
  });

  it("destroy removes machines and secrets but keeps the retained volumes and their app", async () => {
    const { stack } = chain;
    const mark = logMark(stack.emulator);
    const result = await stack.destroy();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 9, same: 0 });
    expect(liveMachines(stack.emulator, APP)).toEqual([]);
    const volumes = liveVolumes(stack.emulator, APP);
    expect(volumes.map((v) => [v.region, v.attached_machine_id, v.state])).toEqual([
      ["ams", null, "created"],
      ["fra", null, "created"],
      ["iad", null, "created"],
    ]);
    expect(Object.keys(world().apps)).toEqual([APP]);
    // The app left in place still names its stack, so only this stack's next up adopts it.
    expect(secretsOf(stack.emulator, APP)?.names).toEqual([appMarkerName("openclaw-fly/prod")]);
    const calls = describeRequests(mutating(requestsSince(stack.emulator, mark)));
    expect(calls.filter((line) => line.startsWith(`DELETE /v1/apps/${APP} `))).toEqual([]);
    expect(calls.filter((line) => line.includes("/volumes/"))).toEqual([]);
    const warning = result.logs.find((entry) => entry.message.includes("still holds volumes"));
    expect(warning?.message).toMatch(
      new RegExp(
        `^\\[fly:app ${APP}\\] warning: app ${APP} still holds volumes (openclaw_data \\(vol_\\w+, (ams|fra|iad)\\)(, )?){3}; ` +
          "it is left in place on Fly \\(deleting it would delete them\\) and the next up adopts it again$",
      ),
    );
    expect(stack.engine().readState()!.resources).toEqual([]);
  });

  it("no secret value appears in the state, any log line, or the emulator's world", async () => {
    const { stack } = chain;
    const secrets = {
      gatewayToken: chain.results.fresh.outputs.gatewayToken.value as string,
      providerKey: PROD.providerKey,
      flyApiToken: stack.token,
    };
    expect(secretSightings(await stackTexts(stack), secrets)).toEqual([]);
  });
}
