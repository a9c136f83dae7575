import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Snapshot } from "./deployment-state";
import type { PendingOperation, ResourceState } from "./engine-types";
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
  /**
   * Provider calls begun and never seen to end, as in a CLI checkpoint's `pending_operations`:
   * `{ type: "creating" | ..., resource }`. Absent when there are none.
   */
  readonly pendingOperations?: readonly unknown[];
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
  /**
   * Each resource's entry as written (UTF-8, indented for its place in the file), by the resource
   * object it was made from. Resource states are immutable (a change makes a new object), so an
   * entry is encrypted, serialized and encoded once, not on every save: redoing every entry after
   * every step made each save cost as much as the whole stack (and a state written before
   * providers were loaded carries 100 KB and more of provider code per resource).
   */
  private readonly entries = new WeakMap<ResourceState, Buffer>();

  constructor(
    readonly file: string,
    private readonly crypter: SecretsCrypter,
    private readonly identity: { readonly project: string; readonly stack: string },
  ) {}

  /** Decrypts the resources of a state file. */
  decode(contents: StateFileContents | undefined): ResourceState[] {
    return [...this.decodeSnapshot(contents).resources];
  }

  /** Decrypts the resources and pending operations of a state file. */
  decodeSnapshot(contents: StateFileContents | undefined): Snapshot {
    if (contents === undefined) return { resources: [], pendingOperations: [] };
    const decrypt = (value: unknown) => this.transform(value, "decrypt") as never;
    return {
      resources: contents.resources.map(decrypt) as ResourceState[],
      pendingOperations: (contents.pendingOperations ?? []).map(decrypt) as PendingOperation[],
    };
  }

  /**
   * Encrypts secrets and replaces the file. The text is what `JSON.stringify(contents, null, 2)`
   * gives, assembled from entries serialized once per resource state.
   */
  save(resources: readonly ResourceState[], pending: readonly PendingOperation[] = []): void {
    const contents: StateFileContents = {
      version: 1,
      generator: GENERATOR,
      project: this.identity.project,
      stack: this.identity.stack,
      secretsProvider: { type: "passphrase", salt: this.crypter.encryptionSalt },
      ...(pending.length > 0
        ? {
            pendingOperations: pending.map((operation) => ({
              type: operation.type,
              resource: this.transform(operation.resource, "encrypt"),
            })),
          }
        : {}),
      resources: [],
    };
    const directory = dirname(this.file);
    mkdirSync(directory, { recursive: true });
    // The whole folder is local machine state: keep it out of version control wherever it is.
    const ignoreFile = join(directory, "..", ".gitignore");
    if (!existsSync(ignoreFile)) writeFileSync(ignoreFile, "*\n");
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, this.fileBytes(contents, resources));
    renameSync(temporary, this.file);
  }

  /** What `JSON.stringify(contents-with-resources, null, 2)` and a newline give, as bytes. */
  private fileBytes(contents: StateFileContents, resources: readonly ResourceState[]): Buffer {
    const header = JSON.stringify(contents, null, 2);
    if (resources.length === 0) return Buffer.from(`${header}\n`);
    // `resources` is the last key, so the header ends with its empty list.
    const empty = '"resources": []\n}';
    if (!header.endsWith(empty)) throw new Error("state file header: resources must come last");
    const parts: Buffer[] = [Buffer.from(`${header.slice(0, -empty.length)}"resources": [\n    `)];
    const separator = Buffer.from(",\n    ");
    resources.forEach((resource, index) => {
      if (index > 0) parts.push(separator);
      parts.push(this.entry(resource));
    });
    parts.push(Buffer.from("\n  ]\n}\n"));
    return Buffer.concat(parts);
  }

  /**
   * One resource's entry: encrypted, serialized with two-space indentation, and indented four
   * more spaces on every line after the first, as it sits two levels deep in the file (JSON
   * strings never hold a raw line break, so every line break is the serializer's).
   */
  private entry(resource: ResourceState): Buffer {
    let bytes = this.entries.get(resource);
    if (bytes === undefined) {
      const text = JSON.stringify(this.transform(resource, "encrypt"), null, 2);
      bytes = Buffer.from(text.replace(/\n/g, "\n    "));
      this.entries.set(resource, bytes);
    }
    return bytes;
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
