import { describe, expect, it } from "vitest";
import {
  APP,
  IP,
  MACHINE,
  SECRETS,
  TOKEN,
  VOLUME,
  decodedConfigFile,
  expectedMachine,
  STACK,
} from "./support/gateway-expectations";
import { useGatewayHarness } from "./support/gateway-harness";
import { secret, unwrap } from "./support/recording-mocks";

// The gateways of the prod and local stack files, built as index.ts builds them, under mocks.
const harness = useGatewayHarness();
const buildStack = harness.buildStack;
const recorder = () => harness.recorder;

describe("the prod stack (two regions, private, canary, retained volumes)", () => {
  const providerKeys = '{"ANTHROPIC_API_KEY":"sk-ant-prod","OPENAI_API_KEY":"sk-openai-prod"}';
  const token = "prod-token-0123456789abcdef0123";

  it("registers no public IP and no token generator when the token is given", async () => {
    await buildStack("prod", { gatewayToken: token, providerKeys });
    expect(recorder().graph()).toEqual([
      "openclaw:fly:Gateway::prod",
      `${APP}::prod-app`,
      `${MACHINE}::prod-ams-machine`,
      `${MACHINE}::prod-iad-machine`,
      `${SECRETS}::prod-secrets`,
      `${VOLUME}::prod-ams-volume`,
      `${VOLUME}::prod-iad-volume`,
    ]);
  });

  it("delivers the token and provider keys as one secret map", async () => {
    await buildStack("prod", { gatewayToken: token, providerKeys });
    expect(recorder().get("prod-secrets").inputs).toEqual({
      app: "my-openclaw-prod",
      values: secret({
        OPENCLAW_GATEWAY_TOKEN: token,
        ANTHROPIC_API_KEY: "sk-ant-prod",
        OPENAI_API_KEY: "sk-openai-prod",
      }),
      stack: STACK,
    });
    expect(recorder().get("prod-secrets").dependencies).toEqual(["prod-app"]);
  });

  it("holds the later region back behind the canary", async () => {
    await buildStack("prod", { gatewayToken: token });
    expect(recorder().get("prod-iad-machine").dependencies).toEqual([
      "prod-app",
      "prod-iad-volume",
      "prod-secrets",
    ]);
    expect(recorder().get("prod-ams-machine").dependencies).toEqual([
      "prod-ams-volume",
      "prod-app",
      "prod-iad-machine",
      "prod-secrets",
    ]);
  });

  it("runs private machines without services on shared-cpu-2x with 2048 MB", async () => {
    const gateway = await buildStack("prod", { gatewayToken: token });
    const ams = recorder().get("prod-ams-machine");
    expect(ams.inputs).toEqual(
      expectedMachine({
        app: "my-openclaw-prod",
        region: "ams",
        guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
        heapMb: 1024,
        public: false,
        volumeSizeGb: 3,
        rehearseUpgrades: true,
      }),
    );
    expect(JSON.parse(decodedConfigFile(ams))).toEqual({
      agents: {
        defaults: {
          model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2"] },
          maxConcurrent: 4,
        },
      },
      gateway: { auth: { mode: "token" }, bind: "lan", mode: "local", port: 3000 },
    });
    expect(recorder().get("prod-iad-volume").inputs).toEqual({
      app: "my-openclaw-prod",
      name: "openclaw_data",
      region: "iad",
      sizeGb: 3,
      compute: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
      autoBackup: true,
      snapshotRetention: 14,
      deleteOnDestroy: false,
      snapshotBeforeDelete: true,
      stack: STACK,
    });
    expect(gateway.url).toBeUndefined();
    expect(await unwrap(gateway.privateAddress!)).toEqual({
      value: "http://my-openclaw-prod.internal:3000",
      secret: false,
    });
    expect(await unwrap(gateway.proxyCommand!)).toEqual({
      value: "fly proxy 3000:3000 -a my-openclaw-prod",
      secret: false,
    });
    expect(await unwrap(gateway.machineIds)).toEqual({
      value: { iad: "m-iad", ams: "m-ams" },
      secret: false,
    });
    expect(await unwrap(gateway.gatewayToken)).toEqual({ value: token, secret: true });
  });
});

describe("the local stack (emulator, two regions, canary)", () => {
  it("uses the stack's health timings for a real gateway and deletes volumes with the stack", async () => {
    await buildStack("local");
    const machine = recorder().get("local-ams-machine");
    expect(machine.inputs.checks).toEqual({
      startup: {
        type: "http",
        port: 3000,
        method: "GET",
        path: "/startupz",
        gracePeriod: "10s",
        interval: "5s",
        timeout: "5s",
      },
    });
    expect(machine.inputs.healthTimeoutSeconds).toBe(300);
    expect(machine.dependencies).toEqual([
      "local-ams-volume",
      "local-app",
      "local-iad-machine",
      "local-ipv4",
      "local-ipv6",
      "local-secrets",
    ]);
    expect(recorder().get("local-iad-volume").inputs.deleteOnDestroy).toBe(true);
    expect(recorder().graph()).toEqual([
      "openclaw:fly:Gateway::local",
      `${APP}::local-app`,
      `${IP}::local-ipv4`,
      `${IP}::local-ipv6`,
      `${MACHINE}::local-ams-machine`,
      `${MACHINE}::local-iad-machine`,
      `${SECRETS}::local-secrets`,
      `${VOLUME}::local-ams-volume`,
      `${VOLUME}::local-iad-volume`,
      `${TOKEN}::local-token`,
    ]);
  });
});
