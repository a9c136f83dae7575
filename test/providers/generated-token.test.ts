import { describe, expect, it } from "vitest";
import {
  DEFAULT_TOKEN_BYTES,
  GeneratedTokenProvider,
  type GeneratedTokenOutputs,
} from "../../providers/token/generated-token";
import { UNKNOWN } from "../../providers/provider-kit/unknowns";

const provider = new GeneratedTokenProvider();

describe("GeneratedToken provider", () => {
  it("fills the default size in check", async () => {
    expect(await provider.check({} as never, {} as never)).toEqual({
      inputs: { bytes: DEFAULT_TOKEN_BYTES },
      failures: [],
    });
  });

  it.each([8, 15, 257, 16.5, "32"])("refuses %j bytes, naming the property", async (bytes) => {
    expect(await provider.check({} as never, { bytes } as never)).toEqual({
      inputs: { bytes },
      failures: [{ property: "bytes", reason: "must be a whole number from 16 to 256" }],
    });
  });

  it("leaves an unknown size to be judged once it is known", async () => {
    expect(await provider.check({} as never, { bytes: UNKNOWN } as never)).toEqual({
      inputs: { bytes: UNKNOWN },
      failures: [],
    });
  });

  it("creates a value of 2 * bytes lowercase hex characters, new on every create", async () => {
    const first = await provider.create({ bytes: 32 });
    const second = await provider.create({ bytes: 32 });
    expect(first.outs.bytes).toBe(32);
    expect(first.outs.value).toMatch(/^[0-9a-f]{64}$/);
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    expect(second.outs.value).not.toBe(first.outs.value);
    expect((await provider.create({ bytes: 16 })).outs.value).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps the value: the same size is no change, whatever else the inputs carry", async () => {
    const olds: GeneratedTokenOutputs = { bytes: 32, value: "ab".repeat(32) };
    const news = { bytes: 32, __provider: "exports.handler = changed code" } as never;
    expect(await provider.diff("id", olds, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces the value when the size changes", async () => {
    const olds: GeneratedTokenOutputs = { bytes: 32, value: "ab".repeat(32) };
    expect(await provider.diff("id", olds, { bytes: 48 })).toEqual({
      changes: true,
      replaces: ["bytes"],
      deleteBeforeReplace: false,
    });
  });

  it("reads the value back from the state, where it lives", async () => {
    const props: GeneratedTokenOutputs = { bytes: 32, value: "cd".repeat(32) };
    expect(await provider.read("id", props)).toEqual({
      id: "id",
      props,
      inputs: { bytes: 32 },
    });
    expect(await provider.read("id")).toEqual({});
  });
});
