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

/** Where MCP servers are configured: the gateway's own, and the node host's. */
export function mcpServerScopes(config: Json): [JsonPath, Json][] {
  return [
    [["mcp", "servers"], record(record(config.mcp).servers)],
    [["nodeHost", "mcp", "servers"], record(record(record(config.nodeHost).mcp).servers)],
  ];
}

/** The sandbox settings of `agents.defaults` and of each entry, with their paths. */
export function sandboxScopes(config: Json): [JsonPath, Json][] {
  return agentScopes(config).map(([path, scope]): [JsonPath, Json] => [
    [...path, "sandbox"],
    record(scope.sandbox),
  ]);
}

/** Where the heartbeat owner is named when no agent has a heartbeat of its own. */
export const HEARTBEAT_OWNER_PATH: JsonPath = ["agents", "defaults", "heartbeat", "agentId"];

/** The sources a SecretRef may name (`{ source, provider, id }`). */
export const SECRET_REF_SOURCES: readonly string[] = ["env", "file", "exec", "store"];

/** Hosts on which the gateway allows plain HTTP where it otherwise asks for HTTPS. */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];
