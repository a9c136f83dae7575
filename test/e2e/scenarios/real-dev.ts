import { expect, it } from "vitest";
import type { MachineRecord } from "../../../emulator/state";
import type { StackChain } from "../support/chain";
import { machineUrn } from "../support/expectations";
import {
  OLDER_VERSION,
  REAL_VERSION,
  bootSeconds,
  consoleOf,
  gatewayLocks,
  gatewayPid,
  sessionStatus,
  startupz,
  statusText,
} from "../support/real-gateway";
import { alive } from "../../real-machines/real-support";
import { liveMachines, machineIn } from "../support/world";

const APP = "my-openclaw-dev";
const MODEL = "anthropic/claude-opus-4-6";

/** The volume a machine mounts. */
const mountedVolume = (m: MachineRecord) =>
  String((m.config.mounts as { volume: string }[])[0].volume);

/**
 * The dev stack (public, one region) on a real OpenClaw gateway: it comes up healthy through
 * the gateway's own /startupz, checks its token, takes a config change, survives a config the
 * gateway refuses at boot (a downgrade below its volume's data: rolled back onto a volume restored
 * from the snapshot taken before it, with the gateway's exit code and last lines in the error), boots
 * past a stale lock left by a killed machine, and is destroyed without leaving a process.
 */
