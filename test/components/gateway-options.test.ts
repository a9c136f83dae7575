import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashBuildContext } from "../../components/image-build";
import {
  APP,
  COMMAND,
  IP,
  MACHINE,
  SECRETS,
  VOLUME,
  decodedConfigFile,
  expectedMachine,
} from "./support/gateway-expectations";
import { useGatewayHarness, type GatewayArgs } from "./support/gateway-harness";
import { SecretValue, secret, unwrap } from "./support/recording-mocks";

// Rollout strategies, modes, secrets, memory and the image build, under Pulumi's mocks.
const harness = useGatewayHarness();
const build = (name: string, args: GatewayArgs) => harness.build(name, args);
const recorder = () => harness.recorder;

let context: string;
beforeAll(() => {
  context = mkdtempSync(join(tmpdir(), "gateway-build-"));
  writeFileSync(join(context, "Dockerfile"), "FROM ghcr.io/openclaw/openclaw:2026.9.6\n");
});
afterAll(() => rmSync(context, { recursive: true, force: true }));

const TOKEN = "given-token-0123456789abcdef";
const base = (change: Partial<GatewayArgs> = {}): GatewayArgs => ({
  appName: "my-claw",
  org: "personal",
  regions: ["iad", "ams", "sin"],
  gatewayToken: TOKEN,
  ...change,
});

/** Each machine's explicit and implicit dependencies on other machines or the image build. */
function machineOrder(name: string, regions: readonly string[]) {
  return Object.fromEntries(
    regions.map((region) => [
      region,
      recorder()
        .get(`${name}-${region}-machine`)
        .dependencies.filter((dep) => dep.endsWith("-machine") || dep.endsWith("-image")),
    ]),
  );
}

describe("rollout order", () => {
  it("canary: every later region waits for the first region's machine", async () => {
    await build("canary", base({ rollout: "canary" }));
    expect(machineOrder("canary", ["iad", "ams", "sin"])).toEqual({
      iad: [],
      ams: ["canary-iad-machine"],
      sin: ["canary-iad-machine"],
    });
  });

  it("serial: each region waits for the previous one", async () => {
    await build("serial", base({ rollout: "serial" }));
    expect(machineOrder("serial", ["iad", "ams", "sin"])).toEqual({
      iad: [],
      ams: ["serial-iad-machine"],
      sin: ["serial-ams-machine"],
    });
  });

  it.each(["canary", "serial"] as const)(
    "%s: the first region's volume is created before the others",
    async (rollout) => {
      await build(rollout, base({ rollout }));
      const volumeDependencies = ["iad", "ams", "sin"].map(
        (region) => recorder().get(`${rollout}-${region}-volume`).dependencies,
      );
      expect(volumeDependencies).toEqual([
        [`${rollout}-app`],
        [`${rollout}-app`, `${rollout}-iad-volume`],
        [`${rollout}-app`, `${rollout}-iad-volume`],
      ]);
    },
  );

  it("parallel: no volume waits for another", async () => {
    await build("parallel", base({ rollout: "parallel" }));
    expect(
      ["iad", "ams", "sin"].map(
        (region) => recorder().get(`parallel-${region}-volume`).dependencies,
      ),
    ).toEqual([["parallel-app"], ["parallel-app"], ["parallel-app"]]);
  });

  it("parallel: no machine waits for another, each still waits for its volume, secrets and addresses", async () => {
    await build("parallel", base({ rollout: "parallel" }));
    expect(machineOrder("parallel", ["iad", "ams", "sin"])).toEqual({ iad: [], ams: [], sin: [] });
    expect(recorder().get("parallel-sin-machine").dependencies).toEqual([
      "parallel-app",
      "parallel-ipv4",
      "parallel-ipv6",
      "parallel-secrets",
      "parallel-sin-volume",
    ]);
  });
});

