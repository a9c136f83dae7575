import { expect, it } from "vitest";
import { secretDigest } from "../../../emulator/secret-store";
import type { StackChain } from "../support/chain";
import { machineUrn } from "../support/expectations";
import { secretSightings, stackTexts } from "../support/secret-scan";
import {
  ipsOf,
  liveMachines,
  logMark,
  machineIn,
  machineMutations,
  requestsSince,
  secretsOf,
  whenLogged,
} from "../support/world";
import { changes } from "./local-modes";

/** The stack's app, its image, one the checks fail on, and the secrets its config carries. */
export const ANY_STATE = {
  app: "openclaw-local",
  image: "ghcr.io/openclaw/openclaw:2026.9.6",
  brokenImage: "ghcr.io/openclaw/openclaw:2026.9.5",
  gatewayToken: "e2e-gateway-token-any-state-7c1e9b3d5f",
  firstKey: "sk-e2e-any-state-first-2b8d4f6a1c",
  rotatedKey: "sk-e2e-any-state-second-9a3c5e7b2d",
};
const APP = ANY_STATE.app;
const MACHINE_ROUTE = /^\/v1\/apps\/[^/]+\/machines\/[^/]+$/;

/** `progress` lines of an operation's log that contain `text`. */
function linesWith(messages: readonly string[], text: string): string[] {
  return messages.filter((m) => m.includes(text));
}

/**
 * The local stack (public, iad + ams, canary) from any state: machines stopped, suspended,
 * changed and destroyed behind the program's back, an IP address released, an update killed
 * after Fly accepted it, a secret written on Fly by someone else, and a rotation whose canary
 * fails; each converged by the next `up`, which its preview announces.
 */
