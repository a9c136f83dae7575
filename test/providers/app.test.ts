import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlyAppProvider } from "../../providers/app/fly-app";
import type { FlyAppOutputs } from "../../providers/app/fly-app";
import {
  captureProgress,
  clearRequestLog,
  configured,
  createAppDirectly,
  rejectionOf,
  requestLog,
  startEmulatorFixture,
  UNKNOWN,
  worldState,
} from "./provider-support";

let fx: EmulatorFixture;
let provider: FlyAppProvider;

beforeAll(async () => {
  fx = await startEmulatorFixture();
  provider = await configured(new FlyAppProvider(), fx);
});

afterAll(async () => {
  await fx.close();
});

describe("FlyApp check", () => {
  it("fills the org default and keeps the name", async () => {
    expect(await provider.check({} as never, { name: "gw-one" } as never)).toEqual({
      inputs: { name: "gw-one", org: "personal" },
    });
  });

  it("names the property and the rule of a bad app name and org", async () => {
    expect(await provider.check({} as never, { name: "My_App", org: "Big Org" })).toEqual({
      failures: [
        {
          property: "name",
          reason: 'must be 1 to 63 lowercase letters, digits and dashes, got "My_App"',
        },
        {
          property: "org",
          reason:
            'must be an organization slug (lowercase letters, digits and dashes, e.g. "personal"), got "Big Org"',
        },
      ],
    });
  });

  it("refuses to move an existing app to another organization or network, naming what a replace would delete", async () => {
    const olds = { name: "gw-one", org: "personal" };
    const consequence =
      "replacing it would delete every machine, volume, IP address and secret of the app; " +
      "keep the old value, or give the app a new name to create a new app";
    expect(await provider.check(olds, { name: "gw-one", org: "acme", network: "private" })).toEqual(
      {
        failures: [
          {
            property: "org",
            reason: `the app gw-one exists already in organization personal and Fly cannot move it to acme: ${consequence}`,
          },
          {
            property: "network",
            reason:
              "the app gw-one exists already on the default network and Fly cannot move it to network private: " +
              consequence,
          },
        ],
      },
    );
    // A new name is a new app, beside the old one: allowed.
    expect(await provider.check(olds, { name: "gw-two", org: "acme" })).toEqual({
      inputs: { name: "gw-two", org: "acme" },
    });
    expect(await provider.check(olds, { name: "gw-one", org: UNKNOWN })).toEqual({
      inputs: { name: "gw-one", org: UNKNOWN },
    });
  });

  it("accepts unknown values during a preview", async () => {
    expect(await provider.check({} as never, { name: UNKNOWN, org: UNKNOWN })).toEqual({
      inputs: { name: UNKNOWN, org: UNKNOWN },
    });
  });
});

describe("FlyApp lifecycle", () => {
  let outs: FlyAppOutputs;

  it("creates the app in the org with one call, looking nothing up first", async () => {
    await clearRequestLog(fx);
    const created = await provider.create({ name: "gw-life", org: "personal" });
    expect(await requestLog(fx)).toEqual(["POST /v1/apps 201"]);
    outs = created.outs;
    const app = (await worldState(fx)).apps["gw-life"];
    expect(created).toEqual({
      id: "gw-life",
      outs: { name: "gw-life", org: "personal", appId: app.id },
    });
  });

  it("reads it back with the inputs Fly holds", async () => {
    expect(await provider.read("gw-life", outs)).toEqual({
      id: "gw-life",
      props: outs,
      inputs: { name: "gw-life", org: "personal" },
    });
  });

  it("sees no change when only the provider code changed", async () => {
    const news = { name: "gw-life", org: "personal", __provider: "exports.handler = other" };
    expect(await provider.diff("gw-life", { ...outs, __provider: "old" } as never, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces on a new name, and deletes first when only the org changes", async () => {
    expect(await provider.diff("gw-life", outs, { name: "gw-new", org: "personal" })).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("gw-life", outs, { name: "gw-life", org: "acme" })).toEqual({
      changes: true,
      replaces: ["org"],
      deleteBeforeReplace: true,
    });
  });

  it("deletes an app without volumes", async () => {
    await provider.delete("gw-life", outs);
    expect((await worldState(fx)).apps["gw-life"]).toBeUndefined();
    expect(await provider.read("gw-life", outs)).toEqual({});
  });
});

describe("FlyApp adoption", () => {
  it("adopts an app of the same name in the same org once Fly refuses the name", async () => {
    await createAppDirectly(fx, "gw-adopt");
    await clearRequestLog(fx);
    const created = await provider.create({ name: "gw-adopt", org: "personal" });
    expect(created.id).toBe("gw-adopt");
    expect(await requestLog(fx)).toEqual(["POST /v1/apps 422", "GET /v1/apps/gw-adopt 200"]);
  });

  it("adopts after a create whose answer was lost", async () => {
    await fx.control("POST", "/faults", {
      kind: "timeout_after_commit",
      route: "POST /v1/apps",
    });
    await clearRequestLog(fx);
    const created = await provider.create({ name: "gw-lost", org: "personal" });
    expect(created.id).toBe("gw-lost");
    expect(await requestLog(fx)).toEqual(["POST /v1/apps 408", "GET /v1/apps/gw-lost 200"]);
  });

  it("refuses an app name taken in another org", async () => {
    await createAppDirectly(fx, "gw-taken", "acme");
    const error = await rejectionOf(provider.create({ name: "gw-taken", org: "personal" }));
    expect(error.message).toBe(
      'FlyApp gw-taken: the app name "gw-taken" is taken by an app in organization acme, not personal: app names are global, choose another',
    );
  });
});

describe("FlyApp delete with volumes", () => {
  it("leaves an app holding volumes in place with a warning naming them", async () => {
    await createAppDirectly(fx, "gw-held");
    const volume = await fx.api("POST", "/v1/apps/gw-held/volumes", {
      name: "data",
      region: "iad",
      size_gb: 1,
    });
    const { lines } = await captureProgress(() =>
      provider.delete("gw-held", { name: "gw-held", org: "personal", appId: "x" }),
    );
    expect(lines).toEqual([
      `[fly:app gw-held] warning: app gw-held still holds volumes data (${volume.body.id}, iad); it is left in place on Fly (deleting it would delete them) and the next up adopts it again`,
    ]);
    expect((await worldState(fx)).apps["gw-held"].name).toBe("gw-held");
  });
});
