import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ResourceState } from "./engine-types";
import { isObject, SECRET_SIG, SIG_KEY, type PropertyValue } from "./property-values";
import type { SecretsCrypter } from "./secrets-crypter";

/** The state file's on-disk shape (secrets as `{ [SIG_KEY]: SECRET_SIG, ciphertext }`). */
export interface StateFileContents {
  readonly version: 1;
  /** Says what wrote the file, so nobody mistakes it for a Pulumi backend checkpoint. */
  readonly generator: string;
  readonly project: string;
  readonly stack: string;
  /** The passphrase provider's salt, as in a CLI checkpoint's `secrets_providers.state.salt`. */
  readonly secretsProvider: { readonly type: "passphrase"; readonly salt: string };
  readonly resources: readonly unknown[];
}

const GENERATOR = "openclaw-fly offline engine (test equipment, not a Pulumi backend)";

/** `<stateDirectory>/<stack>/state.json`; the state directory defaults to `<projectDir>/.pulumi-offline`. */
export function stateFilePath(projectDir: string, stack: string, stateDirectory?: string): string {
  return join(stateDirectory ?? join(projectDir, ".pulumi-offline"), stack, "state.json");
}

/** Reads the state file as stored (secrets still encrypted), or undefined when there is none. */
export function readStateFile(file: string): StateFileContents | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<StateFileContents>;
  if (parsed.version !== 1 || !Array.isArray(parsed.resources) || !parsed.secretsProvider) {
    throw new Error(`${file}: not an offline engine state file (version 1 with resources)`);
  }
  return parsed as StateFileContents;
}

/**
 * Writes and reads one stack's state. Every save replaces the file atomically (write a temporary
 * file, then rename), so a crash at any moment leaves either the previous or the next state.
 */
export class StateStore {
  constructor(
    readonly file: string,
    private readonly crypter: SecretsCrypter,
    private readonly identity: { readonly project: string; readonly stack: string },
  ) {}

  /** Decrypts the resources of a state file. */
  decode(contents: StateFileContents | undefined): ResourceState[] {
    if (contents === undefined) return [];
    return contents.resources.map((resource) => this.transform(resource, "decrypt") as never);
  }

  /** Encrypts secrets and replaces the file. */
  save(resources: readonly ResourceState[]): void {
    const contents: StateFileContents = {
      version: 1,
      generator: GENERATOR,
      project: this.identity.project,
      stack: this.identity.stack,
      secretsProvider: { type: "passphrase", salt: this.crypter.encryptionSalt },
      resources: resources.map((resource) => this.transform(resource as never, "encrypt")),
    };
    const directory = dirname(this.file);
    mkdirSync(directory, { recursive: true });
    // The whole folder is local machine state: keep it out of version control wherever it is.
    const ignoreFile = join(directory, "..", ".gitignore");
    if (!existsSync(ignoreFile)) writeFileSync(ignoreFile, "*\n");
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(contents, null, 2)}\n`);
    renameSync(temporary, this.file);
  }

  private transform(value: unknown, direction: "encrypt" | "decrypt"): unknown {
    if (Array.isArray(value)) return value.map((item) => this.transform(item, direction));
    if (!isObject(value as PropertyValue)) return value;
    const object = value as Record<string, unknown>;
    if (object[SIG_KEY] === SECRET_SIG) {
      if (direction === "encrypt") {
        const plaintext = JSON.stringify(object.value);
        return { [SIG_KEY]: SECRET_SIG, ciphertext: this.crypter.encrypt(plaintext) };
      }
      if (typeof object.ciphertext !== "string") {
        throw new Error(`${this.file}: a secret in the state has no ciphertext`);
      }
      return { [SIG_KEY]: SECRET_SIG, value: JSON.parse(this.crypter.decrypt(object.ciphertext)) };
    }
    return Object.fromEntries(
      Object.entries(object).map(([key, item]) => [key, this.transform(item, direction)]),
    );
  }
}
