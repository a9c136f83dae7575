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

/** The stack every resource here is declared in. */
const STACK = "openclaw-fly/test";

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
    expect(await provider.check({} as never, { name: "gw-one", stack: STACK } as never)).toEqual({
      inputs: { name: "gw-one", org: "personal", stack: STACK },
    });
  });

  it("names the property and the rule of a bad app name and org", async () => {
    expect(
      await provider.check({} as never, { name: "My_App", org: "Big Org", stack: STACK }),
    ).toEqual({
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
    const olds = { name: "gw-one", org: "personal", stack: STACK };
    const consequence =
      "replacing it would delete every machine, volume, IP address and secret of the app; " +
      "keep the old value, or give the app a new name to create a new app";
    expect(
      await provider.check(olds, { name: "gw-one", org: "acme", network: "private", stack: STACK }),
    ).toEqual({
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
    });
    // A new name is a new app, beside the old one: allowed.
    expect(await provider.check(olds, { name: "gw-two", org: "acme", stack: STACK })).toEqual({
      inputs: { name: "gw-two", org: "acme", stack: STACK },
    });
    expect(await provider.check(olds, { name: "gw-one", org: UNKNOWN, stack: STACK })).toEqual({
      inputs: { name: "gw-one", org: UNKNOWN, stack: STACK },
    });
  });

  it("accepts unknown values during a preview", async () => {
    expect(
      await provider.check({} as never, { name: UNKNOWN, org: UNKNOWN, stack: STACK }),
    ).toEqual({
      inputs: { name: UNKNOWN, org: UNKNOWN, stack: STACK },
    });
  });
});

describe("FlyApp lifecycle", () => {
  let outs: FlyAppOutputs;

  it("creates the app in the org with one call, looking nothing up first", async () => {
    await clearRequestLog(fx);
    const created = await provider.create({ name: "gw-life", org: "personal", stack: STACK });
    expect(await requestLog(fx)).toEqual(["POST /v1/apps 201"]);
    outs = created.outs;
    const app = (await worldState(fx)).apps["gw-life"];
    expect(created).toEqual({
      id: "gw-life",
      outs: { name: "gw-life", org: "personal", stack: STACK, appId: app.id },
    });
  });

  it("reads it back with the inputs Fly holds", async () => {
    expect(await provider.read("gw-life", outs)).toEqual({
      id: "gw-life",
      props: outs,
      inputs: { name: "gw-life", org: "personal", stack: STACK },
    });
  });

  it("sees no change when only the provider code changed", async () => {
    const news = {
      name: "gw-life",
      org: "personal",
      stack: STACK,
      __provider: "exports.handler = other",
    };
    expect(await provider.diff("gw-life", { ...outs, __provider: "old" } as never, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces on a new name, and deletes first when only the org changes", async () => {
    expect(
      await provider.diff("gw-life", outs, { name: "gw-new", org: "personal", stack: STACK }),
    ).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(
      await provider.diff("gw-life", outs, { name: "gw-life", org: "acme", stack: STACK }),
    ).toEqual({
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
    const created = await provider.create({ name: "gw-adopt", org: "personal", stack: STACK });
    expect(created.id).toBe("gw-adopt");
    // Whose it is: the marker among its secret names, else the stacks its machines name.
    expect(await requestLog(fx)).toEqual([
      "POST /v1/apps 422",
      "GET /v1/apps/gw-adopt 200",
      "GET /v1/apps/gw-adopt/secrets 200",
      "GET /v1/apps/gw-adopt/machines 200",
    ]);
  });

  it("adopts after a create whose answer was lost", async () => {
    await fx.control("POST", "/faults", {
      kind: "timeout_after_commit",
      route: "POST /v1/apps",
    });
    await clearRequestLog(fx);
    const created = await provider.create({ name: "gw-lost", org: "personal", stack: STACK });
    expect(created.id).toBe("gw-lost");
    expect(await requestLog(fx)).toEqual(["POST /v1/apps 408", "GET /v1/apps/gw-lost 200"]);
  });

  it("refuses an app name taken in another org", async () => {
    await createAppDirectly(fx, "gw-taken", "acme");
    const error = await rejectionOf(
      provider.create({ name: "gw-taken", org: "personal", stack: STACK }),
    );
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
      provider.delete("gw-held", { name: "gw-held", org: "personal", stack: STACK, appId: "x" }),
    );
    expect(lines).toEqual([
      `[fly:app gw-held] warning: app gw-held still holds volumes data (${volume.body.id}, iad); it is left in place on Fly (deleting it would delete them) and the next up adopts it again`,
    ]);
    expect((await worldState(fx)).apps["gw-held"].name).toBe("gw-held");
  });
});
