import { expect, it } from "vitest";
import { appMarkerName } from "../../../providers/provider-kit/ownership";
import { secretDigest } from "../../../emulator/secret-store";
import type { StackChain } from "../support/chain";
import { E2E_HEALTH_TIMEOUT_SECONDS } from "../support/e2e-stack";
import { known, machineUrn, secretOutput } from "../support/expectations";
import type { ProxiedRequest } from "../support/recording-proxy";
import {
  describeRequests,
  firstRequest,
  ipsOf,
  liveMachines,
  liveVolumes,
  logMark,
  machineIdsByRegion,
  machineIn,
  machineMutations,
  mutating,
  requestsSince,
  secretsOf,
  volumeIdsByRegion,
} from "../support/world";

/** The prod stack's app, image and the provider key its secret config carries. */
export const PROD = {
  app: "my-openclaw-prod",
  image: "ghcr.io/openclaw/openclaw:2026.9.6",
  providerKey: "sk-ant-e2e-prod-9d2f7c41b8a6e053",
};
const APP = PROD.app;
// The emulator makes this image fail its checks. It is a supported release, so that preview can
// check the stack's openclaw settings against its schema and the update reaches the machines.
const BROKEN_IMAGE = "ghcr.io/openclaw/openclaw:2026.9.5";

/** The lease taken for one machine update: its nonce, the updates it covered, its release. */
function leasedUpdate(requests: readonly ProxiedRequest[], id: string) {
  const machinePath = `/v1/apps/${APP}/machines/${id}`;
  const acquire = requests.find((r) => r.method === "POST" && r.path === `${machinePath}/lease`);
  const updates = requests.filter((r) => r.method === "POST" && r.path === machinePath);
  const release = requests.find((r) => r.method === "DELETE" && r.path === `${machinePath}/lease`);
  return { nonce: acquire?.response?.data?.nonce as string, updates, release };
}

/**
 * The prod stack (private, iad + ams, canary rollout, retained volumes): a fresh up, a second
 * up that changes nothing, a VM size change rolled out region by region under leases, and a
 * canary that fails its checks. The token reaches the providers only through FLY_API_TOKEN; a
 * recording proxy shows the headers and bodies they send.
 */