export function realDevScenarios(chain: StackChain): void {
  const machine = () => machineIn(chain.stack.emulator, APP, "iad");
  const url = () => machine().local_url!;
  const token = () => chain.results.fresh.outputs.gatewayToken.value as string;

  it("a fresh up boots the real gateway, healthy through its own /startupz", async () => {
    const fresh = await chain.stack.up();
    chain.results.fresh = fresh;
    expect(fresh.error).toBeUndefined();
    expect(fresh.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    const m = machine();
    expect(m.state).toBe("started");
    expect(m.checks.map((c) => [c.name, c.status])).toEqual([["startup", "passing"]]);
    expect(m.checks[0].output).toContain(`"status":"started","version":"${REAL_VERSION}"`);
    expect(url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await startupz(url())).toMatchObject({
      status: 200,
      body: { ok: true, status: "started", version: REAL_VERSION },
    });
    console.log(
      `dev: gateway ${m.id} ready ${bootSeconds(chain.stack.emulator, m)} s after its start`,
    );
  });

  it("answers a request with the gateway token and refuses one without it or with another", async () => {
    const answered = statusText(await sessionStatus(url(), token()));
    expect(answered).toContain(`OpenClaw ${REAL_VERSION}`);
    for (const wrong of [undefined, "0".repeat(64)]) {
      expect(await sessionStatus(url(), wrong)).toEqual({
        status: 401,
        body: { error: { message: "Unauthorized", type: "unauthorized" } },
      });
    }
  });

  it("a config change restarts the gateway, which comes back healthy on the new config", async () => {
    const before = gatewayPid(chain.stack.emulator, machine());
    chain.stack.config.openclaw = JSON.stringify({
      agents: { defaults: { model: { primary: MODEL } } },
    });
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
    expect(result.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`)).toEqual([
      "update gateway-iad-machine",
    ]);
    const after = gatewayPid(chain.stack.emulator, machine());
    expect(after).not.toBe(before);
    expect(alive(before)).toBe(false);
    expect(statusText(await sessionStatus(url(), token()))).toContain(`Model: ${MODEL}`);
    console.log(
      `dev: after the config change, ready in ${bootSeconds(chain.stack.emulator, machine())} s`,
    );
  });

  it("an image the gateway refuses at boot fails its checks and is rolled back, with the gateway's own words", async () => {
    const { stack } = chain;
    const before = machine();
    const volumeBefore = mountedVolume(before);
    // A downgrade: preview accepts 2026.9.5 (a supported release), but only the volume knows that
    // 2026.9.6 already moved its database to a schema 2026.9.5 cannot read, and the older gateway
    // refuses to start on it.
    stack.config.image = `ghcr.io/openclaw/openclaw:${OLDER_VERSION}`;
    const result = await stack.up();
    delete stack.config.image;
    expect(result.ok).toBe(false);
    // A new image may have written to the volume, so the region is restored as it was before
    // the update: a volume made from the snapshot taken right before it, and a machine of the same
    // name booting the previous configuration on it. The failed machine is gone, its volume kept.
    const failed = before.versions.at(-1)!.version;
    const m = machine();
    const restoredVolume = mountedVolume(m);
    const [snapshot] = stack.emulator.emulator.state.volumes[volumeBefore].snapshots.slice(-1);
    expect([before.state, m.id === before.id, restoredVolume === volumeBefore]).toEqual([
      "destroyed",
      false,
      false,
    ]);
    const error = result.error!;
    // A partial update (the machine now stands on another volume), as the engine reports one.
    expect(error).toContain(
      `${machineUrn("dev", "iad")}: 1 error occurred:\n\t* ` +
        `FlyMachine gateway-iad: machine ${before.id} (gateway-iad) in region iad: the update to ` +
        `version ${failed} failed: machine ${before.id} in app ${APP} is `,
    );
    // The provider sees the loop on the third exit, or sees the machine stopped between an exit
    // and its restart: either way the error carries the gateway's own exit code.
    expect(error).toMatch(
      /is (crash-looping: its process exited 3 times since the wait began \(the last time, it exited with code 78\)|stopped \(its process exited with code 78\)); /,
    );
    expect(error).toMatch(/; restored the data and the previous configuration in \d+ s: /);
    expect(error).toContain(
      `volume ${restoredVolume} was made from snapshot ${snapshot.id} (taken before the update) ` +
        `and machine ${m.id} (gateway-iad) runs the previous configuration on it, version ` +
        `${m.instance_id}, started and healthy; volume ${volumeBefore} keeps what the failed ` +
        `version wrote and was not deleted\n  last log lines of machine ${before.id}:\n`,
    );
    const quoted = error.split("\n").filter((line) => line.startsWith("    | "));
    // The last run's own words, as Fly's logs show them: the older gateway's refusal and its exit.
    expect(quoted.at(-1)).toBe("    | Main child exited normally with code: 78");
    expect(quoted.join("\n")).toMatch(
      /refused startup because 1 OpenClaw database schema\(s\) are newer than this build\. state database \S+ uses schema \d+; this build supports \d+/,
    );
    expect(quoted.join("\n")).toContain(`Refused by OpenClaw ${OLDER_VERSION}`);
    // Back on the previous image, healthy, on the data from before the update, and the gateway
    // says so.
    expect([m.state, m.config.image, m.checks.map((c) => c.status)]).toEqual([
      "started",
      `ghcr.io/openclaw/openclaw:${REAL_VERSION}`,
      ["passing"],
    ]);
    const status = statusText(await sessionStatus(url(), token()));
    expect(status).toContain(`OpenClaw ${REAL_VERSION}`);
    expect(status).toContain(`Model: ${MODEL}`);
    const exits = before.events.filter((e) => e.type === "exit" && e.request?.exit_event);
    expect(
      exits.some((e) => (e.request!.exit_event as { exit_code: number }).exit_code === 78),
    ).toBe(true);
  });

  it("a stale gateway lock left by a killed machine does not delay its next boot", async () => {
    const { stack } = chain;
    const m = machine();
    const volume = mountedVolume(m);
    const killed = gatewayPid(stack.emulator, m);
    const held = gatewayLocks(stack.emulator, volume);
    expect(Object.values(held)).toContain(killed);
    // Killed outright, as a host failure would: the gateway gets no chance to release its locks.
    const stop = await stack.api("POST", `/v1/apps/${APP}/machines/${m.id}/stop`, {
      signal: "SIGKILL",
    });
    expect(stop.status).toBe(200);
    const waited = await stack.api(
      "GET",
      `/v1/apps/${APP}/machines/${m.id}/wait?state=stopped&timeout=60`,
    );
    expect(waited.status).toBe(200);
    expect(alive(killed)).toBe(false);
    expect(gatewayLocks(stack.emulator, volume)).toEqual(held);

    const starting = Date.now();
    expect((await stack.api("POST", `/v1/apps/${APP}/machines/${m.id}/start`)).status).toBe(200);
    for (;;) {
      const now = (await stack.api("GET", `/v1/apps/${APP}/machines/${m.id}`)).body;
      if (now.checks?.[0]?.status === "passing") break;
      expect(Date.now() - starting).toBeLessThan(240_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const seconds = bootSeconds(stack.emulator, m);
    console.log(`dev: after the kill, ready in ${seconds} s`);
    const lines = consoleOf(stack.emulator, m);
    const boot = lines.slice(lines.map((l) => l.startsWith("Preparing to run:")).lastIndexOf(true));
    expect(boot.filter((l) => /waiting for gateway-lifecycle ownership/.test(l))).toEqual([]);
    const fresh = gatewayPid(stack.emulator, m);
    expect(new Set(Object.values(gatewayLocks(stack.emulator, volume)))).toEqual(new Set([fresh]));
  });

  it("destroying the stack leaves no gateway process behind", async () => {
    const { stack } = chain;
    const pid = gatewayPid(stack.emulator, machine());
    const result = await stack.destroy();
    expect(result.error).toBeUndefined();
    expect(liveMachines(stack.emulator, APP)).toEqual([]);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(stack.emulator.emulator.real!.runningCount).toBe(0);
  });
}
