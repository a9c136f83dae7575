/**
 * What FlySecrets remembers of an app's secrets without ever holding a value, and how it tells
 * that Fly no longer holds what the stack wrote.
 *
 * Two records per name: an HMAC of the stack's value (keyed with a random salt), which tells a
 * changed value in the program; and Fly's own fingerprint of the secret as it answered the last
 * write (its digest and time of update), which tells a secret changed on Fly behind the stack's
 * back. Fly's secrets version cannot be read without writing, but every write changes the
 * fingerprint of the names it sets, so a fingerprint that moved is a version that moved.
 */
import { createHmac } from "node:crypto";
import type { AppSecret } from "../fly-client/fly-client";

/** HMAC-SHA256 of `value` keyed with `salt`, hex. */
export function valueDigest(salt: string, value: string): string {
  return createHmac("sha256", salt).update(value, "utf8").digest("hex");
}

/** Name to HMAC of every value. */
export function valueDigests(salt: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, valueDigest(salt, value)]),
  );
}

/** The recorded digests a set of values is compared with. */
export interface RecordedDigests {
  keys?: string[];
  digests?: Record<string, string>;
  salt: string;
}

/** Names whose value is new or differs from the one the digests were made of. */
export function changedNames(olds: RecordedDigests, values: Record<string, string>): string[] {
  return Object.keys(values).filter(
    (name) => olds.digests?.[name] !== valueDigest(olds.salt, values[name]),
  );
}

/** Names the stack set before and no longer declares. */
export function removedNames(olds: RecordedDigests, values: Record<string, string>): string[] {
  return (olds.keys ?? []).filter((name) => !(name in values));
}

/** Fly's fingerprint of one secret: its digest and when it was last written. */
export function flyFingerprint(secret: AppSecret): string {
  return `${secret.digest ?? ""}@${secret.updated_at ?? ""}`;
}

/** Name to Fly's fingerprint, for the names given, from a list or write answer. */
export function fingerprintsOf(
  secrets: readonly AppSecret[],
  names: readonly string[],
): Record<string, string> {
  const wanted = new Set(names);
  return Object.fromEntries(
    secrets.filter((s) => wanted.has(s.name)).map((s) => [s.name, flyFingerprint(s)]),
  );
}

/**
 * The names among `recorded` that Fly no longer holds as the stack wrote them: removed, or
 * written since by someone else (a different fingerprint), sorted.
 */
export function movedNames(
  recorded: Readonly<Record<string, string>>,
  live: readonly AppSecret[],
): string[] {
  const now = new Map(live.map((secret) => [secret.name, flyFingerprint(secret)]));
  return Object.keys(recorded)
    .filter((name) => now.get(name) !== recorded[name])
    .sort();
}
