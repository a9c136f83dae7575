/**
 * Reading openclaw.json defensively. The ported rules run on documents the schema may already
 * have refused, so every step checks the shape it reads, and a wrong shape reads as empty.
 */
import { isPlainRecord } from "./validation";

/** An object of openclaw.json. */
export type Json = Record<string, unknown>;

/** A path inside openclaw.json: keys and array indexes. */
export type JsonPath = (string | number)[];

/** True for a plain object. */
export const isRecord = isPlainRecord;

/** `value` when it is an object, else an empty one. */
export function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** `agents.entries` as [id, entry] pairs, entries read as objects. */
export function entriesOf(config: Json): [string, Json][] {
  return Object.entries(record(record(config.agents).entries)).map(([id, entry]) => [
    id,
    record(entry),
  ]);
}

/** `agents.defaults` and each entry, with their paths: the scopes agent settings live in. */
export function agentScopes(config: Json): [JsonPath, Json][] {
  const defaults = record(record(config.agents).defaults);
  return [
    [["agents", "defaults"], defaults],
    ...entriesOf(config).map(([id, entry]): [JsonPath, Json] => [["agents", "entries", id], entry]),
  ];
}
