import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

function randomChars(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** A 14-character lowercase hex machine id, the shape Fly uses (e.g. `1857156b526dd8`). */
export function machineId(): string {
  return randomBytes(7).toString("hex");
}

/**
 * A 26-character ULID, used for machine versions (`instance_id`) and request ids. The time prefix
 * keeps versions created later sorting after earlier ones, as Fly's do.
 */
export function ulid(nowMs: number = Date.now()): string {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + randomChars(CROCKFORD, 16);
}

/** A volume id: `vol_` followed by 16 base36 characters. */
export function volumeId(): string {
  return `vol_${randomChars(BASE36, 16)}`;
}

/** A volume snapshot id: `vs_` followed by 16 base36 characters. */
export function snapshotId(): string {
  return `vs_${randomChars(BASE36, 16)}`;
}

/** A 12-character lowercase hex lease nonce. */
export function leaseNonce(): string {
  return randomBytes(6).toString("hex");
}

/** An app id in Fly's style (16 lowercase alphanumerics). */
export function appId(): string {
  return randomChars(BASE36, 16);
}

const ADJECTIVES = [
  "aged",
  "bold",
  "calm",
  "dark",
  "eager",
  "fancy",
  "gentle",
  "hidden",
  "icy",
  "jolly",
];
const NOUNS = [
  "thunder",
  "river",
  "meadow",
  "forest",
  "comet",
  "canyon",
  "harbor",
  "glade",
  "ember",
  "frost",
];

/** A generated machine name, `adjective-noun-NNNN`, like Fly's. */
export function machineName(): string {
  const bytes = randomBytes(3);
  const number = 1000 + ((bytes[2] * 37) % 9000);
  return `${ADJECTIVES[bytes[0] % ADJECTIVES.length]}-${NOUNS[bytes[1] % NOUNS.length]}-${number}`;
}
