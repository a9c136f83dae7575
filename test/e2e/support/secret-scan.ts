import { request } from "undici";
import type { E2eStack } from "./e2e-stack";

/**
 * Every text a stack has produced that a secret must never appear in, by where it came from:
 * after each operation the state file as stored and the emulator's world; each operation's log
 * lines, steps and error; and the emulator's world as its control surface serves it now.
 */
export async function stackTexts(stack: E2eStack): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  stack.results.forEach((result, index) => {
    const name = `${result.operation} #${index + 1}`;
    texts[`${name} state.json`] = stack.stateSnapshots[index];
    texts[`${name} emulator world`] = stack.worldSnapshots[index];
    texts[`${name} logs`] = result.logs.map((entry) => entry.message).join("\n");
    texts[`${name} error`] = result.error ?? "";
    texts[`${name} steps`] = JSON.stringify(result.steps);
  });
  const served = await request(`${stack.emulator.url}/__emulator/state`);
  texts["emulator state served"] = await served.body.text();
  return texts;
}

/**
 * `"<secret> in <place>"` for every place a secret value occurs in; empty when none does. Each
 * value must be long enough that a chance match is impossible, so a short one is refused.
 */
export function secretSightings(
  texts: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, string>>,
): string[] {
  const sightings: string[] = [];
  for (const [secretName, value] of Object.entries(secrets)) {
    if (value.length < 16) throw new Error(`secret ${secretName} is too short to scan for`);
    for (const [place, text] of Object.entries(texts)) {
      if (text.includes(value)) sightings.push(`${secretName} in ${place}`);
    }
  }
  return sightings;
}