describe("modes", () => {
  it("public to private: the public IPs are no longer registered, so Pulumi releases them", async () => {
    await build("switch", base({ regions: ["iad"] }));
    const publicGraph = recorder().graph();
    recorder().clear();
    await build("switch", base({ regions: ["iad"], mode: "private" }));
    expect(publicGraph.filter((entry) => !recorder().graph().includes(entry))).toEqual([
      `${IP}::switch-ipv4`,
      `${IP}::switch-ipv6`,
    ]);
    // Nothing reaches a private machine through Fly's proxy, so it trusts no proxy.
    const privateConfig = JSON.parse(decodedConfigFile(recorder().get("switch-iad-machine")));
    expect(privateConfig.gateway.trustedProxies).toBeUndefined();
  });

  it("private with Flycast: a private_v6 address and one plain HTTP service on port 80", async () => {
    const gateway = await build(
      "flycast",
      base({ regions: ["iad"], mode: "private", flycast: true }),
    );
    expect(recorder().graph()).toEqual([
      "openclaw:fly:Gateway::flycast",
      `${APP}::flycast-app`,
      `${IP}::flycast-flycast`,
      `${MACHINE}::flycast-iad-machine`,
      `${SECRETS}::flycast-secrets`,
      `${VOLUME}::flycast-iad-volume`,
    ]);
    expect(recorder().get("flycast-flycast").inputs).toEqual({
      app: "my-claw",
      type: "private_v6",
      org: "personal",
    });
    expect(recorder().get("flycast-iad-machine").inputs).toEqual(
      expectedMachine({
        app: "my-claw",
        region: "iad",
        guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
        heapMb: 1024,
        public: false,
        flycast: true,
      }),
    );
    // Flycast requests come through Fly's proxy, with the Flycast address as their last hop.
    const config = JSON.parse(decodedConfigFile(recorder().get("flycast-iad-machine")));
    expect(config.gateway.trustedProxies).toEqual(["172.16.0.0/12", "address-of-private_v6"]);
    expect(await unwrap(gateway.privateAddress!)).toEqual({
      value: "http://my-claw.flycast",
      secret: false,
    });
  });

  it("public: the app's origin comes first among the Control UI origins, once", async () => {
    await build(
      "origins",
      base({
        regions: ["iad"],
        openclaw: {
          gateway: {
            controlUi: { allowedOrigins: ["https://my-claw.fly.dev", "https://claw.example.com"] },
          },
          channels: { telegram: { enabled: true, allowFrom: ["123456789"] } },
        },
      }),
    );
    expect(JSON.parse(decodedConfigFile(recorder().get("origins-iad-machine")))).toEqual({
      channels: { telegram: { enabled: true, allowFrom: ["123456789"] } },
      gateway: {
        auth: { mode: "token" },
        bind: "lan",
        controlUi: { allowedOrigins: ["https://my-claw.fly.dev", "https://claw.example.com"] },
        mode: "local",
        port: 3000,
        trustedProxies: ["172.16.0.0/12", "address-of-shared_v4", "address-of-v6"],
      },
    });
  });
});

describe("secrets", () => {
  it("marks a given token secret and delivers it with provider keys and channel tokens", async () => {
    const gateway = await build(
      "keys",
      base({
        regions: ["iad"],
        providerKeys: { OPENAI_API_KEY: pulumi.secret("sk-openai") },
        channelTokens: { TELEGRAM_BOT_TOKEN: "123:abc" },
        extraEnv: { OPENCLAW_LOG_LEVEL: "debug" },
      }),
    );
    expect(recorder().graph()).not.toContain(
      `pulumi-nodejs:dynamic/openclaw:GeneratedToken::keys-token`,
    );
    expect(recorder().get("keys-secrets").inputs.values).toEqual(
      secret({
        OPENCLAW_GATEWAY_TOKEN: TOKEN,
        OPENAI_API_KEY: "sk-openai",
        TELEGRAM_BOT_TOKEN: "123:abc",
      }),
    );
    expect(await unwrap(gateway.gatewayToken)).toEqual({ value: TOKEN, secret: true });
    const machine = JSON.stringify(recorder().get("keys-iad-machine").inputs);
    for (const value of [TOKEN, "sk-openai", "123:abc"]) expect(machine).not.toContain(value);
    expect(
      (recorder().get("keys-iad-machine").inputs.env as Record<string, string>).OPENCLAW_LOG_LEVEL,
    ).toBe("debug");
  });
});

