import { afterEach, describe, expect, it } from "vitest";
import { initFailure } from "../../providers/provider-kit/fly-provider";
import { progress, resourceLabel } from "../../providers/provider-kit/progress";
import { sameValue } from "../../providers/provider-kit/provider-values";
import { captureProgress } from "./provider-support";

describe("progress lines", () => {
  afterEach(() => {
    process.env.OPENCLAW_FLY_QUIET = "1";
  });

  it("writes one prefixed line per message, flattening line breaks", async () => {
    const { lines } = await captureProgress(async () => {
      progress(resourceLabel("machine", "gw-iad"), "waiting for checks\n  (12s)");
    });
    expect(lines).toEqual(["[fly:machine gw-iad] waiting for checks (12s)"]);
  });

  it("stays silent with OPENCLAW_FLY_QUIET=1", async () => {
    const { lines } = await captureProgress(async () => {
      process.env.OPENCLAW_FLY_QUIET = "1";
      progress("fly:app gw", "creating");
    });
    expect(lines).toEqual([]);
  });
});

describe("comparing values the way Fly stores them", () => {
  it("ignores key order and undefined keys, but not array order", () => {
    expect(sameValue({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(
      true,
    );
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: "1" })).toBe(false);
  });
});

describe("initFailure", () => {
  it("keeps the inputs' __provider in the properties the host stores, so the resource stays manageable", () => {
    const failure = initFailure(
      { a: 1, __provider: "code" },
      "m-1",
      { a: 1, state: "stopped" },
      "not healthy",
    );
    expect(failure).toMatchObject({
      message: "not healthy",
      id: "m-1",
      properties: { a: 1, state: "stopped", __provider: "code" },
      reasons: ["not healthy"],
    });
    expect(initFailure({}, "m-1", { a: 1 }, "x")).toMatchObject({ properties: { a: 1 } });
  });
});
