/**
 * The README's configuration table, derived from the tables that declare every key: the
 * gateway's arguments and the providers' own keys. `npm run readme:config` writes it into the
 * README; a test fails when the README and this table disagree.
 */
import type { ConfigKeySpec } from "../components/argument-table";
import { GATEWAY_ARGUMENTS } from "../components/gateway-arguments";
import { PROVIDER_CONFIG } from "./provider-config";

/** Every config key the program knows, in the README's order. */
export const CONFIG_KEYS: Readonly<Record<string, ConfigKeySpec>> = {
  ...GATEWAY_ARGUMENTS,
  ...PROVIDER_CONFIG,
};

/** The keys' names, in the README's order. */
export const CONFIG_KEY_NAMES: readonly string[] = Object.keys(CONFIG_KEYS);

/** The table's header cells. */
export const CONFIGURATION_HEADER = ["key", "type", "default", "what it sets"] as const;

/** One row per key: its name, type, default and what it sets, as Markdown cell text. */
export function configurationRows(): string[][] {
  return Object.entries(CONFIG_KEYS).map(([key, spec]) => [
    `\`${key}\``,
    spec.type,
    spec.defaultText,
    spec.doc,
  ]);
}

/** The whole table as Markdown (unaligned: Prettier aligns it). */
export function configurationTable(): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(CONFIGURATION_HEADER),
    line(CONFIGURATION_HEADER.map(() => "---")),
    ...configurationRows().map(line),
  ].join("\n");
}
