import { expect, it } from "vitest";
import type { StackChain } from "../support/chain";
import { openControlUi } from "../support/control-ui";
import {
  REAL_VERSION,
  bootSeconds,
  gatewayPid,
  processEnv,
  sessionStatus,
  startupz,
  statusText,
} from "../support/real-gateway";
import { liveMachines } from "../support/world";
import { LOCAL } from "./local-modes";

const APP = LOCAL.app;
const ROTATED_TOKEN = "e2e-gateway-token-local-rotated-4d7e9a2b6c";

/**
 * The local stack (public, iad + ams) on real OpenClaw gateways: both come up healthy through
 * /startupz, the Control UI opens in headless Chromium at a machine's local URL and connects
 * with the token, and a rotation of the secrets restarts each gateway with the new values in
 * its environment.
 */
export function realLocalScenarios(chain: StackChain): void {
  const machines = () => liveMachines(chain.stack.emulator, APP);

  it("a fresh up boots a real gateway per region, each healthy through its own /startupz", async () => {
    const fresh = await chain.stack.up();
    chain.results.fresh = fresh;
    expect(fresh.error).toBeUndefined();
    expect(fresh.summary).toEqual({ create: 10, update: 0, replace: 0, delete: 0, same: 0 });
    expect(machines().map((m) => [m.region, m.state])).toEqual([
      ["ams", "started"],
      ["iad", "started"],
    ]);
    const urls = machines().map((m) => m.local_url);
    expect(new Set(urls).size).toBe(2);
    for (const m of machines()) {
      expect(m.checks.map((c) => c.status)).toEqual(["passing"]);
      expect(await startupz(m.local_url!)).toMatchObject({
        status: 200,
        body: { ok: true, status: "started", version: REAL_VERSION },
      });
      console.log(
        `local: gateway ${m.id} (${m.region}) ready ${bootSeconds(chain.stack.emulator, m)} s after its start`,
      );
    }
  });

  it("the Control UI opens at a machine's local URL and connects with the token, with no origin error", async () => {
    const iad = machines().find((m) => m.region === "iad")!;
    const [visit, refused] = await openControlUi(iad.local_url!, [
      LOCAL.gatewayToken,
      "f".repeat(64),
    ]);
    expect(visit.connect).toEqual({
      ok: true,
      type: "hello-ok",
      serverVersion: REAL_VERSION,
      error: undefined,
    });
    expect(visit.originComplaints).toEqual([]);
    expect(visit.title).toMatch(/OpenClaw/);
    expect(refused.connect).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^unauthorized: gateway token mismatch/),
    });
    expect(refused.originComplaints).toEqual([]);
  });

  it("secrets reach each gateway as env, and a rotation restarts it with the new values", async () => {
    const { stack } = chain;
    const before = new Map(machines().map((m) => [m.region, gatewayPid(stack.emulator, m)]));
    for (const pid of before.values()) {
      expect(processEnv(pid)).toMatchObject({
        OPENCLAW_GATEWAY_TOKEN: LOCAL.gatewayToken,
        OPENAI_API_KEY: LOCAL.firstKey,
      });
    }
    stack.secretConfig.gatewayToken = ROTATED_TOKEN;
    stack.secretConfig.providerKeys = JSON.stringify({ OPENAI_API_KEY: LOCAL.rotatedKey });
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    for (const m of machines()) {
      const pid = gatewayPid(stack.emulator, m);
      expect(pid).not.toBe(before.get(m.region));
      expect(processEnv(pid)).toMatchObject({
        OPENCLAW_GATEWAY_TOKEN: ROTATED_TOKEN,
        OPENAI_API_KEY: LOCAL.rotatedKey,
      });
      expect(statusText(await sessionStatus(m.local_url!, ROTATED_TOKEN))).toContain(
        `OpenClaw ${REAL_VERSION}`,
      );
      expect((await sessionStatus(m.local_url!, LOCAL.gatewayToken)).status).toBe(401);
    }
  });
}
