import { describe, expect, it } from "vitest";
import { renderOpenClawConfig, type RenderOptions } from "../../components/openclaw-config";
import { withAppAddresses, type ProxyPath } from "../../components/openclaw-trusted-proxies";

const PUBLIC: RenderOptions = { appName: "my-claw", mode: "public" };
const FLYCAST: RenderOptions = { appName: "my-claw", mode: "private", flycast: true };
const PRIVATE: RenderOptions = { appName: "my-claw", mode: "private" };

const proxiesOf = (settings: Record<string, unknown>, options: RenderOptions) =>
  renderOpenClawConfig(settings, options).gateway.trustedProxies;

describe("gateway.trustedProxies as rendered at preview", () => {
  it.each<[string, RenderOptions, unknown]>([
    ["public mode trusts Fly's proxy range", PUBLIC, ["172.16.0.0/12"]],
    ["private mode with Flycast trusts it too", FLYCAST, ["172.16.0.0/12"]],
    ["private mode without Flycast trusts no proxy", PRIVATE, undefined],
  ])("%s", (_label, options, expected) => {
    expect(proxiesOf({}, options)).toEqual(expected);
  });

  it("keeps the user's entries after Fly's range, each once", () => {
    const user = ["203.0.113.0/24", "172.16.0.0/12", "2001:db8::/32", "203.0.113.0/24"];
    expect(proxiesOf({ gateway: { trustedProxies: user } }, PUBLIC)).toEqual([
      "172.16.0.0/12",
      "203.0.113.0/24",
      "2001:db8::/32",
    ]);
  });

  it("ships the user's entries alone where Fly's proxy forwards nothing", () => {
    const user = ["10.0.0.0/8"];
    expect(proxiesOf({ gateway: { trustedProxies: user } }, PRIVATE)).toEqual(["10.0.0.0/8"]);
  });

  it("leaves a value that is not a list for the schema check to report", () => {
    expect(proxiesOf({ gateway: { trustedProxies: "172.16.0.0/12" } }, PUBLIC)).toBe(
      "172.16.0.0/12",
    );
  });
});

describe("withAppAddresses: the document that ships", () => {
  const render = (settings: Record<string, unknown>, options: RenderOptions) =>
    renderOpenClawConfig(settings, options);

  it("adds the app's addresses after Fly's range and before the user's entries", () => {
    const config = render({ gateway: { trustedProxies: ["203.0.113.0/24"] } }, PUBLIC);
    const path: ProxyPath = { mode: "public", appAddresses: ["137.66.0.10", "2a09:8280:1::4a"] };
    expect(withAppAddresses(config, path).gateway.trustedProxies).toEqual([
      "172.16.0.0/12",
      "137.66.0.10",
      "2a09:8280:1::4a",
      "203.0.113.0/24",
    ]);
  });

  it("adds the Flycast address in private mode with Flycast", () => {
    const config = render({}, FLYCAST);
    const path: ProxyPath = { mode: "private", flycast: true, appAddresses: ["fdaa:0:1::3"] };
    expect(withAppAddresses(config, path).gateway.trustedProxies).toEqual([
      "172.16.0.0/12",
      "fdaa:0:1::3",
    ]);
  });

  it("changes nothing where Fly's proxy forwards nothing", () => {
    const config = render({ gateway: { trustedProxies: ["10.0.0.0/8"] } }, PRIVATE);
    expect(withAppAddresses(config, { mode: "private", appAddresses: [] })).toEqual(config);
    const bare = render({}, PRIVATE);
    expect(withAppAddresses(bare, { mode: "private", appAddresses: [] })).toEqual(bare);
    expect("trustedProxies" in bare.gateway).toBe(false);
  });

  it("does not change the document it is given", () => {
    const config = render({}, PUBLIC);
    const before = structuredClone(config);
    withAppAddresses(config, { mode: "public", appAddresses: ["137.66.0.10"] });
    expect(config).toEqual(before);
  });
});
