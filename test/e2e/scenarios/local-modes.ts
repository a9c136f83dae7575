import { expect, it } from "vitest";
import { appMarkerName } from "../../../providers/provider-kit/ownership";
import { secretDigest } from "../../../emulator/secret-store";
import type { StepRecord } from "../../../engine/engine-types";
import type { StackChain } from "../support/chain";
import { known, outputMap, secretOutput } from "../support/expectations";
import {
  describeRequests,
  firstRequest,
  ipsOf,
  liveMachines,
  logMark,
  machineIdsByRegion,
  machineIn,
  machineMutations,
  mutating,
  requestsSince,
  secretsOf,
  volumeIdsByRegion,
} from "../support/world";

/** The local stack's app, image and the secrets its secret config carries. */
export const LOCAL = {
  app: "openclaw-local",
  image: "ghcr.io/openclaw/openclaw:2026.9.6",
  gatewayToken: "e2e-gateway-token-local-5b0c8e7a9d1f",
  firstKey: "sk-e2e-local-first-3c7d9e1f5a",
  rotatedKey: "sk-e2e-local-second-8e2a4b6c0d",
};
const APP = LOCAL.app;
const IMAGE = LOCAL.image;
const GATEWAY_TOKEN = LOCAL.gatewayToken;
const FIRST_KEY = LOCAL.firstKey;
const ROTATED_KEY = LOCAL.rotatedKey;

/** The public services of the gateway: HTTP redirected to HTTPS, and HTTPS, both to port 3000. */
const PUBLIC_SERVICES = [
  {
    protocol: "tcp",
    internal_port: 3000,
    ports: [
      { port: 80, handlers: ["http"], force_https: true },
      { port: 443, handlers: ["tls", "http"] },
    ],
    autostop: false,
    autostart: true,
    min_machines_running: 1,
  },
];

/** `op name [changed keys]` of every step that did something, sorted. */
export function changes(steps: readonly StepRecord[]): string[] {
  return steps
    .filter((step) => step.op !== "same")
    .map((step) => `${step.op} ${step.name} [${step.changedKeys.join(", ")}]`)
    .sort();
}

/**
 * The local stack (public, iad + ams, canary rollout): a fresh up, public to private and back,
 * and a secret rotation rolled out region by region. The Fly token reaches the providers only
 * as the secret stack config `openclaw-fly:flyApiToken` (FLY_API_TOKEN is empty); the gateway
 * token and a provider key are secret config too.
 */
