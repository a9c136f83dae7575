import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { THINGS_PROJECT_DIR } from "./fixtures/things-project";
import {
  DEFAULT_TEST_PASSPHRASE,
  resolvePassphrase,
  SecretsCrypter,
} from "../../engine/secrets-crypter";
import {
  programConfigJson,
  readProject,
  readStackFile,
  resolveStackConfig,
} from "../../engine/stack-files";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "offline-engine-config-"));
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    "name: shop\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("stack configuration", () => {
  it("reads the project name, entry point and runtime options from Pulumi.yaml", () => {
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      "name: shop\nmain: app.ts\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
    );
    writeFileSync(join(dir, "app.ts"), "");
    expect(readProject(dir)).toEqual({
      name: "shop",
      rootDirectory: dir,
      programDirectory: dir,
      entryPoint: "app.ts",
      runtimeOptions: { typescript: "false" },
    });
  });

  it("runs a program named by a file in a subdirectory from that directory, as getPwdMain does", () => {
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "program.ts"), "");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: shop\nmain: src/program.ts\nruntime: nodejs\n");
    expect(readProject(dir)).toMatchObject({
      rootDirectory: dir,
      programDirectory: join(dir, "src"),
      entryPoint: "program.ts",
    });
    writeFileSync(join(dir, "Pulumi.yaml"), "name: shop\nmain: src\nruntime: nodejs\n");
    expect(readProject(dir)).toMatchObject({ programDirectory: join(dir, "src"), entryPoint: "." });
  });

  it("namespaces keys and renders non-string values the way Pulumi passes them", () => {
    writeFileSync(
      join(dir, "Pulumi.dev.yaml"),
      "config:\n  size: 3\n  shop:enabled: true\n  aws:region: eu-west-1\n  limits:\n    max: 2\n    tags: [a, b]\n",
    );
    const config = resolveStackConfig({
      project: "shop",
      stackFile: readStackFile(dir, "shop", "dev"),
    });
    expect(config).toEqual({
      values: {
        "shop:size": "3",
        "shop:enabled": "true",
        "aws:region": "eu-west-1",
        "shop:limits": '{"max":2,"tags":["a","b"]}',
      },
      secretKeys: [],
    });
    expect(JSON.parse(programConfigJson(config))).toEqual({
      "shop:config:size": "3",
      "shop:config:enabled": "true",
      "aws:config:region": "eu-west-1",
      "shop:config:limits": '{"max":2,"tags":["a","b"]}',
    });
  });

  it("decrypts secure values and lets -c and --secret-config override the file", async () => {
    const crypter = await SecretsCrypter.create("pass-1");
    writeFileSync(
      join(dir, "Pulumi.dev.yaml"),
      `encryptionsalt: ${crypter.encryptionSalt}\nconfig:\n  shop:token:\n    secure: ${crypter.encrypt("t0k")}\n  shop:region: ams\n`,
    );
    const stackFile = readStackFile(dir, "shop", "dev");
    const opened = await SecretsCrypter.fromEncryptionSalt("pass-1", stackFile.encryptionSalt!);
    expect(resolveStackConfig({ project: "shop", stackFile, crypter: opened })).toEqual({
      values: { "shop:token": "t0k", "shop:region": "ams" },
      secretKeys: ["shop:token"],
    });
    const overridden = resolveStackConfig({
      project: "shop",
      stackFile,
      crypter: opened,
      config: { token: "plain" },
      secretConfig: { "shop:region": "fra" },
    });
    expect(overridden).toEqual({
      values: { "shop:token": "plain", "shop:region": "fra" },
      secretKeys: ["shop:region"],
    });
  });

  it.each([
    [
      "config:\n  shop:x:\n    a:\n      secure: v1:abc\n",
      "config shop:x: secure values nested inside objects are not supported",
    ],
    [
      "config:\n  shop:x:\n    secure: v1:a:b\n",
      "secure values need the stack's encryptionsalt, which is missing",
    ],
    ["config: [1, 2]\n", "config must be a map of keys to values"],
  ])("rejects %j naming the rule", (yaml, message) => {
    writeFileSync(join(dir, "Pulumi.dev.yaml"), yaml);
    expect(() => readStackFile(dir, "shop", "dev")).toThrow(
      `${join(dir, "Pulumi.dev.yaml")}: ${message}`,
    );
  });

  it("rejects a Pulumi.yaml without a name", () => {
    writeFileSync(join(dir, "Pulumi.yaml"), "runtime: nodejs\n");
    expect(() => readProject(dir)).toThrow(
      `${join(dir, "Pulumi.yaml")}: name must be a non-empty string`,
    );
  });
});

describe("the passphrase secrets crypter", () => {
  it("decrypts the fixture stack's token with the documented test passphrase", async () => {
    const stackFile = readStackFile(THINGS_PROJECT_DIR, "things", "lifecycle");
    const crypter = await SecretsCrypter.fromEncryptionSalt(
      DEFAULT_TEST_PASSPHRASE,
      stackFile.encryptionSalt!,
    );
    expect(crypter.decrypt(stackFile.secure["things:storeToken"]!)).toBe("lifecycle-token-7c1f");
  });

  it("refuses a wrong passphrase with the reason, not the value", async () => {
    const stackFile = readStackFile(THINGS_PROJECT_DIR, "things", "lifecycle");
    await expect(
      SecretsCrypter.fromEncryptionSalt("wrong", stackFile.encryptionSalt!),
    ).rejects.toThrow(
      "incorrect passphrase: set PULUMI_CONFIG_PASSPHRASE to the passphrase this stack's secrets were encrypted with",
    );
  });

  it("writes the CLI's v1:<nonce>:<ciphertext> format and keeps a value's ciphertext stable", async () => {
    const crypter = await SecretsCrypter.create("pass-2");
    const ciphertext = crypter.encrypt("hello");
    expect(ciphertext).toMatch(/^v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/);
    expect(crypter.encrypt("hello")).toBe(ciphertext);
    expect(crypter.encryptionSalt).toMatch(
      /^v1:[A-Za-z0-9+/=]{12}:v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/,
    );
    expect(crypter.decrypt(ciphertext)).toBe("hello");
    expect(() => crypter.decrypt("v2:a:b")).toThrow(
      'secret value: expected "v1:<nonce>:<ciphertext>"',
    );
  });

  it("takes the passphrase from the environment, else the public test passphrase", () => {
    expect(resolvePassphrase({ PULUMI_CONFIG_PASSPHRASE: "p" })).toEqual({
      value: "p",
      source: "PULUMI_CONFIG_PASSPHRASE",
    });
    expect(resolvePassphrase({})).toEqual({ value: DEFAULT_TEST_PASSPHRASE, source: "default" });
  });
});
