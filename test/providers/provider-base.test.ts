import { afterEach, describe, expect, it } from "vitest";
import { progress, resourceLabel } from "../../providers/provider-kit/progress";
import {
  DEFAULT_TUNING,
  readTuning,
  sameValue,
  TUNING_CONFIG_KEY,
} from "../../providers/provider-kit/provider-base";
import { captureProgress } from "./provider-support";

function config(value: string | undefined) {
  return { get: (key: string) => (key === TUNING_CONFIG_KEY ? value : undefined) };
}

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
      'openclaw-fly:providerTuning must be a JSON object, got "fast"',
    );
    expect(() => readTuning(config('{"pollMs":5}'))).toThrow(
      "openclaw-fly:providerTuning.pollMs is not a setting (known: pollIntervalMs, leaseWaitMs, leaseTtlSeconds, pacing, retryBaseDelayMs, adoptLookupDelayMs, settleTimeoutMs)",
    );
    expect(() => readTuning(config('{"leaseWaitMs":-1}'))).toThrow(
      "openclaw-fly:providerTuning.leaseWaitMs must be a non-negative number",
    );
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
