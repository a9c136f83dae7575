import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeOpenClawConfig, type OpenClawConfigJson } from "../../components/openclaw-config";
import { withAppAddresses } from "../../components/openclaw-trusted-proxies";
import { checkOpenClawSettings } from "../../components/openclaw-validate";
import { startGateway, type GatewayProcess } from "../support/gateway-process";
import { gatewayPackage } from "../../scripts/openclaw-schema/gateway-package";

// How the real gateway (2026.9.6) treats a request that Fly's proxy forwarded, with the
// openclaw.json public mode ships. Fly's proxy connects from 172.16.0.0/12, which a test on
// loopback cannot; the test's requests come from 127.0.0.1, so the stack trusts it as one of its
// own entries, which the deployment keeps after Fly's range and the app's addresses. The
// gateway decides by the peer address and X-Forwarded-For (dist/ingress-attribution-*.mjs
// `resolveGatewayIngressAttribution`), never by anything Fly-specific, so 127.0.0.1 stands in
// for Fly's range exactly.
const VERSION = "2026.9.6";
const APP_V4 = "137.66.0.10";
const APP_V6 = "2a09:8280:1::4a";
const CLIENT = "198.51.100.7";

function shipped(settings: Record<string, unknown>): OpenClawConfigJson {
  const check = checkOpenClawSettings(settings, {
    appName: "proxy-claw",
    mode: "public",
    version: { version: VERSION },
    envNames: [],
  });
  if (check.config === undefined) throw new Error(check.problems.join("\n"));
  return withAppAddresses(check.config, { mode: "public", appAddresses: [APP_V4, APP_V6] });
}

const trusting = shipped({ gateway: { trustedProxies: ["127.0.0.1"] } });
// What public mode shipped before it wrote trusted proxies: the same file without the list.
const { trustedProxies: _dropped, ...bareGateway } = shipped({}).gateway;
const untrusting: OpenClawConfigJson = { ...shipped({}), gateway: bareGateway };

let withList: GatewayProcess;
let withoutList: GatewayProcess;

beforeAll(async () => {
  const gateway = await gatewayPackage(VERSION);
  [withList, withoutList] = await Promise.all([
    startGateway(gateway, serializeOpenClawConfig(trusting)),
    startGateway(gateway, serializeOpenClawConfig(untrusting)),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([withList?.stop(), withoutList?.stop()]);
}, 60_000);

/** An authenticated request as Fly's proxy forwards it: from the proxy, naming the client. */
async function forwarded(
  gateway: GatewayProcess,
  forwardedFor?: string,
): Promise<{ status: number; type?: string }> {
  const response = await fetch(`${gateway.url}/control-ui-config.json`, {
    headers: {
      authorization: `Bearer ${gateway.token}`,
      ...(forwardedFor !== undefined
        ? { "x-forwarded-for": forwardedFor, "x-forwarded-proto": "https" }
        : {}),
    },
  });
  const body = (await response.json()) as { error?: { type?: string } };
  return { status: response.status, ...(body.error?.type ? { type: body.error.type } : {}) };
}

describe(`a forwarded request to the real gateway (OpenClaw ${VERSION})`, () => {
  it("ships Fly's range, the app's addresses and the stack's own entry, in that order", () => {
    expect(trusting.gateway.trustedProxies).toEqual(["172.16.0.0/12", APP_V4, APP_V6, "127.0.0.1"]);
  });

  it("is refused with 403 proxy_attribution_required without trusted proxies", async () => {
    expect(await forwarded(withoutList, `${CLIENT}, ${APP_V4}`)).toEqual({
      status: 403,
      type: "proxy_attribution_required",
    });
    // The same request without forwarded headers is a direct one, and passes.
    expect(await forwarded(withoutList)).toEqual({ status: 200 });
  });

  it("is accepted from a trusted proxy, through either of the app's addresses", async () => {
    expect(await forwarded(withList, `${CLIENT}, ${APP_V4}`)).toEqual({ status: 200 });
    expect(await forwarded(withList, `${CLIENT}, ${APP_V6}`)).toEqual({ status: 200 });
  });

  it("skips the app's own address as a proxy hop rather than taking it for the client", async () => {
    // Only the app's address left: no client to attribute the request to.
    expect(await forwarded(withList, APP_V4)).toEqual({
      status: 403,
      type: "proxy_attribution_required",
    });
  });
});
