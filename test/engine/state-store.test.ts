import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceState } from "../../engine/engine-types";
import { makeSecret } from "../../engine/property-values";
import { SecretsCrypter } from "../../engine/secrets-crypter";
import { readStateFile, StateStore } from "../../engine/state-store";

const IDENTITY = { project: "things", stack: "dev" };

function resource(name: string, outputs: ResourceState["outputs"]): ResourceState {
  return {
    urn: `urn:pulumi:dev::things::test:Thing::${name}`,
    type: "test:Thing",
    custom: true,
    id: `${name}-id`,
    parent: "",
    inputs: { name, tags: [], nested: { list: [1, "two", null], empty: {} } },
    outputs,
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    additionalSecretOutputs: [],
  };
}

let directory: string;
let crypter: SecretsCrypter;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "state-store-"));
  crypter = await SecretsCrypter.create("state-store-test-passphrase");
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("StateStore.save", () => {
  it("writes the file JSON.stringify would, two-space indented, secrets encrypted", () => {
    const file = join(directory, "indented", "state.json");
    const store = new StateStore(file, crypter, IDENTITY);
    const first = resource("a", { token: makeSecret("hunter2"), count: 2, text: "line\nbreak" });
    store.save([first, resource("b", {})]);

    const text = readFileSync(file, "utf8");
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(text).not.toContain("hunter2");
    expect(store.decode(readStateFile(file))).toEqual([first, resource("b", {})]);
  });

  it("writes an empty resource list as []", () => {
    const file = join(directory, "empty", "state.json");
    new StateStore(file, crypter, IDENTITY).save([]);
    expect(readFileSync(file, "utf8")).toBe(
      `${JSON.stringify(
        {
          version: 1,
          generator: "openclaw-fly offline engine (test equipment, not a Pulumi backend)",
          project: "things",
          stack: "dev",
          secretsProvider: { type: "passphrase", salt: crypter.encryptionSalt },
          resources: [],
        },
        null,
        2,
      )}\n`,
    );
  });

  it("serializes an unchanged resource once and a changed one anew", () => {
    const file = join(directory, "reuse", "state.json");
    const store = new StateStore(file, crypter, IDENTITY);
    const kept = resource("kept", { token: makeSecret("kept-secret") });
    const changing = resource("changing", { token: makeSecret("old-secret") });
    store.save([kept, changing]);
    const before = readStateFile(file)!.resources as ResourceState[];

    const changed = { ...changing, outputs: { token: makeSecret("new-secret") } };
    store.save([kept, changed]);
    const after = readStateFile(file)!.resources as ResourceState[];

    // Encryption is randomized: the same ciphertext proves the entry was not encrypted again.
    expect(after[0]).toEqual(before[0]);
    expect(after[1].outputs).not.toEqual(before[1].outputs);
    expect(store.decode(readStateFile(file))).toEqual([kept, changed]);
  });
});
