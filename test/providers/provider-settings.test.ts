import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readPacingHold } from "../../providers/provider-kit/progress";
import {
  DEFAULT_TUNING,
  flyClientOptions,
  readTuning,
  resolveFlyCredentials,
  tuningProblems,
} from "../../providers/provider-kit/provider-settings";

/** Stack config as the provider host hands it to `configure()` (namespaced keys, bare-key lookup). */
function stackConfig(values: Record<string, string>) {
  return {
    get: (key: string) => values[key.includes(":") ? key : `openclaw-fly:${key}`],
  };
}

function config(value: string | undefined) {
  return stackConfig(value === undefined ? {} : { "openclaw-fly:providerTuning": value });
}

describe("resolveFlyCredentials", () => {
  let saved: { url?: string; token?: string };
  beforeEach(() => {
    saved = { url: process.env.FLY_API_URL, token: process.env.FLY_API_TOKEN };
    delete process.env.FLY_API_URL;
    delete process.env.FLY_API_TOKEN;
  });
  afterEach(() => {
    for (const [name, value] of [
      ["FLY_API_URL", saved.url],
      ["FLY_API_TOKEN", saved.token],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("prefers stack config over the environment", () => {
    process.env.FLY_API_URL = "http://env.example:4280";
    process.env.FLY_API_TOKEN = "env-token";
    const config = stackConfig({
      "openclaw-fly:flyApiUrl": "http://127.0.0.1:4280/",
      "openclaw-fly:flyApiToken": "config-token",
    });
    expect(resolveFlyCredentials(config)).toEqual({
      baseUrl: "http://127.0.0.1:4280",
      token: "config-token",
    });
  });

  it("reads the keys in whatever project's namespace the host looks them up in", () => {
    const values: Record<string, string> = { "claw-two:flyApiToken": "other-project" };
    const config = { get: (key: string) => values[`claw-two:${key}`] };
    expect(resolveFlyCredentials(config)).toEqual({
      baseUrl: "https://api.machines.dev",
      token: "other-project",
    });
  });

  it("falls back to the environment, read at call time, with Fly's URL by default", () => {
    process.env.FLY_API_TOKEN = "from-env";
    expect(resolveFlyCredentials(stackConfig({}))).toEqual({
      baseUrl: "https://api.machines.dev",
      token: "from-env",
    });
    process.env.FLY_API_URL = "http://127.0.0.1:5000/v1";
    expect(resolveFlyCredentials().baseUrl).toBe("http://127.0.0.1:5000");
  });

  it("names both the config key and the environment variable when there is no token", () => {
    process.env.FLY_API_TOKEN = "   ";
    expect(() => resolveFlyCredentials(stackConfig({}))).toThrow(
      "No Fly API token: set the stack config key flyApiToken " +
        "(pulumi config set --secret flyApiToken <token>) or the environment variable FLY_API_TOKEN.",
    );
  });

  it("rejects a base URL that is not http(s)", () => {
    process.env.FLY_API_TOKEN = "t";
    process.env.FLY_API_URL = "api.machines.dev";
    expect(() => resolveFlyCredentials()).toThrow(
      "The Machines API base URL must be an http(s) URL such as https://api.machines.dev (the value is not shown: it may be a credential)",
    );
  });
});

describe("provider tuning from stack config", () => {
  it("defaults without the key and merges a JSON object over the defaults", () => {
    expect(readTuning(undefined)).toEqual(DEFAULT_TUNING);
    expect(readTuning(config('{"pollIntervalMs":20,"pacing":false}'))).toEqual({
      ...DEFAULT_TUNING,
      pollIntervalMs: 20,
      pacing: false,
    });
  });

  it("names the key and the setting when the value is wrong", () => {
    expect(() => readTuning(config("fast"))).toThrow(
      "providerTuning: must be a JSON object, got fast",
    );
    expect(() => readTuning(config('{"pollMs":5}'))).toThrow(
      "providerTuning.pollMs: is not a setting (known: pollIntervalMs, checkPollMs, leaseWaitMs, leaseTtlSeconds, pacing, retryBaseDelayMs, adoptLookupDelayMs, settleTimeoutMs)",
    );
    expect(() => readTuning(config('{"leaseWaitMs":-1}'))).toThrow(
      "providerTuning.leaseWaitMs: must be a non-negative number",
    );
  });

  it("lists every problem of a value, for the program's config check", () => {
    expect(tuningProblems({ pollMs: 5, pacing: "no" })).toEqual([
      "providerTuning.pollMs: is not a setting (known: pollIntervalMs, checkPollMs, leaseWaitMs, leaseTtlSeconds, pacing, retryBaseDelayMs, adoptLookupDelayMs, settleTimeoutMs)",
      "providerTuning.pacing: must be a boolean",
    ]);
    expect(tuningProblems(undefined)).toEqual([]);
  });
});

describe("client options for a call", () => {
  const withToken = stackConfig({ "openclaw-fly:flyApiToken": "fo1_token" });

  it("reports each request pacing holds back as a progress line the bench reads back", () => {
    const lines: string[] = [];
    const options = flyClientOptions(withToken, DEFAULT_TUNING, (line) => lines.push(line));
    if (options.pacing === false || options.pacing === undefined) throw new Error("no pacing");
    options.pacing.onHold?.({ action: "volume_create", scope: "my-app", waitMs: 1_000 });
    expect(lines).toEqual(["holding volume_create on my-app for 1000 ms under Fly's rate limits"]);
    expect(readPacingHold(`[fly:volume data-iad] ${lines[0]}`)).toEqual({
      action: "volume_create",
      scope: "my-app",
      waitMs: 1_000,
    });
    expect(readPacingHold("[fly:volume data-iad] creating volume")).toBeUndefined();
  });

  it("turns pacing off when the tuning says so", () => {
    expect(flyClientOptions(withToken, { ...DEFAULT_TUNING, pacing: false }).pacing).toBe(false);
  });
});