export function localModeScenarios(chain: StackChain): void {
  const world = () => chain.stack.emulator.emulator.state;

  it("a fresh up creates everything, with public addresses and services", async () => {
    const { stack } = chain;
    const fresh = await stack.up();
    chain.results.fresh = fresh;
    expect(fresh.error).toBeUndefined();
    expect(fresh.summary).toEqual({ create: 10, update: 0, replace: 0, delete: 0, same: 0 });
    const machines = machineIdsByRegion(stack.emulator, APP);
    expect(Object.keys(machines)).toEqual(["ams", "iad"]);
    expect(fresh.outputs).toEqual({
      appName: known(APP),
      url: known(`https://${APP}.fly.dev`),
      machineIds: known(machines),
      volumeIds: known(volumeIdsByRegion(stack.emulator, APP)),
      secretsVersion: known(1),
      image: known(IMAGE),
      monthlyCost: known({
        currency: "USD",
        priceTableDate: "2026-09",
        perRegion: { compute: 8.19, volume: 0.15, snapshots: 0.4 },
        rehearsalPerUpgrade: 0,
        ipAddresses: 0,
        total: 17.48,
      }),
      gatewayToken: secretOutput(GATEWAY_TOKEN),
    });
    // The two are allocated side by side, so which takes the emulator's next address varies.
    expect(ipsOf(stack.emulator, APP)).toEqual([
      expect.stringMatching(/^shared_v4 66\.241\.124\.\d+$/),
      expect.stringMatching(/^v6 2a09:8280:1::\d+$/),
    ]);
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect(machine.state).toBe("started");
      expect(machine.config.guest).toEqual({ cpu_kind: "shared", cpus: 1, memory_mb: 1536 });
      expect(machine.config.services).toEqual(PUBLIC_SERVICES);
    }
    const secrets = world().secrets[APP];
    expect(secrets.secrets.OPENCLAW_GATEWAY_TOKEN.digest).toBe(secretDigest(GATEWAY_TOKEN));
    expect(secrets.secrets.OPENAI_API_KEY.digest).toBe(secretDigest(FIRST_KEY));
    // The token came from the stack config alone (FLY_API_TOKEN was empty), and it worked.
    expect(stack.emulator.emulator.log.entries.filter((e) => e.status === 401)).toEqual([]);
    expect(new Set(stack.proxy!.requests.map((r) => r.authorization))).toEqual(
      new Set([`Bearer ${stack.token}`]),
    );
  });

  it("public to private releases the addresses and removes the services", async () => {
    const { stack } = chain;
    const released = world()
      .ipAddresses.filter((ip) => ip.app === APP)
      .map((ip) => `DELETE /v1/apps/${APP}/ip_assignments/${encodeURIComponent(ip.ip)} 204`);
    const mark = logMark(stack.emulator);
    stack.config.mode = "private";
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      "delete gateway-ipv4 []",
      "delete gateway-ipv6 []",
      "update gateway-ams-machine [files, services]",
      "update gateway-iad-machine [files, services]",
    ]);
    expect(ipsOf(stack.emulator, APP)).toEqual([]);
    const calls = describeRequests(mutating(requestsSince(stack.emulator, mark)));
    expect(calls.filter((call) => call.includes("/ip_assignments/")).sort()).toEqual(
      released.sort(),
    );
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect(machine.config.services).toBeUndefined();
      expect(machine.state).toBe("started");
    }
    expect(result.outputs.url).toBeUndefined();
    expect(result.outputs.privateAddress).toEqual(known(`http://${APP}.internal:3000`));
    expect(result.outputs.proxyCommand).toEqual(known(`fly proxy 3000:3000 -a ${APP}`));
  });

  it("private to public allocates addresses again and restores the services", async () => {
    const { stack } = chain;
    stack.config.mode = "public";
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      "create gateway-ipv4 []",
      "create gateway-ipv6 []",
      "update gateway-ams-machine [files, services]",
      "update gateway-iad-machine [files, services]",
    ]);
    const ips = ipsOf(stack.emulator, APP);
    expect(ips.map((ip) => ip.split(" ")[0])).toEqual(["shared_v4", "v6"]);
    for (const machine of liveMachines(stack.emulator, APP)) {
      expect(machine.config.services).toEqual(PUBLIC_SERVICES);
    }
    expect(result.outputs.url).toEqual(known(`https://${APP}.fly.dev`));
    expect(result.outputs.privateAddress).toBeUndefined();
    expect(machineIdsByRegion(stack.emulator, APP)).toEqual(
      outputMap(chain.results.fresh, "machineIds"),
    );
  });

  it("a secret rotation bumps the secrets version and rolls it out one region at a time", async () => {
    const { stack } = chain;
    const mark = logMark(stack.emulator);
    const proxyMark = stack.proxy!.requests.length;
    stack.secretConfig.providerKeys = JSON.stringify({ OPENAI_API_KEY: ROTATED_KEY });
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      "update gateway-ams-machine [minSecretsVersion]",
      "update gateway-iad-machine [minSecretsVersion]",
      "update gateway-secrets [values]",
    ]);
    expect(result.outputs.secretsVersion).toEqual(known(2));
    expect(secretsOf(stack.emulator, APP)).toEqual({
      names: ["OPENAI_API_KEY", appMarkerName("openclaw-fly/local"), "OPENCLAW_GATEWAY_TOKEN"],
      version: 2,
    });
    expect(world().secrets[APP].secrets.OPENAI_API_KEY.digest).toBe(secretDigest(ROTATED_KEY));
    const log = requestsSince(stack.emulator, mark);
    const iad = machineIn(stack.emulator, APP, "iad");
    const ams = machineIn(stack.emulator, APP, "ams");
    const secretsWrite = firstRequest(log, "POST", `/v1/apps/${APP}/secrets`);
    const iadLease = firstRequest(log, "POST", `/v1/apps/${APP}/machines/${iad.id}/lease`);
    const iadRelease = firstRequest(log, "DELETE", `/v1/apps/${APP}/machines/${iad.id}/lease`);
    const amsLease = firstRequest(log, "POST", `/v1/apps/${APP}/machines/${ams.id}/lease`);
    expect(secretsWrite.seq).toBeLessThan(iadLease.seq);
    expect(amsLease.seq).toBeGreaterThan(iadRelease.seq);
    for (const machine of [iad, ams]) {
      expect(machineMutations(log, APP, machine.id)).toEqual([
        "POST lease 201",
        "POST machine 200",
        "DELETE lease 200",
      ]);
      const updates = stack
        .proxy!.requests.slice(proxyMark)
        .filter((r) => r.method === "POST" && r.path === `/v1/apps/${APP}/machines/${machine.id}`);
      expect(updates.map((u) => [u.body.min_secrets_version, typeof u.leaseNonce])).toEqual([
        [2, "string"],
      ]);
      expect([machine.min_secrets_version, machine.booted_secrets_version]).toEqual([2, 2]);
    }
  });

  it("a custom domain gets a certificate, its DNS records and a Control UI origin", async () => {
    const { stack } = chain;
    stack.config.domains = JSON.stringify([DOMAIN]);
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      `create gateway-certificate-${DOMAIN} []`,
      "update gateway-ams-machine [files]",
      "update gateway-iad-machine [files]",
    ]);
    expect(world().certificates.map((c) => [c.app, c.hostname])).toEqual([[APP, DOMAIN]]);
    // The records name the addresses the app really holds, and the challenge Fly asks for.
    const addresses = ipsOf(stack.emulator, APP).map((ip) => ip.split(" "));
    const v4 = addresses.filter(([type]) => type === "shared_v4").map(([, ip]) => ip);
    const v6 = addresses.filter(([type]) => type === "v6").map(([, ip]) => ip);
    const appId = world().apps[APP].id;
    expect(result.outputs.dnsRecords).toEqual(
      known([
        ...v4.map((value) => ({ name: DOMAIN, type: "A", value })),
        ...v6.map((value) => ({ name: DOMAIN, type: "AAAA", value })),
        {
          name: `_acme-challenge.${DOMAIN}`,
          type: "CNAME",
          value: `${DOMAIN}.${appId.slice(0, 5)}.flydns.net`,
        },
      ]),
    );
    for (const machine of liveMachines(stack.emulator, APP)) {
      const files = machine.config.files as { guest_path: string; raw_value: string }[];
      const file = files.find((f) => f.guest_path === "/etc/openclaw/openclaw.json")!;
      const config = JSON.parse(Buffer.from(file.raw_value, "base64").toString("utf8"));
      expect(config.gateway.controlUi.allowedOrigins).toEqual([
        `https://${APP}.fly.dev`,
        `https://${DOMAIN}`,
      ]);
      // Fly's proxy forwards from its internal range, and its last hop is the app's address.
      expect(config.gateway.trustedProxies).toEqual(["172.16.0.0/12", ...v4, ...v6]);
      expect(machine.state).toBe("started");
    }
  });

  it("removing the domain removes its certificate and its origin", async () => {
    const { stack } = chain;
    const mark = logMark(stack.emulator);
    delete stack.config.domains;
    const result = await stack.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps)).toEqual([
      `delete gateway-certificate-${DOMAIN} []`,
      "update gateway-ams-machine [files]",
      "update gateway-iad-machine [files]",
    ]);
    expect(world().certificates).toEqual([]);
    expect(
      describeRequests(mutating(requestsSince(stack.emulator, mark))).filter((call) =>
        call.includes("/certificates/"),
      ),
    ).toEqual([`DELETE /v1/apps/${APP}/certificates/${DOMAIN} 204`]);
    expect(result.outputs.dnsRecords).toBeUndefined();
  });
}

/** The custom domain the local stack is given for a while. */
const DOMAIN = "claw.example.com";