describe("memory", () => {
  it("accepts low memory only when explicitly allowed", async () => {
    await build("low", base({ regions: ["iad"], memoryMb: 768, allowLowMemory: true }));
    expect(recorder().get("low-iad-machine").inputs.guest).toEqual({
      cpuKind: "shared",
      cpus: 2,
      memoryMb: 768,
    });
  });
});

describe("image build", () => {
  // The build reads FLY_API_TOKEN as a fallback; each test sets the variable it needs.
  let savedEnvToken: string | undefined;
  beforeEach(() => {
    savedEnvToken = process.env.FLY_API_TOKEN;
    delete process.env.FLY_API_TOKEN;
  });
  afterEach(() => {
    if (savedEnvToken === undefined) delete process.env.FLY_API_TOKEN;
    else process.env.FLY_API_TOKEN = savedEnvToken;
  });

  it("registers no build command for the published image", async () => {
    await build("published", base({ regions: ["iad"] }));
    expect(recorder().resources.filter((r) => r.type === COMMAND)).toEqual([]);
  });

  it("builds from a context with flyctl, labelled by its content hash, before any machine", async () => {
    const hash = hashBuildContext(context, "Dockerfile");
    const label = `src-${hash.slice(0, 16)}`;
    const gateway = await build("src", base({ regions: ["iad", "ams"], build: { context } }));
    const command = recorder().get("src-image");
    expect(command.type).toBe(COMMAND);
    expect(command.inputs).toEqual({
      create:
        `flyctl deploy --build-only --push -a my-claw --image-label ${label} ` +
        `--dockerfile ${context}/Dockerfile ${context}`,
      triggers: [hash],
    });
    expect(command.dependencies).toEqual(["src-app"]);
    expect(command.additionalSecretOutputs).toEqual(["environment"]);
    expect(command.parent).toBe("src");
    expect(machineOrder("src", ["iad", "ams"])).toEqual({
      iad: ["src-image"],
      ams: ["src-iad-machine", "src-image"],
    });
    expect(recorder().get("src-ams-machine").inputs.image).toBe(`registry.fly.io/my-claw:${label}`);
    expect(await unwrap(gateway.image)).toEqual({
      value: `registry.fly.io/my-claw:${label}`,
      secret: false,
    });
  });

  it("hands flyctl the secret stack config flyApiToken as a secret FLY_API_TOKEN", async () => {
    process.env.FLY_API_TOKEN = "fo1_token-from-the-environment";
    const token = "fo1_token-from-stack-config";
    pulumi.runtime.setAllConfig(
      {
        "openclaw-fly:appName": "my-claw",
        "openclaw-fly:regions": '["iad"]',
        "openclaw-fly:build": JSON.stringify({ context }),
        "openclaw-fly:flyApiToken": token,
      },
      ["openclaw-fly:flyApiToken"],
    );
    await build("cfg", harness.stackConfig.readGatewayStackConfig());
    const command = recorder().get("cfg-image");
    expect(command.inputs.environment).toEqual({ FLY_API_TOKEN: secret(token) });
    expect(command.additionalSecretOutputs).toEqual(["environment"]);
    expect(plainInputs()).not.toContain(token);
  });

  it("falls back to the FLY_API_TOKEN environment variable, still as a secret", async () => {
    process.env.FLY_API_TOKEN = " fo1_token-from-the-environment\n";
    await build("env", base({ regions: ["iad"], build: { context } }));
    expect(recorder().get("env-image").inputs.environment).toEqual({
      FLY_API_TOKEN: secret("fo1_token-from-the-environment"),
    });
    expect(plainInputs()).not.toContain("fo1_token-from-the-environment");
  });
});

/** Every recorded input with secret values blanked: what would be stored in plain form. */
function plainInputs(): string {
  const inputs = recorder().resources.map((resource) => resource.inputs);
  return JSON.stringify(inputs, (_, value) => (value instanceof SecretValue ? "[secret]" : value));
}
