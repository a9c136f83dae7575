import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GatewayMode } from "../../components/openclaw-config";

/** The folder of the corpus: one JSON file per config. */
export const CORPUS_DIR = join(__dirname, "..", "openclaw-corpus");

/** The gateway version the corpus is written for (the default image's). */
export const CORPUS_VERSION = "2026.9.6";

/** One corpus config: the `openclaw-fly:openclaw` value and what preview says of it. */
export interface CorpusEntry {
  /** The file name without `.json`. */
  name: string;
  description: string;
  /** Where the config comes from, when it is taken from OpenClaw's documentation. */
  source?: string;
  settings: Record<string, unknown>;
  mode?: GatewayMode;
  /** Environment names the deployment provides (providerKeys, channelTokens, extraEnv). */
  envNames?: string[];
  /**
   * Refused by the deployment's own policy (a key it owns, a literal secret), not by the
   * gateway's rules: the gateway would take it.
   */
  policy?: boolean;
  /** For a converted earlier form: the real gateway's verdict on the config before conversion. */
  gatewayOnOriginal?: "valid" | "invalid";
  expect: "valid" | "invalid";
  /** The exact problem and warning lines preview gives. */
  problems: string[];
  warnings: string[];
}

/** Every corpus entry, sorted by name. */
export function readCorpus(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({
      name: file.slice(0, -".json".length),
      ...(JSON.parse(readFileSync(join(CORPUS_DIR, file), "utf8")) as Omit<CorpusEntry, "name">),
    }));
}
