import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as yaml from "js-yaml";
import type { SecretsCrypter } from "./secrets-crypter";

/** What the engine needs from `Pulumi.yaml`. */
export interface ProjectInfo {
  /** The project name (`name:`), the namespace of un-namespaced config keys. */
  readonly name: string;
  /** The directory holding Pulumi.yaml: `--root-directory`. */
  readonly rootDirectory: string;
  /** The program's working directory: `--pwd`. */
  readonly programDirectory: string;
  /** What the language host passes as the program: `main:` if it names a file, else ".". */
  readonly entryPoint: string;
  /** `runtime.options`, passed to providers as PULUMI_RUNTIME_<NAME>. */
  readonly runtimeOptions: Readonly<Record<string, string>>;
}

/** The stack file (`Pulumi.<stack>.yaml`) before decryption. */
export interface StackFile {
  /** `encryptionsalt:`, present when the stack has passphrase-encrypted values. */
  readonly encryptionSalt?: string;
  /** Namespaced key to plain value (non-strings already rendered the way Pulumi renders them). */
  readonly plain: Readonly<Record<string, string>>;
  /** Namespaced key to `v1:` ciphertext from a `secure:` value. */
  readonly secure: Readonly<Record<string, string>>;
}

/** Resolved stack configuration: every value a string, secret keys listed. */
export interface StackConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
}

/** Reads Pulumi.yaml; errors name the file and the field. */
export function readProject(projectDir: string): ProjectInfo {
  const file = join(projectDir, "Pulumi.yaml");
  if (!existsSync(file)) throw new Error(`${file}: no Pulumi.yaml in the project directory`);
  const doc = loadYamlObject(file);
  const name = doc.name;
  if (typeof name !== "string" || name === "") {
    throw new Error(`${file}: name must be a non-empty string`);
  }
  const runtime = doc.runtime;
  const options =
    typeof runtime === "object" && runtime !== null && "options" in runtime
      ? (runtime as { options?: unknown }).options
      : undefined;
  const runtimeOptions: Record<string, string> = {};
  if (typeof options === "object" && options !== null) {
    for (const [key, value] of Object.entries(options)) runtimeOptions[key] = String(value);
  }
  const main = doc.main;
  if (main !== undefined && typeof main !== "string") {
    throw new Error(`${file}: main must be a string path`);
  }
  // Mirrors the CLI's getPwdMain (pkg/engine/project.go): a `main` directory becomes the program
  // directory with entry point "."; a `main` file's directory becomes the program directory,
  // with the file's name as the entry point. The program and the provider host both run there.
  if (main === undefined) {
    return {
      name,
      rootDirectory: projectDir,
      programDirectory: projectDir,
      entryPoint: ".",
      runtimeOptions,
    };
  }
  const mainPath = join(projectDir, main);
  const mainIsDirectory = statSync(mainPath).isDirectory();
  return {
    name,
    rootDirectory: projectDir,
    programDirectory: mainIsDirectory ? mainPath : dirname(mainPath),
    entryPoint: mainIsDirectory ? "." : basename(mainPath),
    runtimeOptions,
  };
}

/** Reads `Pulumi.<stack>.yaml` (a missing file is an empty config, as with the CLI). */
export function readStackFile(projectDir: string, project: string, stack: string): StackFile {
  const file = join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return { plain: {}, secure: {} };
  const doc = loadYamlObject(file);
  const salt = doc.encryptionsalt;
  if (salt !== undefined && typeof salt !== "string") {
    throw new Error(`${file}: encryptionsalt must be a string`);
  }
  const config = doc.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new Error(`${file}: config must be a map of keys to values`);
  }
  const plain: Record<string, string> = {};
  const secure: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(config)) {
    const key = namespacedKey(rawKey, project);
    if (isSecureValue(value)) {
      secure[key] = value.secure;
    } else {
      plain[key] = renderConfigValue(value, `${file}: config ${rawKey}`);
    }
  }
  if (Object.keys(secure).length > 0 && salt === undefined) {
    throw new Error(`${file}: secure values need the stack's encryptionsalt, which is missing`);
  }
  return { ...(salt !== undefined ? { encryptionSalt: salt } : {}), plain, secure };
}

/**
 * Merges the stack file with command-line overrides: `config` as plain values, `secretConfig` as
 * secrets; keys without a namespace get the project's.
 */
export function resolveStackConfig(options: {
  project: string;
  stackFile: StackFile;
  crypter?: SecretsCrypter;
  config?: Readonly<Record<string, string>>;
  secretConfig?: Readonly<Record<string, string>>;
}): StackConfig {
  const values: Record<string, string> = { ...options.stackFile.plain };
  const secrets = new Set<string>();
  for (const [key, ciphertext] of Object.entries(options.stackFile.secure)) {
    if (options.crypter === undefined) throw new Error(`config ${key}: no crypter to decrypt it`);
    try {
      values[key] = options.crypter.decrypt(ciphertext);
    } catch (error) {
      throw new Error(`config ${key}: ${(error as Error).message}`, { cause: error });
    }
    secrets.add(key);
  }
  for (const [rawKey, value] of Object.entries(options.config ?? {})) {
    const key = namespacedKey(rawKey, options.project);
    values[key] = value;
    secrets.delete(key);
  }
  for (const [rawKey, value] of Object.entries(options.secretConfig ?? {})) {
    const key = namespacedKey(rawKey, options.project);
    values[key] = value;
    secrets.add(key);
  }
  return { values, secretKeys: [...secrets].sort() };
}

/** `key` becomes `<project>:key`; `ns:key` stays as it is. */
export function namespacedKey(key: string, project: string): string {
  if (key === "" || key.startsWith(":") || key.endsWith(":")) {
    throw new Error(`config key ${JSON.stringify(key)}: expected "<namespace>:<name>" or "<name>"`);
  }
  return key.includes(":") ? key : `${project}:${key}`;
}

/** PULUMI_CONFIG as the nodejs language host builds it: keys in the legacy `ns:config:name` form. */
export function programConfigJson(config: StackConfig): string {
  const legacy: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.values)) {
    const separator = key.indexOf(":");
    legacy[`${key.slice(0, separator)}:config:${key.slice(separator + 1)}`] = value;
  }
  return JSON.stringify(legacy);
}

function isSecureValue(value: unknown): value is { secure: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

// Pulumi hands every config value to programs and providers as a string; structured values
// (objects, arrays) travel as JSON, which `Config.getObject` parses back.
function renderConfigValue(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "";
  if (containsSecureValue(value)) {
    throw new Error(`${where}: secure values nested inside objects are not supported`);
  }
  return JSON.stringify(value);
}

function containsSecureValue(value: unknown): boolean {
  if (isSecureValue(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(containsSecureValue);
}

function loadYamlObject(file: string): Record<string, unknown> {
  const doc = yaml.load(readFileSync(file, "utf8"));
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new Error(`${file}: expected a YAML map at the top level`);
  }
  return doc as Record<string, unknown>;
}
