import { expect } from "vitest";
import type { MockOutputs, RecordedResource } from "./recording-mocks";

/** Resource types, as the SDK registers them. */
export const APP = "pulumi-nodejs:dynamic/fly:FlyApp";
export const SECRETS = "pulumi-nodejs:dynamic/fly:FlySecrets";
export const IP = "pulumi-nodejs:dynamic/fly:FlyIpAddress";
export const VOLUME = "pulumi-nodejs:dynamic/fly:FlyVolume";
export const MACHINE = "pulumi-nodejs:dynamic/fly:FlyMachine";
export const CERTIFICATE = "pulumi-nodejs:dynamic/fly:FlyCertificate";
export const TOKEN = "pulumi-nodejs:dynamic/openclaw:GeneratedToken";
export const COMMAND = "command:local:Command";

/** The value the mocked GeneratedToken "generates". */
export const GENERATED_TOKEN = "9f".repeat(32);

/** The secrets version the mocked FlySecrets reports. */
export const SECRETS_VERSION = 7;

/**
 * Mocked providers: each resource's outputs are its inputs plus what its real provider would
 * add (ids, versions, addresses), derived from the inputs so tests can predict them.
 */
export const gatewayMocks: MockOutputs = ({ type, name, inputs }) => {
  switch (type) {
    case TOKEN:
      return { id: `${name}-id`, state: { ...inputs, value: GENERATED_TOKEN } };
    case APP:
      return { id: inputs.name, state: { ...inputs, appId: `app-${inputs.name}` } };
    case SECRETS:
      return {
        id: inputs.app,
        state: { app: inputs.app, keys: [], version: SECRETS_VERSION },
      };
    case IP:
      // The real provider's id is the address itself.
      return {
        id: `address-of-${inputs.type}`,
        state: { ...inputs, region: "global", address: `address-of-${inputs.type}` },
      };
    case VOLUME:
      return { id: `vol_${inputs.region}`, state: { ...inputs, volumeId: `vol_${inputs.region}` } };
    case MACHINE:
      return {
        id: `m-${inputs.region}`,
        state: { ...inputs, machineId: `m-${inputs.region}`, version: "v1", state: "started" },
      };
    case CERTIFICATE:
      // What Fly answers for a new certificate: pending, with the app's addresses to point at.
      return {
        id: inputs.hostname,
        state: {
          ...inputs,
          status: "pending_validation",
          dnsRequirements: {
            a: ["address-of-shared_v4"],
            aaaa: ["address-of-v6"],
            cname: `${inputs.app}.fly.dev`,
            acmeChallenge: {
              name: `_acme-challenge.${inputs.hostname}`,
              target: `${inputs.hostname}.x1y2z.flydns.net`,
            },
          },
        },
      };
    case COMMAND:
      return { id: `${name}-run`, state: { ...inputs, stdout: "", stderr: "" } };
    default:
      return { id: `${name}-id`, state: inputs };
  }
};

/** The openclaw.json text a recorded machine ships in `files`. */
export function decodedConfigFile(machine: RecordedResource): string {
  const files = machine.inputs.files as { guestPath: string; rawValue: string }[];
  expect(files.map((file) => file.guestPath)).toEqual(["/etc/openclaw/openclaw.json"]);
  return Buffer.from(files[0].rawValue, "base64").toString("utf8");
}

/** What distinguishes one expected machine from another. */
export interface MachineExpectation {
  app: string;
  region: string;
  guest: { cpuKind: "shared" | "performance"; cpus: number; memoryMb: number };
  /** `--max-old-space-size`: half of the memory. */
  heapMb: number;
  public: boolean;
  flycast?: boolean;
  image?: string;
  healthTimeoutSeconds?: number;
  /** The stack's volume size (default 1 GB). */
  volumeSizeGb?: number;
  /** Whether a new image is rehearsed first (the `upgradeRehearsal` argument). */
  rehearseUpgrades?: boolean;
}

const ALWAYS_ON = { autostopMachines: "off", autostartMachines: true, minMachinesRunning: 1 };

/**
 * The FlyMachine inputs of a region's gateway, written out literally so a change to any part of
 * the spec shows up here. The openclaw.json content is asserted separately (decodedConfigFile).
 */
/** `<project>/<stack>` of the mocked program, which every Fly resource is marked with. */
export const STACK = "openclaw-fly/test";

export function expectedMachine(e: MachineExpectation): Record<string, unknown> {
  const services = e.public
    ? [
        {
          protocol: "tcp",
          internalPort: 3000,
          ports: [
            { port: 80, handlers: ["http"], forceHttps: true },
            { port: 443, handlers: ["tls", "http"] },
          ],
          ...ALWAYS_ON,
        },
      ]
    : e.flycast
      ? [
          {
            protocol: "tcp",
            internalPort: 3000,
            ports: [{ port: 80, handlers: ["http"] }],
            ...ALWAYS_ON,
          },
        ]
      : undefined;
  return {
    app: e.app,
    name: `gateway-${e.region}`,
    region: e.region,
    image: e.image ?? "ghcr.io/openclaw/openclaw:2026.9.6",
    guest: e.guest,
    init: {
      cmd: [
        "sh",
        "-c",
        "rm -f /data/tmp/openclaw-*/gateway.*.lock; " +
          'node --no-warnings -e \'const f=process.env.OPENCLAW_STATE_DIR+"/state/openclaw.sqlite";if(require("fs").existsSync(f)){const d=new(require("node:sqlite").DatabaseSync)(f);for(const t of["state_leases","agent_database_leases"])try{d.exec("DELETE FROM "+t)}catch{}d.close()}\'; ' +
          "exec node openclaw.mjs gateway " +
          "--allow-unconfigured --port 3000 --bind lan",
      ],
    },
    env: {
      NODE_ENV: "production",
      OPENCLAW_STATE_DIR: "/data",
      OPENCLAW_CONFIG_PATH: "/etc/openclaw/openclaw.json",
      OPENCLAW_CONFIG_READONLY: "1",
      NODE_OPTIONS: `--max-old-space-size=${e.heapMb}`,
      OPENCLAW_NO_RESPAWN: "1",
    },
    files: [{ guestPath: "/etc/openclaw/openclaw.json", rawValue: expect.any(String), mode: 420 }],
    mounts: [{ volume: `vol_${e.region}`, path: "/data", region: e.region }],
    ...(services !== undefined ? { services } : {}),
    checks: {
      startup: {
        type: "http",
        port: 3000,
        method: "GET",
        path: "/startupz",
        gracePeriod: "2m",
        interval: "15s",
        timeout: "5s",
      },
    },
    restart: { policy: "always" },
    metadata: { "openclaw-fly/region": e.region, "openclaw-fly/app": e.app },
    minSecretsVersion: SECRETS_VERSION,
    healthTimeoutSeconds: e.healthTimeoutSeconds ?? 600,
    volumeSizeGb: e.volumeSizeGb ?? 1,
    stack: STACK,
    snapshotBeforeUpdate: true,
    rehearseUpgrades: e.rehearseUpgrades ?? false,
  };
}
