import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { readStackFile } from "../../engine/stack-files";
import {
  APP,
  GENERATED_TOKEN,
  IP,
  MACHINE,
  SECRETS,
  TOKEN,
  VOLUME,
  decodedConfigFile,
  expectedMachine,
  STACK,
} from "./support/gateway-expectations";
import { ROOT, edges, edgesOf, useGatewayHarness, type Edges } from "./support/gateway-harness";
import { secret, unwrap } from "./support/recording-mocks";

// The gateway of the dev stack file, built as index.ts builds it, under Pulumi's mocks.
const harness = useGatewayHarness();
const buildStack = harness.buildStack;
const recorder = () => harness.recorder;

describe("the dev stack (one region, public, small)", () => {
  it("registers exactly the app, generated token, secrets, two IPs, one volume and one machine", async () => {
    const gateway = await buildStack("dev");
    expect(recorder().graph()).toEqual([
      "openclaw:fly:Gateway::dev",
      `${APP}::dev-app`,
      `${IP}::dev-ipv4`,
      `${IP}::dev-ipv6`,
      `${MACHINE}::dev-iad-machine`,
      `${SECRETS}::dev-secrets`,
      `${VOLUME}::dev-iad-volume`,
      `${TOKEN}::dev-token`,
    ]);
    const byName = (a: Edges, b: Edges) => a.name.localeCompare(b.name);
    expect(recorder().resources.map(edgesOf).sort(byName)).toEqual(
      [
        edges("dev", ""),
        edges("dev-token", "dev", [], {}, ["value"]),
        edges("dev-app", "dev"),
        edges(
          "dev-secrets",
          "dev",
          ["dev-app", "dev-token"],
          {
            app: ["dev-app"],
            values: ["dev-token"],
          },
          ["salt"],
        ),
        edges("dev-ipv4", "dev", ["dev-app"], { app: ["dev-app"] }),
        edges("dev-ipv6", "dev", ["dev-app"], { app: ["dev-app"] }),
        edges("dev-iad-volume", "dev", ["dev-app"], { app: ["dev-app"] }),
        edges(
          "dev-iad-machine",
          "dev",
          ["dev-app", "dev-iad-volume", "dev-ipv4", "dev-ipv6", "dev-secrets"],
          {
            app: ["dev-app"],
            mounts: ["dev-iad-volume"],
            // openclaw.json trusts the app's own addresses as Fly's proxy hops.
            files: ["dev-ipv4", "dev-ipv6"],
            minSecretsVersion: ["dev-secrets"],
          },
        ),
      ].sort(byName),
    );
    for (const resource of recorder().resources) {
      expect([resource.deleteBeforeReplace, resource.retainOnDelete]).toEqual([false, false]);
      expect(resource.hasProvider).toBe(resource.custom);
    }
    expect(await unwrap(gateway.url!)).toEqual({
      value: "https://my-openclaw-dev.fly.dev",
      secret: false,
    });
    expect(gateway.privateAddress).toBeUndefined();
    expect(gateway.proxyCommand).toBeUndefined();
  });

  it("sends the app, secrets, IP and volume inputs the stack asks for", async () => {
    await buildStack("dev");
    expect(recorder().get("dev-token").inputs).toEqual({ bytes: 32 });
    expect(recorder().get("dev-app").inputs).toEqual({
      name: "my-openclaw-dev",
      org: "personal",
      stack: STACK,
    });
    expect(recorder().get("dev-secrets").inputs).toEqual({
      app: "my-openclaw-dev",
      values: secret({ OPENCLAW_GATEWAY_TOKEN: GENERATED_TOKEN }),
      stack: STACK,
    });
    expect(recorder().get("dev-ipv4").inputs).toEqual({
      app: "my-openclaw-dev",
      type: "shared_v4",
    });
    expect(recorder().get("dev-ipv6").inputs).toEqual({ app: "my-openclaw-dev", type: "v6" });
    expect(recorder().get("dev-iad-volume").inputs).toEqual({
      app: "my-openclaw-dev",
      name: "openclaw_data",
      region: "iad",
      sizeGb: 1,
      compute: { cpuKind: "shared", cpus: 1, memoryMb: 1536 },
      autoBackup: true,
      snapshotRetention: 5,
      deleteOnDestroy: false,
      snapshotBeforeDelete: true,
      stack: STACK,
    });
  });

  it("gives the machine the full gateway spec, public services, the app's origin and addresses", async () => {
    await buildStack("dev");
    const machine = recorder().get("dev-iad-machine");
    expect(machine.inputs).toEqual(
      expectedMachine({
        app: "my-openclaw-dev",
        region: "iad",
        guest: { cpuKind: "shared", cpus: 1, memoryMb: 1536 },
        heapMb: 768,
        public: true,
      }),
    );
    expect(decodedConfigFile(machine)).toBe(
      [
        "{",
        '  "gateway": {',
        '    "auth": {',
        '      "mode": "token"',
        "    },",
        '    "bind": "lan",',
        '    "controlUi": {',
        '      "allowedOrigins": [',
        '        "https://my-openclaw-dev.fly.dev"',
        "      ]",
        "    },",
        '    "mode": "local",',
        '    "port": 3000,',
        '    "trustedProxies": [',
        '      "172.16.0.0/12",',
        '      "address-of-shared_v4",',
        '      "address-of-v6"',
        "    ]",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("outputs ids by region, the secrets version, the image, the cost and a secret token", async () => {
    const gateway = await buildStack("dev");
    expect(await unwrap(gateway.appName)).toEqual({ value: "my-openclaw-dev", secret: false });
    expect(await unwrap(gateway.machineIds)).toEqual({ value: { iad: "m-iad" }, secret: false });
    expect(await unwrap(gateway.volumeIds)).toEqual({ value: { iad: "vol_iad" }, secret: false });
    expect(await unwrap(gateway.secretsVersion)).toEqual({ value: 7, secret: false });
    expect(await unwrap(gateway.image)).toEqual({
      value: "ghcr.io/openclaw/openclaw:2026.9.6",
      secret: false,
    });
    // shared-cpu-1x with 1536 MB: $1.94 + 1280 MB x $5.00/GB = $8.19; 1 GB volume $0.15; five
    // daily snapshots of 1 GB at $0.08.
    expect(await unwrap(gateway.monthlyCost)).toEqual({
      value: {
        currency: "USD",
        priceTableDate: "2026-09",
        perRegion: { compute: 8.19, volume: 0.15, snapshots: 0.4 },
        rehearsalPerUpgrade: 0,
        ipAddresses: 0,
        total: 8.74,
      },
      secret: false,
    });
    expect(await unwrap(gateway.gatewayToken)).toEqual({ value: GENERATED_TOKEN, secret: true });
  });
});

describe("a stack config with problems", () => {
  it("stops the program before anything is registered", async () => {
    const values = { ...readStackFile(ROOT, "openclaw-fly", "dev").plain };
    values["openclaw-fly:memoryMb"] = "640";
    values["openclaw-fly:regions"] = '["iad","xyz"]';
    pulumi.runtime.setAllConfig(values, []);
    expect(() => harness.stackConfig.readGatewayStackConfig()).toThrow(
      [
        "Stack config is invalid (3 problems):",
        '- openclaw-fly:regions[1]: unknown Fly region "xyz" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
        "- openclaw-fly:memoryMb: must be a multiple of 256 MB, got 640",
        "- openclaw-fly:memoryMb: the OpenClaw gateway needs at least 1536 MB to run with headroom; 2048 MB is recommended (set allowLowMemory: true to accept the risk), got 640",
      ].join("\n"),
    );
    await recorder().settled();
    expect(recorder().resources).toEqual([]);
  });
});
