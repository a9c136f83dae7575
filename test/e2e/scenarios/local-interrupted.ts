import { expect, it } from "vitest";
import { secretDigest } from "../../../emulator/secret-store";
import type { StackChain } from "../support/chain";
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

/**
 * The local stack (public, iad + ams, canary) after a run killed half way: after Fly took a
 * rotation's new secrets and before any machine was moved to them (a run killed while a failed
 * update was being rolled back: `local-interrupted-restore.ts`). The provider host is killed as the emulator answers the
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
