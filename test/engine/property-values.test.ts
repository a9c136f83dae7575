import { describe, expect, it } from "vitest";
import { processIgnoreChanges } from "../../engine/ignore-changes";
import {
  annotateSecrets,
  changedKeys,
  containsUnknowns,
  makeSecret,
  markSecretOutputs,
  stripSecrets,
  UNKNOWN,
} from "../../engine/property-values";

describe("property values", () => {
  it("strips secrets everywhere, keeping the plain values", () => {
    const value = { a: makeSecret("x"), b: [makeSecret({ c: 1 })], d: 2 };
    expect(stripSecrets(value)).toEqual({ a: "x", b: [{ c: 1 }], d: 2 });
  });

  it("annotates outputs whose key holds a secret input, recursing into objects", () => {
    const inputs = {
      token: makeSecret("t"),
      nested: { key: makeSecret("k"), plain: 1 },
      list: [makeSecret(1)],
    };
    const outputs = { token: "t", nested: { key: "k", plain: 1 }, list: [1], extra: "e" };
    expect(annotateSecrets(outputs, inputs)).toEqual({
      token: makeSecret("t"),
      nested: { key: makeSecret("k"), plain: 1 },
      list: makeSecret([1]),
      extra: "e",
    });
  });

  it("marks additionalSecretOutputs secret once", () => {
    expect(markSecretOutputs({ a: makeSecret(1), b: 2, c: 3 }, ["a", "b", "missing"])).toEqual({
      a: makeSecret(1),
      b: makeSecret(2),
      c: 3,
    });
  });

  it("lists changed top-level keys with secretness ignored", () => {
    expect(
      changedKeys({ a: makeSecret(1), b: { x: 1 }, c: 3 }, { a: 1, b: { x: 2 }, d: 4 }),
    ).toEqual(["b", "c", "d"]);
  });

  it("finds unknowns inside secrets and structures", () => {
    expect(containsUnknowns({ a: [makeSecret({ b: UNKNOWN })] })).toBe(true);
    expect(containsUnknowns({ a: [makeSecret({ b: "known" })] })).toBe(false);
  });

  it("resets ignored paths to the old value, or removes them when the old inputs lacked them", () => {
    const olds = { size: 1, settings: { mode: "a", level: 1 } };
    const news = { size: 2, settings: { mode: "b", level: 2 }, added: true };
    expect(processIgnoreChanges(news, olds, ["size", "settings.mode", "added"])).toEqual({
      inputs: { size: 1, settings: { mode: "a", level: 2 } },
      invalidPaths: [],
    });
    expect(processIgnoreChanges(news, olds, ["*"]).inputs).toEqual(olds);
    expect(news).toEqual({ size: 2, settings: { mode: "b", level: 2 }, added: true });
  });
});
