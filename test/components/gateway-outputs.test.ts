import { describe, expect, it } from "vitest";
import { gatewayConnection, proxyCommand } from "../../components/gateway-outputs";
import { rolloutPredecessors } from "../../components/gateway-regions";

describe("gatewayConnection", () => {
  it("gives a public gateway its fly.dev URL and nothing private", () => {
    expect(gatewayConnection("my-claw", "public", false)).toEqual({
      url: "https://my-claw.fly.dev",
    });
  });

  it("gives a private gateway its 6PN address and the fly proxy command", () => {
    expect(gatewayConnection("my-claw", "private", false)).toEqual({
      privateAddress: "http://my-claw.internal:3000",
      proxyCommand: "fly proxy 3000:3000 -a my-claw",
    });
  });

  it("gives a private gateway with Flycast its Flycast address", () => {
    expect(gatewayConnection("my-claw", "private", true)).toEqual({
      privateAddress: "http://my-claw.flycast",
      proxyCommand: "fly proxy 3000:3000 -a my-claw",
    });
  });

  it("forwards the gateway port to the same local port", () => {
    expect(proxyCommand("claw-prod")).toBe("fly proxy 3000:3000 -a claw-prod");
  });
});

describe("rolloutPredecessors", () => {
  const regions = ["iad", "ams", "sin", "syd"];

  it("canary: every later region waits for the first", () => {
    expect(rolloutPredecessors(regions, "canary")).toEqual({
      iad: undefined,
      ams: "iad",
      sin: "iad",
      syd: "iad",
    });
  });

  it("serial: each region waits for the one before it", () => {
    expect(rolloutPredecessors(regions, "serial")).toEqual({
      iad: undefined,
      ams: "iad",
      sin: "ams",
      syd: "sin",
    });
  });

  it("parallel: no region waits", () => {
    expect(rolloutPredecessors(regions, "parallel")).toEqual({
      iad: undefined,
      ams: undefined,
      sin: undefined,
      syd: undefined,
    });
  });

  it("a single region waits for nothing whatever the strategy", () => {
    for (const strategy of ["canary", "serial", "parallel"] as const) {
      expect(rolloutPredecessors(["iad"], strategy)).toEqual({ iad: undefined });
    }
  });
});
