/**
 * The per-resource client factories the providers use: each builds one resource group (or one
 * narrow lookup) over a transport of its own, with the same validation, headers, retries and
 * answers as the whole client.
 */
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAppsClient,
  createCertificatesClient,
  createFlyClient,
  createIpAddressesClient,
  createLeasesClient,
  createMachineLookupClient,
  createMachinesClient,
  createSecretsClient,
  createVolumeListClient,
  createVolumesClient,
  createWaitsClient,
} from "../../providers/fly-client/fly-client";
import type { FlyClientOptions, RetryInfo } from "../../providers/fly-client/fly-client";
import { FAST_RETRY, TEST_TOKEN, machineBody } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

let server: ScriptedServer;
const dispatcher = new Agent();
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  await dispatcher.close();
});

/** Options for the scripted server: fast retries, no pacing. */
function options(overrides: Partial<FlyClientOptions> = {}): FlyClientOptions {
  return {
    baseUrl: server.url,
    token: TEST_TOKEN,
    dispatcher,
    pacing: false,
    retry: FAST_RETRY,
    requestTimeoutMs: 2_000,
    ...overrides,
  };
}

const FACTORIES: [string, (options: FlyClientOptions) => object][] = [
  ["createAppsClient", createAppsClient],
  ["createCertificatesClient", createCertificatesClient],
  ["createIpAddressesClient", createIpAddressesClient],
  ["createLeasesClient", createLeasesClient],
  ["createMachineLookupClient", createMachineLookupClient],
  ["createMachinesClient", createMachinesClient],
  ["createSecretsClient", createSecretsClient],
  ["createVolumeListClient", createVolumeListClient],
  ["createVolumesClient", createVolumesClient],
  ["createWaitsClient", createWaitsClient],
];

describe("every factory", () => {
  it.each(FACTORIES)("%s refuses an empty token", (_name, factory) => {
    expect(() => factory({ baseUrl: "https://api.machines.dev", token: " " })).toThrow(
      "FlyClientOptions.token must be a non-empty string",
    );
  });

  it.each(FACTORIES)("%s refuses a base URL that is not http(s)", (_name, factory) => {
    expect(() => factory({ baseUrl: "ftp://api.machines.dev", token: TEST_TOKEN })).toThrow(
      "The Machines API base URL must be an http(s) URL such as https://api.machines.dev (the value is not shown: it may be a credential)",
    );
  });
});

describe("what each factory builds", () => {
  it("builds the same groups as the whole client", () => {
    const whole = createFlyClient(options());
    const keys = (value: object) => Object.keys(value).sort();
    expect(keys(createAppsClient(options()))).toEqual(keys(whole.apps));
    expect(keys(createVolumesClient(options()))).toEqual(keys(whole.volumes));
    expect(keys(createSecretsClient(options()))).toEqual(keys(whole.secrets));
    expect(keys(createIpAddressesClient(options()))).toEqual(keys(whole.ipAddresses));
    expect(keys(createCertificatesClient(options()))).toEqual(keys(whole.certificates));
  });

  it("splits the machine group into machines, waits and leases", () => {
    const keys = (value: object) => Object.keys(value).sort();
    expect(keys(createMachinesClient(options()))).toEqual([
      "create",
      "delete",
      "events",
      "get",
      "getOrUndefined",
      "list",
      "restart",
      "start",
      "stop",
      "update",
    ]);
    expect(keys(createWaitsClient(options()))).toEqual(["wait", "waitForChecks", "waitForState"]);
    expect(keys(createLeasesClient(options()))).toEqual([
      "acquire",
      "refresh",
      "release",
      "withLease",
    ]);
  });

  it("builds only the one call of a narrow client", () => {
    expect(Object.keys(createVolumeListClient(options()))).toEqual(["list"]);
    expect(Object.keys(createMachineLookupClient(options()))).toEqual(["getOrUndefined"]);
  });
});

describe("calls through a per-resource client", () => {
  it("sends the token and reads the answer", async () => {
    server.on("GET /v1/apps/per-resource", {
      json: { id: "a1", name: "per-resource", status: "deployed" },
    });
    const app = await createAppsClient(options()).get("per-resource");
    expect(app).toEqual({ id: "a1", name: "per-resource", status: "deployed" });
    const [request] = server.requestsTo("GET /v1/apps/per-resource");
    expect(request.headers.authorization).toBe(`FlyV1 ${TEST_TOKEN}`);
  });

  it("lists an app's volumes through the narrow volume client", async () => {
    const volume = { id: "vol_1", name: "data", state: "created", region: "iad", size_gb: 1 };
    server.on("GET /v1/apps/listed/volumes", { json: [volume] });
    expect(await createVolumeListClient(options()).list("listed")).toEqual([volume]);
  });

  it("looks a machine up, and answers undefined once it is gone", async () => {
    server.on("GET /v1/apps/looked/machines/m1", { json: machineBody({ id: "m1" }) });
    server.on("GET /v1/apps/looked/machines/m2", { status: 404, json: { error: "not found" } });
    const lookup = createMachineLookupClient(options());
    expect((await lookup.getOrUndefined("looked", "m1"))?.id).toBe("m1");
    expect(await lookup.getOrUndefined("looked", "m2")).toBeUndefined();
  });

  it("waits for checks, reading the machine over its own transport", async () => {
    server.on("GET /v1/apps/waited/machines/m1", {
      json: machineBody({ id: "m1", checks: [{ name: "http", status: "passing" }] }),
    });
    const machine = await createWaitsClient(options()).waitForChecks("waited", "m1", {
      timeoutMs: 1_000,
      pollMs: 5,
    });
    expect(machine.checks).toEqual([{ name: "http", status: "passing" }]);
  });

  it("retries with the given policy and reports each retry", async () => {
    server.on(
      "GET /v1/apps/flaky/secrets",
      { status: 503, json: { error: "try again" } },
      { json: { secrets: [{ name: "API_KEY", digest: "d1" }] } },
    );
    const retries: RetryInfo[] = [];
    const secrets = createSecretsClient(options({ onRetry: (info) => retries.push(info) }));
    expect(await secrets.list("flaky")).toEqual([{ name: "API_KEY", digest: "d1" }]);
    expect(retries).toEqual([
      {
        method: "GET",
        path: "/v1/apps/flaky/secrets",
        attempt: 1,
        delayMs: 1,
        status: 503,
        kind: "fly.unavailable",
      },
    ]);
  });
});
