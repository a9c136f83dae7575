import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  authorizationHeader,
  createFlyClient,
  resolveFlyCredentials,
} from "../../providers/fly-client/fly-client";

/** Stack config as Pulumi's `configure()` hands it over (namespaced keys, bare-key lookup). */
function stackConfig(values: Record<string, string>) {
  return {
    get: (key: string) => values[key.includes(":") ? key : `openclaw-fly:${key}`],
  };
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

  it("accepts fully qualified keys from a plain map", () => {
    const values: Record<string, string> = { "openclaw-fly:flyApiToken": "qualified" };
    expect(resolveFlyCredentials({ get: (key) => values[key] })).toEqual({
      baseUrl: "https://api.machines.dev",
      token: "qualified",
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
      'No Fly API token: set the stack config "openclaw-fly:flyApiToken" ' +
        "(pulumi config set --secret flyApiToken <token>) or the environment variable FLY_API_TOKEN.",
    );
  });

  it("rejects a base URL that is not http(s)", () => {
    process.env.FLY_API_TOKEN = "t";
    process.env.FLY_API_URL = "api.machines.dev";
    expect(() => resolveFlyCredentials()).toThrow(
      'flyApiUrl must be an http(s) URL such as https://api.machines.dev, got "api.machines.dev"',
    );
  });
});

describe("authorizationHeader", () => {
  it.each([
    ["fm1r_abc", "FlyV1 fm1r_abc"],
    ["fm1a_abc", "FlyV1 fm1a_abc"],
    ["fm2_abc,fm2_def", "FlyV1 fm2_abc,fm2_def"],
    ["FlyV1 fm2_abc", "FlyV1 fm2_abc"],
    ["Bearer personal", "Bearer personal"],
    ["personal-access-token", "Bearer personal-access-token"],
    ["  padded  ", "Bearer padded"],
  ])("sends %s as %s", (token, header) => {
    expect(authorizationHeader(token)).toBe(header);
  });
});

describe("createFlyClient", () => {
  it("refuses an empty token", () => {
    expect(() => createFlyClient({ baseUrl: "https://api.machines.dev", token: " " })).toThrow(
      "FlyClientOptions.token must be a non-empty string",
    );
  });
});