export function prodRolloutScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;

  it("a fresh up creates the app, secrets, and per region a volume and a healthy machine", async () => {
    const { stack } = chain;
    const fresh = await stack.up();
    chain.results.fresh = fresh;
    expect(fresh.error).toBeUndefined();
    expect(fresh.summary).toEqual({ create: 9, update: 0, replace: 0, delete: 0, same: 0 });
    const machines = machineIdsByRegion(stack.emulator, APP);
    const volumes = volumeIdsByRegion(stack.emulator, APP);
    expect(Object.keys(machines)).toEqual(["ams", "iad"]);
    expect(fresh.outputs).toEqual({
      appName: known(APP),
      privateAddress: known(`http://${APP}.internal:3000`),
      proxyCommand: known(`fly proxy 3000:3000 -a ${APP}`),
      machineIds: known(machines),
      volumeIds: known(volumes),
      secretsVersion: known(1),
      image: known(PROD.image),
      monthlyCost: known({
        currency: "USD",
        priceTableDate: "2026-09",
        perRegion: { compute: 11.38, volume: 0.45, snapshots: 3.36 },
        rehearsalPerUpgrade: 0.01,
        ipAddresses: 0,
        total: 30.38,
      }),
      gatewayToken: secretOutput(expect.stringMatching(/^[0-9a-f]{64}$/)),
    });
    expect(Object.keys(world().apps)).toEqual([APP]);
    expect(world().apps[APP].org_slug).toBe("personal");
    // Private: no address, and no service a public address could route to.
    expect(ipsOf(stack.emulator, APP)).toEqual([]);
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect(machine.state).toBe("started");
      expect(machine.name).toBe(`gateway-${machine.region}`);
      expect(machine.config.image).toBe(PROD.image);
      expect(machine.config.guest).toEqual({ cpu_kind: "shared", cpus: 2, memory_mb: 2048 });
      expect(machine.config.mounts).toEqual([{ volume: volumes[machine.region], path: "/data" }]);
      expect(machine.config.services).toBeUndefined();
      expect(machine.min_secrets_version).toBe(1);
      expect(machine.checks.map((check) => [check.name, check.status])).toEqual([
        ["startup", "passing"],
      ]);
    }
    expect(
      liveVolumes(stack.emulator, APP).map((v) => [v.region, v.size_gb, v.attached_machine_id]),
    ).toEqual([
      ["ams", 3, machines.ams],
      ["iad", 3, machines.iad],
    ]);
    // Fly holds exactly the values the stack knows, though only their digests are visible, and
    // the marker whose name says which stack the app belongs to.
    expect(secretsOf(stack.emulator, APP)).toEqual({
      names: ["ANTHROPIC_API_KEY", appMarkerName("openclaw-fly/prod"), "OPENCLAW_GATEWAY_TOKEN"],
      version: 1,
    });
    const secrets = world().secrets[APP].secrets;
    const token = fresh.outputs.gatewayToken.value as string;
    expect(secrets.OPENCLAW_GATEWAY_TOKEN.digest).toBe(secretDigest(token));
    expect(secrets.ANTHROPIC_API_KEY.digest).toBe(secretDigest(PROD.providerKey));
    // The token came from FLY_API_TOKEN alone: every request carried it and none was refused.
    expect(stack.emulator.emulator.log.entries.filter((e) => e.status === 401)).toEqual([]);
    expect(new Set(stack.proxy!.requests.map((r) => r.authorization))).toEqual(
      new Set([`Bearer ${stack.token}`]),
    );
  });

  it("a second up changes nothing: every step is same and the API only sees reads", async () => {
    const { stack } = chain;
    const mark = logMark(stack.emulator);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, same: 9 });
    expect(mutating(requestsSince(stack.emulator, mark))).toEqual([]);
    expect(result.outputs).toEqual(chain.results.fresh.outputs);
  });

  it("a VM size change updates each machine in place under its lease, iad healthy before ams", async () => {
    const { stack } = chain;
    const before = machineIdsByRegion(stack.emulator, APP);
    const mark = logMark(stack.emulator);
    const proxyMark = stack.proxy!.requests.length;
    stack.config.vmSize = "shared-cpu-4x";
    stack.config.memoryMb = "4096";
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(result.summary).toEqual({ create: 0, update: 2, replace: 0, delete: 0, same: 7 });
    expect(
      result.steps.filter((s) => s.op === "update").map((s) => [s.name, s.changedKeys]),
    ).toEqual([
      ["gateway-iad-machine", ["env", "guest"]],
      ["gateway-ams-machine", ["env", "guest"]],
    ]);
    expect(machineIdsByRegion(stack.emulator, APP)).toEqual(before);
    const log = requestsSince(stack.emulator, mark);
    for (const region of ["iad", "ams"]) {
      const machine = machineIn(stack.emulator, APP, region);
      expect(machineMutations(log, APP, machine.id)).toEqual([
        "POST lease 201",
        "POST machine 200",
        "DELETE lease 200",
      ]);
      expect(machine.config.guest).toEqual({ cpu_kind: "shared", cpus: 4, memory_mb: 4096 });
      expect((machine.config.env as Record<string, string>).NODE_OPTIONS).toBe(
        "--max-old-space-size=2048",
      );
      expect(machine.versions).toHaveLength(2);
      // The update carried the nonce of the lease taken just before it; the release too.
      const lease = leasedUpdate(stack.proxy!.requests.slice(proxyMark), machine.id);
      expect(lease.nonce).toMatch(/^[0-9a-f]{12}$/);
      expect(lease.updates.map((u) => [u.leaseNonce, u.body.config.guest])).toEqual([
        [lease.nonce, { cpu_kind: "shared", cpus: 4, memory_mb: 4096 }],
      ]);
      expect(lease.release?.leaseNonce).toBe(lease.nonce);
    }
    // Canary: ams is touched only after iad's lease is released, which the provider does once
    // iad's new version has passed its checks.
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const iadRelease = firstRequest(log, "DELETE", `/v1/apps/${APP}/machines/${iad.id}/lease`);
    const amsAcquire = firstRequest(log, "POST", `/v1/apps/${APP}/machines/${ams.id}/lease`);
    expect(amsAcquire.seq).toBeGreaterThan(iadRelease.seq);
    expect(amsAcquire.time).toBeGreaterThanOrEqual(
      iad.checks_since! + stack.emulator.emulator.settings.checksMs,
    );
    expect(result.outputs.monthlyCost.value).toEqual({
      currency: "USD",
      priceTableDate: "2026-09",
      perRegion: { compute: 22.76, volume: 0.45, snapshots: 3.36 },
      rehearsalPerUpgrade: 0.02,
      ipAddresses: 0,
      total: 53.14,
    });
  });

  it("a canary whose new image fails its rehearsal stops the rollout, iad untouched and ams never asked", async () => {
    const { stack } = chain;
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const [iadVersion, amsVersion] = [iad.instance_id, ams.instance_id];
    const iadVolume = String((iad.config.mounts as { volume: string }[])[0].volume);
    const volumesBefore = liveVolumes(stack.emulator, APP).map((v) => v.id);
    stack.emulator.emulator.faults.add({ kind: "checks_fail", image: BROKEN_IMAGE });
    const mark = logMark(stack.emulator);
    stack.config.image = BROKEN_IMAGE;
    const result = await stack.up();
    stack.emulator.emulator.faults.clear();
    delete stack.config.image;

    expect(result.ok).toBe(false);
    // prod rehearses every new image (upgradeRehearsal in Pulumi.prod.yaml): the broken one
    // fails on a fork of iad's volume, in a temporary machine, before iad is touched.
    const rehearsal = Object.values(stack.emulator.emulator.state.machines).find(
      (m) => m.app === APP && m.name === "gateway-iad-rehearsal",
    )!;
    const message =
      `FlyMachine gateway-iad: machine ${iad.id} (gateway-iad) in region iad: the rehearsal of ` +
      `${BROKEN_IMAGE} on a fork of volume ${iadVolume} failed, so the machine was not touched: ` +
      `machine ${rehearsal.id} in app ${APP} not healthy within ` +
      `${E2E_HEALTH_TIMEOUT_SECONDS * 1000} ms (started); 0/1 checks passing; check "startup" ` +
      `is critical: GET http://[${rehearsal.private_ip}]:3000/startupz: 503 Service Unavailable`;
    expect(result.error).toBe(`${machineUrn("prod", "iad")}: ${message}`);
    expect(result.steps.filter((s) => s.error !== undefined).map((s) => [s.name, s.error])).toEqual(
      [["gateway-iad-machine", message]],
    );
    const log = requestsSince(stack.emulator, mark);
    expect(machineMutations(log, APP, iad.id)).toEqual([]);
    // The temporary machine and the fork are gone; iad runs its version on its own volume.
    expect([rehearsal.config.image, rehearsal.state]).toEqual([BROKEN_IMAGE, "destroyed"]);
    expect(liveVolumes(stack.emulator, APP).map((v) => v.id)).toEqual(volumesBefore);
    expect([iad.instance_id, iad.config.image, iad.state]).toEqual([
      iadVersion,
      PROD.image,
      "started",
    ]);
    expect(iad.checks.map((check) => check.status)).toEqual(["passing"]);
    expect(describeRequests(log.filter((e) => e.path.includes(ams.id)))).toEqual([]);
    expect([ams.instance_id, ams.config.image]).toEqual([amsVersion, PROD.image]);
  });
}
