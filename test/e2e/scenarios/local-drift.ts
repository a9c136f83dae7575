import { expect, it } from "vitest";
import type { StackChain } from "../support/chain";
import { known, outputMap } from "../support/expectations";
import { secretSightings, stackTexts } from "../support/secret-scan";
import {
  describeRequests,
  liveMachines,
  liveVolumes,
  logMark,
  machineIn,
  mutating,
  requestsSince,
  volumeIdsByRegion,
} from "../support/world";
import { changes, LOCAL } from "./local-modes";

const APP = LOCAL.app;
const DRIFTED_IMAGE = "ghcr.io/openclaw/openclaw:2026.9.5";

/**
 * The local stack, continued: image and env changed and a machine deleted behind Pulumi's back,
 * seen by a refresh and corrected by the next up; volumes grown in place; then a destroy that,
 * with this stack's `retainVolumes: false`, deletes everything; and the secret scan of the whole
 * history.
 */
export function localDriftScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;

  it("refresh sees image and env drift and a machine deleted behind Pulumi's back", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const current = await stack.api("GET", `/v1/apps/${APP}/machines/${iad.id}`);
    const config = {
      ...current.body.config,
      image: DRIFTED_IMAGE,
      env: { ...current.body.config.env, DRIFTED: "yes" },
    };
    expect((await stack.api("POST", `/v1/apps/${APP}/machines/${iad.id}`, { config })).status).toBe(
      200,
    );
    const deleted = await stack.api("DELETE", `/v1/apps/${APP}/machines/${ams.id}?force=true`);
    expect(deleted.status).toBe(200);

    const mark = logMark(stack.emulator);
    const result = await stack.refresh();
    expect(result.error).toBeUndefined();
    // Only the real drift: the volumes record nothing their machines change. The machine's
    // diff calls it drift; the row lists the inputs read back that differ (step.go
    // RefreshStep.Apply, rows.go getDiffInfo), so the output-only `version` is not among them.
    expect(changes(result.steps)).toEqual([
      "delete gateway-ams-machine []",
      "update gateway-iad-machine [env, image]",
    ]);
    expect(mutating(requestsSince(stack.emulator, mark))).toEqual([]);
    const recorded = (await stack.engine().loadState()).find((r) =>
      r.urn.endsWith("::gateway-iad-machine"),
    )!;
    expect(recorded.outputs.image).toBe(DRIFTED_IMAGE);
    expect((recorded.outputs.env as Record<string, string>).DRIFTED).toBe("yes");
  });

  it("the next up corrects the drift and recreates the lost machine on its volume", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const amsVolume = volumeIdsByRegion(stack.emulator, APP).ams;
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      "create gateway-ams-machine []",
      "update gateway-iad-machine [env, image]",
    ]);
    expect(iad.config.image).toBe(LOCAL.image);
    expect((iad.config.env as Record<string, string>).DRIFTED).toBeUndefined();
    const ams = machineIn(stack.emulator, APP, "ams");
    expect(ams.id).not.toBe(outputMap(chain.results.fresh, "machineIds").ams);
    expect(ams.config.mounts).toEqual([{ volume: amsVolume, path: "/data" }]);
    expect(world().volumes[amsVolume].attached_machine_id).toBe(ams.id);
    expect(result.outputs.machineIds).toEqual(known({ ams: ams.id, iad: iad.id }));
    expect(liveMachines(stack.emulator, APP).map((m) => [m.region, m.state])).toEqual([
      ["ams", "started"],
      ["iad", "started"],
    ]);
  });

  it("growing the volumes previews and applies as volume updates, each machine then booted to use its grown volume", async () => {
    const { stack } = chain;
    stack.config.volumeSizeGb = "2";
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    // An update, never a replace: the mount names the volume's id, which a preview keeps known.
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine [volumeSizeGb]",
      "update gateway-ams-volume [sizeGb]",
      "update gateway-iad-machine [volumeSizeGb]",
      "update gateway-iad-volume [sizeGb]",
    ]);
    const mark = logMark(stack.emulator);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(changes(preview.steps));
    expect(liveVolumes(stack.emulator, APP).map((v) => v.size_gb)).toEqual([2, 2]);
    // Fly answers an extension of a mounted volume with needs_restart: each machine is updated
    // (booted) after its own volume grew, so `up` ends with every volume in use at its size.
    const log = describeRequests(mutating(requestsSince(stack.emulator, mark)));
    for (const region of ["ams", "iad"]) {
      const machine = machineIn(stack.emulator, APP, region);
      const volume = volumeIdsByRegion(stack.emulator, APP)[region];
      const grown = log.indexOf(`PUT /v1/apps/${APP}/volumes/${volume}/extend 200`);
      expect(grown).toBeGreaterThanOrEqual(0);
      expect(log.indexOf(`POST /v1/apps/${APP}/machines/${machine.id} 200`)).toBeGreaterThan(grown);
      const metadata = machine.config.metadata as Record<string, string> | undefined;
      expect([machine.state, metadata?.["openclaw-fly/volume-size-gb"]]).toEqual(["started", "2"]);
    }
  });

  it("destroy deletes everything, each volume after a snapshot, then the emptied app", async () => {
    const { stack } = chain;
    const volumes = Object.values(volumeIdsByRegion(stack.emulator, APP));
    const mark = logMark(stack.emulator);
    const result = await stack.destroy();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 10, same: 0 });
    const log = describeRequests(mutating(requestsSince(stack.emulator, mark)));
    for (const id of volumes) {
      const snapshot = log.indexOf(`POST /v1/apps/${APP}/volumes/${id}/snapshots 200`);
      expect(snapshot).toBeGreaterThanOrEqual(0);
      expect(log.indexOf(`DELETE /v1/apps/${APP}/volumes/${id} 200`)).toBeGreaterThan(snapshot);
    }
    expect(log.at(-1)).toBe(`DELETE /v1/apps/${APP} 202`);
    const { apps, machines, volumes: left, secrets, ipAddresses } = world();
    expect({ apps, machines, volumes: left, secrets, ipAddresses }).toEqual({
      apps: {},
      machines: {},
      volumes: {},
      secrets: {},
      ipAddresses: [],
    });
    expect(stack.engine().readState()!.resources).toEqual([]);
  });

  it("no secret value appears in the state, any log line, or the emulator's world", async () => {
    const { stack } = chain;
    const secrets = {
      gatewayToken: LOCAL.gatewayToken,
      firstProviderKey: LOCAL.firstKey,
      rotatedProviderKey: LOCAL.rotatedKey,
      flyApiToken: stack.token,
    };
    expect(secretSightings(await stackTexts(stack), secrets)).toEqual([]);
  });
}
