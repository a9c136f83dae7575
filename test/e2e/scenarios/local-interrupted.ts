import { expect, it } from "vitest";
import { secretDigest } from "../../../emulator/secret-store";
import type { StackChain } from "../support/chain";
import { machineUrn } from "../support/expectations";
import { secretSightings, stackTexts } from "../support/secret-scan";
import {
  describeRequests,
  liveMachines,
  logMark,
  machineIn,
  machineMutations,
  mutating,
  requestsSince,
  secretsOf,
  whenLogged,
} from "../support/world";
import { ANY_STATE } from "./local-any-state";
import { changes } from "./local-modes";

/** The gateway token the interrupted rotation sets. */
export const INTERRUPTED = {
  rotatedToken: "e2e-gateway-token-rotated-interrupted-5d9f2a7c",
};
const APP = ANY_STATE.app;

/** `progress` lines of an operation's log that contain `text`. */
function linesWith(messages: readonly string[], text: string): string[] {
  return messages.filter((m) => m.includes(text));
}

/** An up's error with Fly's version ids left out, to compare two runs' errors. */
function withoutVersions(error: string | undefined): string | undefined {
  return error?.replace(/version [0-9A-Z]{26}\b/g, "version <v>");
}

/**
 * The local stack (public, iad + ams, canary) after a run killed half way: once after Fly took
 * a rotation's new secrets and before any machine was moved to them, once while the canary's
 * failed update was being rolled back. The provider host is killed as the emulator answers the
 * chosen request, so the state the killed run leaves is exactly the one named; the next `up`,
 * with no refresh, converges from it, and its preview plans what it does.
 */
