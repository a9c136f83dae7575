import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  PROVIDER_NAMES,
  adapt,
  createProvider,
} from "../../providers/provider-kit/provider-registry";
import { stubSpec, stubText } from "../../providers/provider-kit/provider-stub";

const ENTRY = "providers/provider-kit/provider-loader.cjs";
const NAME = "demo:Widget";
const CURRENT = stubText(NAME, ENTRY);

/** A provider that records its calls and answers `diff` with `changes`. */
function recording(changes: boolean | undefined, withUpdate = true) {
  const calls: string[] = [];
  const provider: pulumi.dynamic.ResourceProvider = {
    async diff() {
      calls.push("diff");
      return { changes, replaces: [] };
    },
    async create() {
      calls.push("create");
      return { id: "w1", outs: { size: 1 } };
    },
    ...(withUpdate
      ? {
          async update(_id: string, _olds: unknown, news: Record<string, unknown>) {
            calls.push("update");
            return { outs: { size: news.size } };
          },
        }
      : {}),
  };
  return { calls, provider };
}

describe("the stub", () => {
  it("requires the loader by its path and names the provider with the protocol", () => {
    expect(stubSpec("fly:FlyMachine")).toBe("loaded-provider@1 fly:FlyMachine");
    expect(stubText("fly:FlyMachine", ENTRY)).toBe(
      'exports.handler = () => require(require("path").resolve("providers/provider-kit/provider-loader.cjs"))' +
        '.provider("loaded-provider@1 fly:FlyMachine");\n',
    );
  });
});

describe("the adapter's rule for state written before", () => {
  it.each<[string, unknown]>([
    ["serialized code", "exports.handler = __f0;\nfunction __f0() { /* 60 KB */ }"],
    ["a stub of another protocol", stubText(NAME, ENTRY).replace("@1 ", "@2 ")],
    ["a stub of a moved loader", stubText(NAME, "lib/provider-loader.cjs")],
    ["no provider at all", undefined],
  ])("reports a change for %s, so the next up moves it", async (_label, stored) => {
    const { calls, provider } = recording(false);
    const diff = await adapt(NAME, ENTRY, provider).diff!(
      "w1",
      { size: 1, __provider: stored },
      { size: 1 },
    );
    expect(diff).toEqual({ changes: true, replaces: [] });
    expect(calls).toEqual(["diff"]);
  });

  it("answers as the provider does once the state carries the current stub", async () => {
    for (const changes of [false, true, undefined]) {
      const { provider } = recording(changes);
      const diff = await adapt(NAME, ENTRY, provider).diff!(
        "w1",
        { size: 1, __provider: CURRENT },
        { size: 1 },
      );
      expect(diff).toEqual({ changes, replaces: [] });
    }
  });

  it("keeps the outputs of a provider that has no update, instead of dropping them", async () => {
    const { calls, provider } = recording(false, false);
    const update = await adapt(NAME, ENTRY, provider).update!(
      "w1",
      { size: 1, value: "kept", __provider: "exports.handler = old;" },
      { size: 1 },
    );
    expect(update).toEqual({ outs: { size: 1, value: "kept" } });
    expect(calls).toEqual([]);
  });

  it("runs the provider's own update when it has one", async () => {
    const { calls, provider } = recording(true);
    const update = await adapt(NAME, ENTRY, provider).update!("w1", { size: 1 }, { size: 2 });
    expect(update).toEqual({ outs: { size: 2 } });
    expect(calls).toEqual(["update"]);
  });

  it("fills the host's defaults for the methods a provider lacks", async () => {
    const adapted = adapt(NAME, ENTRY, { create: async () => ({ id: "w1" }) });
    expect(await adapted.check!({}, { size: 3 })).toEqual({ inputs: { size: 3 } });
    expect(await adapted.read!("w1", { size: 3 })).toEqual({ id: "w1", props: { size: 3 } });
    await expect(adapted.delete!("w1", {})).resolves.toBeUndefined();
  });
});

describe("the registry", () => {
  it("names every provider the resources register", () => {
    expect(PROVIDER_NAMES).toEqual([
      "fly:FlyApp",
      "fly:FlyCertificate",
      "fly:FlyIpAddress",
      "fly:FlyMachine",
      "fly:FlySecrets",
      "fly:FlyVolume",
      "openclaw:GeneratedToken",
    ]);
  });

  it("names the known providers when asked for an unknown one", () => {
    expect(() => createProvider("fly:FlySprocket")).toThrow(
      "no provider named fly:FlySprocket in providers/provider-kit/provider-registry.ts (known: " +
        "fly:FlyApp, fly:FlyCertificate, fly:FlyIpAddress, fly:FlyMachine, fly:FlySecrets, " +
        "fly:FlyVolume, openclaw:GeneratedToken)",
    );
  });
});