export function localAnyStateScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;

  it("a fresh up", async () => {
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
    chain.results.fresh = result;
  });

  it("a machine stopped and one suspended through the API are started by the next up", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    expect((await stack.api("POST", `/v1/apps/${APP}/machines/${iad.id}/stop`)).status).toBe(200);
    expect((await stack.api("POST", `/v1/apps/${APP}/machines/${ams.id}/suspend`)).status).toBe(
      200,
    );
    await stack.api("GET", `/v1/apps/${APP}/machines/${iad.id}/wait?state=stopped&timeout=5`);
    await stack.api("GET", `/v1/apps/${APP}/machines/${ams.id}/wait?state=suspended&timeout=5`);
    expect([iad.state, ams.state]).toEqual(["stopped", "suspended"]);

    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine []",
      "update gateway-iad-machine []",
    ]);
    const messages = preview.logs.map((entry) => entry.message);
    expect(linesWith(messages, "up brings it back").sort()).toEqual([
      `[fly:machine gateway-ams] on Fly, machine ${ams.id} is suspended; up brings it back to the program's`,
      `[fly:machine gateway-iad] on Fly, machine ${iad.id} is stopped; up brings it back to the program's`,
    ]);

    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(changes(preview.steps));
    expect(liveMachines(stack.emulator, APP).map((m) => [m.region, m.state])).toEqual([
      ["ams", "started"],
      ["iad", "started"],
    ]);
    expect([iad.checks, ams.checks].map((c) => c.map((check) => check.status))).toEqual([
      ["passing"],
      ["passing"],
    ]);
  });

  it("a machine changed, one destroyed and an address released behind the program's back are put back by the next up", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const current = await stack.api("GET", `/v1/apps/${APP}/machines/${iad.id}`);
    const config = { ...current.body.config, image: ANY_STATE.brokenImage };
    const changed = await stack.api("POST", `/v1/apps/${APP}/machines/${iad.id}`, { config });
    expect(changed.status).toBe(200);
    const destroyed = await stack.api("DELETE", `/v1/apps/${APP}/machines/${ams.id}?force=true`);
    expect(destroyed.status).toBe(200);
    const v6 = ipsOf(stack.emulator, APP)
      .find((ip) => ip.startsWith("v6 "))!
      .split(" ")[1];
    const released = await stack.api("DELETE", `/v1/apps/${APP}/ip_assignments/${v6}`);
    expect(released.status).toBe(204);

    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    // The new IPv6 address is one openclaw.json trusts, so the file changes with it: both
    // machines take the new file, ams on the machine created again.
    expect(changes(preview.steps)).toEqual([
      "create-replacement gateway-ams-machine [files]",
      "create-replacement gateway-ipv6 []",
      "delete-replaced gateway-ams-machine [files]",
      "delete-replaced gateway-ipv6 []",
      "replace gateway-ams-machine [files]",
      "replace gateway-ipv6 []",
      "update gateway-iad-machine [files]",
    ]);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(changes(preview.steps));
    expect([iad.config.image, iad.state]).toEqual([ANY_STATE.image, "started"]);
    expect(liveMachines(stack.emulator, APP).map((m) => [m.region, m.state])).toEqual([
      ["ams", "started"],
      ["iad", "started"],
    ]);
    expect(machineIn(stack.emulator, APP, "ams").id).not.toBe(ams.id);
    expect(ipsOf(stack.emulator, APP).map((ip) => ip.split(" ")[0])).toEqual(["shared_v4", "v6"]);
  });

  it("an update killed after Fly accepted it is settled by the next up, past the killed run's lease: failed, its data and configuration are restored", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    stack.emulator.emulator.faults.add({ kind: "checks_fail", image: ANY_STATE.brokenImage });
    stack.config.image = ANY_STATE.brokenImage;
    const engine = stack.engine();
    const stop = whenLogged(
      stack.emulator,
      (e) => e.method === "POST" && MACHINE_ROUTE.test(e.path) && e.status === 200,
      () => engine.killProviderHost(),
    );
    const killed = await stack.up(engine);
    stop();
    expect(killed.ok).toBe(false);
    // The killed run left the canary on the new, failing version, under its own lease.
    expect(iad.config.image).toBe(ANY_STATE.brokenImage);
    expect(iad.lease).toBeDefined();

    // CI was cancelled; the operator reverts the change and runs up again.
    delete stack.config.image;
    const mark = logMark(stack.emulator);
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(changes(preview.steps)).toEqual(["update gateway-iad-machine []"]);
    const result = await stack.up();
    stack.emulator.emulator.faults.clear();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(changes(preview.steps));
    // The killed run's update is settled first: it fails, so the region is restored from the
    // snapshot taken before it, data and configuration, on a new volume and machine (the volume
    // the failing version ran on is kept). That is what the reverted program asks for: success.
    const volumeOf = (m: typeof iad) => (m.config.mounts as { volume: string }[])[0].volume;
    const snapshot = world().volumes[volumeOf(iad)].snapshots.at(-1)!.id;
    const now = machineIn(stack.emulator, APP, "iad");
    expect([now.id === iad.id, now.config.image, now.state, iad.state]).toEqual([
      false,
      ANY_STATE.image,
      "started",
      "destroyed",
    ]);
    expect(now.checks.map((check) => check.status)).toEqual(["passing"]);
    expect(volumeOf(now)).not.toBe(volumeOf(iad));
    expect(world().volumes[volumeOf(iad)].attached_machine_id).toBeNull();
    const messages = result.logs.map((entry) => entry.message);
    expect(linesWith(messages, "earlier run")).toEqual([
      `[fly:machine gateway-iad] machine ${iad.id} runs an update an earlier run sent and did ` +
        "not record; up settles it",
      `[fly:machine gateway-iad] machine ${iad.id} runs an update an earlier run sent and did ` +
        `not record (snapshot ${snapshot} holds the data from before it); waiting until it is healthy`,
      `[fly:machine gateway-iad] the update an earlier run sent failed; restoring snapshot ` +
        `${snapshot} and the recorded configuration`,
      `[fly:machine gateway-iad] the machine's lease ("openclaw-fly openclaw-fly/local: updating the machine") was left by an earlier run of this stack that did not finish; taking it over`,
    ]);
    expect(machineMutations(requestsSince(stack.emulator, mark), APP, iad.id)).toEqual([
      // Fly refuses the lease the killed run holds; its nonce, read from Fly, takes it over.
      "POST lease 409",
      "POST stop 200",
      "DELETE machine 200",
    ]);
    // Settled: nothing is left to do.
    expect(changes((await stack.preview()).steps)).toEqual([]);
  });

  it("a secret written on Fly behind the program's back is set again from the stack and rolled out", async () => {
    const { stack } = chain;
    const before = secretsOf(stack.emulator, APP)!.version;
    const tampered = await stack.api("POST", `/v1/apps/${APP}/secrets`, {
      values: { OPENCLAW_GATEWAY_TOKEN: "token-set-by-hand-on-fly-4e8a2c" },
    });
    expect(tampered.status).toBe(200);
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    // The new secrets version is known only once written: the preview plans every machine.
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine [minSecretsVersion]",
      "update gateway-iad-machine [minSecretsVersion]",
      "update gateway-secrets []",
    ]);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      "update gateway-ams-machine [minSecretsVersion]",
      "update gateway-iad-machine [minSecretsVersion]",
      "update gateway-secrets []",
    ]);
    const version = secretsOf(stack.emulator, APP)!.version;
    expect(version).toBe(before + 2);
    expect(world().secrets[APP].secrets.OPENCLAW_GATEWAY_TOKEN.digest).toBe(
      secretDigest(ANY_STATE.gatewayToken),
    );
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect([
        machine.region,
        machine.min_secrets_version,
        machine.booted_secrets_version,
        machine.state,
      ]).toEqual([machine.region, version, version, "started"]);
    }
    const messages = result.logs.map((entry) => entry.message);
    expect(linesWith(messages, "changed on Fly")).toEqual([
      "[fly:secrets openclaw-local] setting OPENCLAW_GATEWAY_TOKEN again from the stack's values: changed on Fly since this stack wrote them",
    ]);
  });

  it("a rotation whose canary fails leaves the regions on two secret versions; the next up finishes it", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const before = secretsOf(stack.emulator, APP)!.version;
    // The canary's checks fail on the version that boots with the new secrets, and pass again
    // once it is rolled back: the fault lives from the canary's update to its rollback.
    const failing = stack.emulator.emulator.faults.add({
      kind: "checks_fail",
      image: ANY_STATE.image,
    });
    let updates = 0;
    const stop = stack.emulator.emulator.log.watch((e) => {
      if (e.method !== "POST" || e.path !== `/v1/apps/${APP}/machines/${iad.id}`) return;
      updates += 1;
      if (updates === 2) {
        const faults = stack.emulator.emulator.faults;
        faults.world = faults.world.filter((fault) => fault !== failing);
      }
    });
    stack.secretConfig.providerKeys = JSON.stringify({ OPENAI_API_KEY: ANY_STATE.rotatedKey });
    const failed = await stack.up();
    stop();
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain(`${machineUrn("local", "iad")}: `);
    expect(failed.error).toContain("rolled back to the previous configuration");
    const rotated = secretsOf(stack.emulator, APP)!.version;
    expect(rotated).toBe(before + 1);
    // Fly holds the new values. iad was rolled back to its previous configuration, and, as any
    // machine that boots, it booted with the app's current secrets; ams, never touched, still
    // runs on the values it booted with. Each records the old version as its minimum.
    const booted = () =>
      [iad, ams].map((m) => [m.region, m.min_secrets_version, m.booted_secrets_version]);
    expect(booted()).toEqual([
      ["iad", before, rotated],
      ["ams", before, before],
    ]);

    const preview = await stack.preview();
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine [minSecretsVersion]",
      "update gateway-iad-machine [minSecretsVersion]",
    ]);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(changes(preview.steps));
    expect(booted()).toEqual([
      ["iad", rotated, rotated],
      ["ams", rotated, rotated],
    ]);
    expect([iad.state, ams.state]).toEqual(["started", "started"]);
  });

  it("no secret value appears in the state, any log line, or the emulator's world", async () => {
    const { stack } = chain;
    const secrets = {
      gatewayToken: ANY_STATE.gatewayToken,
      firstProviderKey: ANY_STATE.firstKey,
      rotatedProviderKey: ANY_STATE.rotatedKey,
      flyApiToken: stack.token,
    };
    expect(secretSightings(await stackTexts(stack), secrets)).toEqual([]);
  });
}