export function localInterruptedScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;

  it("a fresh up", async () => {
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
  });

  it("a rotation killed after Fly took the new secrets is rolled out to every machine by the next up", async () => {
    const { stack } = chain;
    const before = secretsOf(stack.emulator, APP)!.version;
    stack.secretConfig.gatewayToken = INTERRUPTED.rotatedToken;
    const engine = stack.engine();
    const stop = whenLogged(
      stack.emulator,
      (e) => e.method === "POST" && e.path === `/v1/apps/${APP}/secrets` && e.status === 200,
      () => engine.killProviderHost(),
    );
    const killedMark = logMark(stack.emulator);
    const killed = await stack.up(engine);
    stop();
    expect(killed.ok).toBe(false);
    // Fly holds the new token under a new version; no machine was moved to it.
    expect(describeRequests(mutating(requestsSince(stack.emulator, killedMark)))).toEqual([
      `POST /v1/apps/${APP}/secrets 200`,
    ]);
    expect(secretsOf(stack.emulator, APP)!.version).toBe(before + 1);
    expect(world().secrets[APP].secrets.OPENCLAW_GATEWAY_TOKEN.digest).toBe(
      secretDigest(INTERRUPTED.rotatedToken),
    );
    const versions = () =>
      liveMachines(stack.emulator, APP).map((m) => [
        m.region,
        m.min_secrets_version,
        m.booted_secrets_version,
      ]);
    expect(versions()).toEqual([
      ["ams", before, before],
      ["iad", before, before],
    ]);

    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine [minSecretsVersion]",
      "update gateway-iad-machine [minSecretsVersion]",
      "update gateway-secrets [values]",
    ]);
    const mark = logMark(stack.emulator);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual(changes(preview.steps));
    // The rotation is the program's: nothing calls it a change made on Fly behind the back.
    const messages = result.logs.map((entry) => entry.message);
    expect(linesWith(messages, "[fly:secrets")).toEqual([
      `[fly:secrets ${APP}] setting secrets OPENCLAW_GATEWAY_TOKEN`,
    ]);
    // The stack's values are written once more (the killed run's write was never recorded),
    // and every machine boots with the version that holds them, canary first.
    const version = secretsOf(stack.emulator, APP)!.version;
    expect(version).toBe(before + 2);
    expect(world().secrets[APP].secrets.OPENCLAW_GATEWAY_TOKEN.digest).toBe(
      secretDigest(INTERRUPTED.rotatedToken),
    );
    expect(versions()).toEqual([
      ["ams", version, version],
      ["iad", version, version],
    ]);
    const since = requestsSince(stack.emulator, mark);
    expect(describeRequests(mutating(since)).filter((line) => line.includes("/secrets"))).toEqual([
      `POST /v1/apps/${APP}/secrets 200`,
    ]);
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    for (const machine of [iad, ams]) {
      expect(machineMutations(since, APP, machine.id)).toEqual([
        "POST lease 201",
        "POST machine 200",
        "DELETE lease 200",
      ]);
      expect([machine.state, machine.checks.map((check) => check.status)]).toEqual([
        "started",
        ["passing"],
      ]);
    }
    const canaryDone = since.findIndex(
      (e) => e.method === "POST" && e.path === `/v1/apps/${APP}/machines/${iad.id}`,
    );
    const amsUpdate = since.findIndex(
      (e) => e.method === "POST" && e.path === `/v1/apps/${APP}/machines/${ams.id}`,
    );
    expect(canaryDone).toBeLessThan(amsUpdate);

    const settled = await stack.preview();
    expect(changes(settled.steps)).toEqual([]);
  });

  it("a canary update killed while it was being rolled back fails the next up with the error an uninterrupted run gives", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    stack.emulator.emulator.faults.add({ kind: "checks_fail", image: ANY_STATE.brokenImage });
    stack.config.image = ANY_STATE.brokenImage;
    const canaryPath = `/v1/apps/${APP}/machines/${iad.id}`;
    // The first POST of the canary's config is the update to the failing image; the second is
    // the rollback. The run is killed as Fly accepts the rollback.
    let updates = 0;
    const engine = stack.engine();
    const stop = whenLogged(
      stack.emulator,
      (e) => e.method === "POST" && e.path === canaryPath && e.status === 200 && ++updates === 2,
      () => engine.killProviderHost(),
    );
    const killedMark = logMark(stack.emulator);
    const killed = await stack.up(engine);
    stop();
    expect(killed.ok).toBe(false);
    expect(updates).toBe(2);
    expect(machineMutations(requestsSince(stack.emulator, killedMark), APP, iad.id)).toEqual([
      "POST lease 201",
      "POST machine 200",
      "POST machine 200",
    ]);
    // The killed run left the canary rolled back to the image it ran, under its own lease.
    expect(iad.config.image).toBe(ANY_STATE.image);
    expect(iad.lease).toBeDefined();

    // The program still declares the failing image: the next up, with no refresh, sees the
    // canary is not on it, tries it again past the killed run's lease, and rolls it back.
    const preview = await stack.preview();
    expect(preview.error).toBeUndefined();
    // Both machines are planned; the canary's failure keeps the rollout from reaching ams.
    expect(changes(preview.steps)).toEqual([
      "update gateway-ams-machine [image]",
      "update gateway-iad-machine [image]",
    ]);
    const mark = logMark(stack.emulator);
    const healed = await stack.up();
    expect(healed.ok).toBe(false);
    const since = requestsSince(stack.emulator, mark);
    expect(machineMutations(since, APP, iad.id)).toEqual([
      "POST lease 409",
      "POST machine 200",
      "POST machine 200",
      "DELETE lease 200",
    ]);
    expect(machineMutations(since, APP, ams.id)).toEqual([]);
    const messages = healed.logs.map((entry) => entry.message);
    expect(linesWith(messages, "earlier run")).toEqual([
      `[fly:machine gateway-iad] the machine's lease ("openclaw-fly openclaw-fly/local: updating the machine") was left by an earlier run of this stack that did not finish; taking it over`,
    ]);
    expect(withoutVersions(healed.error)).toBe(
      `${machineUrn("local", "iad")}: FlyMachine gateway-iad: machine ${iad.id} (gateway-iad) ` +
        `in region iad: the update to version <v> failed: machine ${iad.id} in app ${APP} not ` +
        `healthy within 5000 ms (started); 0/1 checks passing; check "startup" is critical: ` +
        `GET http://[${iad.private_ip}]:3000/startupz: 503 Service Unavailable; rolled back to ` +
        `the previous configuration (version <v>, started and healthy)`,
    );
    expect([iad.config.image, iad.state, iad.lease]).toEqual([
      ANY_STATE.image,
      "started",
      undefined,
    ]);
    expect(iad.checks.map((check) => check.status)).toEqual(["passing"]);

    // A run that was never interrupted fails with the same words.
    const uninterrupted = await stack.up();
    expect(withoutVersions(uninterrupted.error)).toBe(withoutVersions(healed.error));

    // The operator reverts the image: nothing is left to do.
    delete stack.config.image;
    stack.emulator.emulator.faults.clear();
    const reverted = await stack.preview();
    expect(reverted.error).toBeUndefined();
    expect(changes(reverted.steps)).toEqual([]);
    expect(liveMachines(stack.emulator, APP).map((m) => [m.region, m.config.image])).toEqual([
      ["ams", ANY_STATE.image],
      ["iad", ANY_STATE.image],
    ]);
  });

  it("no secret value appears in the state, any log line, or the emulator's world", async () => {
    const { stack } = chain;
    const secrets = {
      gatewayToken: ANY_STATE.gatewayToken,
      rotatedGatewayToken: INTERRUPTED.rotatedToken,
      providerKey: ANY_STATE.firstKey,
      flyApiToken: stack.token,
    };
    expect(secretSightings(await stackTexts(stack), secrets)).toEqual([]);
  });
}
