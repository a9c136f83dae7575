/**
 * Facts about a gateway version that its schema does not print but its validation depends on,
 * asked of the gateway itself through `openclaw config validate`:
 *
 * - web search providers: which `tools.web.search.provider` values the bundled plugins serve
 *   (valid), and which name a plugin the image does not bundle (refused as "not available"
 *   with that plugin's id). The list of candidates is the one the gateway gives for an unknown
 *   provider.
 * - model provider overlays: the `models.providers` ids the gateway knows, which may leave out
 *   `baseUrl` and `models` (any other id must declare both). The gateway names them only in its
 *   source (`BUILT_IN_MODEL_PROVIDER_OVERLAY_IDS` in dist/zod-schema.core-*.mjs), so the list is
 *   read from there and then confirmed id by id, with one unknown id as a control.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gatewayValidate } from "./run-gateway-validate";
import type { GatewayPackage } from "./print-gateway-schema";

/** What `components/openclaw-rules-facts.ts` reads from the committed schema's `x-openclaw-facts`. */
export interface GatewayFacts {
  webSearchProviders: { active: string[]; installable: Record<string, string> };
  modelProviderOverlays: string[];
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
  return {
    webSearchProviders: { active: active.sort(), installable },
    modelProviderOverlays: await probeModelProviderOverlays(gateway),
  };
}

function overlayIdsInSource(packageDir: string): string[] {
  const dist = join(packageDir, "dist");
  for (const name of readdirSync(dist).filter(
    (n) => n.startsWith("zod-schema.core-") && n.endsWith(".mjs"),
  )) {
    const source = readFileSync(join(dist, name), "utf8");
    const list =
      /BUILT_IN_MODEL_PROVIDER_OVERLAY_IDS = (?:\/\* @__PURE__ \*\/ )?new Set\(\[([^\]]*)\]\)/.exec(
        source,
      )?.[1];
    if (list !== undefined) return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  }
  throw new Error(`no BUILT_IN_MODEL_PROVIDER_OVERLAY_IDS in ${dist}/zod-schema.core-*.mjs`);
}

async function probeModelProviderOverlays(gateway: GatewayPackage): Promise<string[]> {
  const ids = overlayIdsInSource(gateway.packageDir);
  const control = "openclaw-fly-probe";
  const configs = [...ids, control].map((id) => ({ models: { providers: { [id]: {} } } }));
  const verdicts = await gatewayValidate(gateway, configs);
  const refused = ids.filter((_, index) => !verdicts[index].valid);
  if (refused.length > 0 || verdicts[ids.length].valid) {
    throw new Error(
      `the gateway does not treat the overlay ids its source lists as overlays: ${JSON.stringify({ refused, controlValid: verdicts[ids.length].valid })}`,
    );
  }
  return [...ids].sort();
}
