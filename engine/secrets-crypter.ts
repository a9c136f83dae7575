import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

/**
 * The passphrase used when neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is
 * set. It is public on purpose: this engine is test equipment, and its fixtures are encrypted with it.
 */
export const DEFAULT_TEST_PASSPHRASE = "offline-engine-test-passphrase";

const pbkdf2Async = promisify(pbkdf2);
// The Pulumi CLI's passphrase secrets manager (sdk/go/common/resource/config/crypt.go) derives its
// AES-256-GCM key with PBKDF2-SHA256 over 1,000,000 iterations and an 8-byte salt. Using the same
// scheme means `secure:` values written by `pulumi config set --secret` with the passphrase provider
// decrypt here, and ours decrypt there.
const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// Key derivation costs ~0.3 s; each engine process derives a given (passphrase, salt) once.
const derivedKeys = new Map<string, Promise<Buffer>>();

/** Where the passphrase came from, so callers can warn when the public test passphrase is used. */
export interface Passphrase {
  readonly value: string;
  readonly source: "PULUMI_CONFIG_PASSPHRASE" | "PULUMI_CONFIG_PASSPHRASE_FILE" | "default";
}

/** Reads the passphrase the way the CLI does, falling back to {@link DEFAULT_TEST_PASSPHRASE}. */
export function resolvePassphrase(env: NodeJS.ProcessEnv): Passphrase {
  const direct = env.PULUMI_CONFIG_PASSPHRASE;
  if (direct !== undefined && direct !== "") {
    return { value: direct, source: "PULUMI_CONFIG_PASSPHRASE" };
  }
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file !== undefined && file !== "") {
    return {
      value: readFileSync(file, "utf8").replace(/\r?\n$/, ""),
      source: "PULUMI_CONFIG_PASSPHRASE_FILE",
    };
  }
  return { value: DEFAULT_TEST_PASSPHRASE, source: "default" };
}

/**
 * Encrypts and decrypts single string values as `v1:<nonce>:<ciphertext>` (base64, AES-256-GCM),
 * the CLI's format for `secure:` config values and for secrets in state checkpoints.
 */
export class SecretsCrypter {
  /** Unchanged secrets keep their ciphertext, so rewriting the state does not churn it. */
  private readonly ciphertexts = new Map<string, string>();

  private constructor(
    private readonly key: Buffer,
    /** `v1:<salt>:<check ciphertext>`: the stack file's `encryptionsalt` line. */
    readonly encryptionSalt: string,
  ) {}

  /** A crypter with a fresh random salt. */
  static async create(passphrase: string): Promise<SecretsCrypter> {
    const salt = randomBytes(8);
    const key = await deriveKey(passphrase, salt);
    const check = encryptWithKey(key, "pulumi");
    return new SecretsCrypter(key, `v1:${salt.toString("base64")}:${check}`);
  }

  /**
   * A crypter for an existing `encryptionsalt`; fails with the CLI's wording when the passphrase
   * does not decrypt the salt's check message.
   */
  static async fromEncryptionSalt(
    passphrase: string,
    encryptionSalt: string,
  ): Promise<SecretsCrypter> {
    const parts = encryptionSalt.split(":");
    if (parts.length !== 5 || parts[0] !== "v1") {
      throw new Error(
        `encryptionsalt: expected "v1:<salt>:v1:<nonce>:<ciphertext>", got ${JSON.stringify(encryptionSalt)}`,
      );
    }
    const key = await deriveKey(passphrase, Buffer.from(parts[1] ?? "", "base64"));
    let check: string;
    try {
      check = decryptWithKey(key, parts.slice(2).join(":"));
    } catch {
      check = "";
    }
    if (check !== "pulumi") {
      throw new Error(
        "incorrect passphrase: set PULUMI_CONFIG_PASSPHRASE to the passphrase this stack's secrets were encrypted with",
      );
    }
    return new SecretsCrypter(key, encryptionSalt);
  }

  /** Encrypts one value. */
  encrypt(plaintext: string): string {
    const cached = this.ciphertexts.get(plaintext);
    if (cached !== undefined) return cached;
    const ciphertext = encryptWithKey(this.key, plaintext);
    this.ciphertexts.set(plaintext, ciphertext);
    return ciphertext;
  }

  /** Decrypts one `v1:` value; the error names the rule that failed, never the value. */
  decrypt(ciphertext: string): string {
    const plaintext = decryptWithKey(this.key, ciphertext);
    this.ciphertexts.set(plaintext, ciphertext);
    return plaintext;
  }
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  const cacheKey = `${salt.toString("base64")}\u0000${passphrase}`;
  let key = derivedKeys.get(cacheKey);
  if (key === undefined) {
    key = pbkdf2Async(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256");
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

function encryptWithKey(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([
    cipher.update(plaintext, "utf8"),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

function decryptWithKey(key: Buffer, value: string): string {
  const parts = value.split(":");
  if (parts.length !== 3 || parts[0] !== "v1") {
    throw new Error('secret value: expected "v1:<nonce>:<ciphertext>"');
  }
  const nonce = Buffer.from(parts[1] ?? "", "base64");
  const sealed = Buffer.from(parts[2] ?? "", "base64");
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) {
    throw new Error("secret value: nonce or ciphertext has the wrong length");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const body = sealed.subarray(0, sealed.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("secret value: decryption failed (wrong passphrase or corrupted value)");
  }
}
