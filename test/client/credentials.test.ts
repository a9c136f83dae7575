import { describe, expect, it } from "vitest";
import { authorizationHeader, createFlyClient } from "../../providers/fly-client/fly-client";

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
