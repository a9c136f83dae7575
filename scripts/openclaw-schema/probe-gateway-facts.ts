/**
 * Facts about a gateway version that its schema does not print but its validation depends on,
 * asked of the gateway itself through `openclaw config validate`:
 *
 * - web search providers: which `tools.web.search.provider` values the bundled plugins serve
 *   (valid), and which name a plugin the image does not bundle (refused as "not available"
 *   with that plugin's id). The list of candidates is the one the gateway gives for an unknown
 *   provider.
 */
import { gatewayValidate } from "./run-gateway-validate";
import type { GatewayPackage } from "./print-gateway-schema";

/** What `components/openclaw-rules-facts.ts` reads from the committed schema's `x-openclaw-facts`. */
export interface GatewayFacts {
  webSearchProviders: { active: string[]; installable: Record<string, string> };
}

const searchConfig = (provider: string) => ({ tools: { web: { search: { provider } } } });

/** Probes the gateway; throws when it answers in a shape this probe does not know. */
export async function probeGatewayFacts(gateway: GatewayPackage): Promise<GatewayFacts> {
  const [unknown] = await gatewayValidate(gateway, [searchConfig("openclaw-fly-probe")]);
  const candidates = unknown.issues.find(
    (issue) => issue.path === "tools.web.search.provider",
  )?.allowedValues;
  if (unknown.valid || candidates === undefined) {
    throw new Error(
      `the gateway did not list web search providers for an unknown one: ${JSON.stringify(unknown)}`,
    );
  }
  const verdicts = await gatewayValidate(gateway, candidates.map(searchConfig));
  const active: string[] = [];
  const installable: Record<string, string> = {};
  candidates.forEach((provider, index) => {
    const verdict = verdicts[index];
    if (verdict.valid) return void active.push(provider);
    const plugin = /install or enable plugin "([^"]+)"/.exec(verdict.issues[0]?.message ?? "")?.[1];
    if (plugin === undefined)
      throw new Error(`web search provider ${provider}: ${JSON.stringify(verdict.issues)}`);
    installable[provider] = plugin;
  });
  return { webSearchProviders: { active: active.sort(), installable } };
}
