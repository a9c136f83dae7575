import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { expect, it } from "vitest";
import { checkOpenClawSettings } from "../../../components/openclaw-validate";
import { withAppAddresses } from "../../../components/openclaw-trusted-proxies";
import { readCorpus, type CorpusEntry } from "../../support/openclaw-corpus";
import type { StackChain } from "../support/chain";
import {
  REAL_VERSION,
  bootSeconds,
  consoleOf,
  gatewayPid,
  sessionStatus,
  startupz,
  statusText,
} from "../support/real-gateway";
import { alive } from "../../real-machines/real-support";
import {
  describeRequests,
  ipsOf,
  logMark,
  machineIn,
  mutating,
  requestsSince,
} from "../support/world";

const APP = "my-openclaw-dev";

/** The `openclaw-fly:openclaw` value of the README's stack file for the Fly guide's example. */
export function readmeGuideExample(): Record<string, unknown> {
  const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### The Fly guide's example as a stack file"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (yaml === undefined) throw new Error("README: the guide's example has no yaml block");
  const file = load(yaml) as { config: Record<string, unknown> };
  return file.config["openclaw-fly:openclaw"] as Record<string, unknown>;
}

/**
 * Valid configs of the corpus the boots cover, each with the plugins its gateway tries to
 * download at startup: channels the image does not bundle, `codex` (an `openai/` model pulls it
 * in) and `perplexity` (the web search an `OPENROUTER_API_KEY` enables). They cover agents routed
 * over three channel families, a custom model provider with its key from a secret, and the
 * sections without typed helpers. The converted 2026.1 guide example renders the guide example's
 * shape, which the first boot covers.
 */
export const BOOTED_CORPUS = [
  ["multi-agent-routing", ["codex", "discord", "slack"]],
  ["models-custom-provider", ["perplexity"]],
  ["sections-pass-through", []],
] as const;

/** The plugins the guide example's gateway downloads at startup. */
const GUIDE_DOWNLOADS = ["codex", "discord"] as const;

function corpusEntry(name: string): CorpusEntry {
  const entry = readCorpus().find((e) => e.name === name);
  if (entry === undefined) throw new Error(`no corpus config ${name}`);
  return entry;
}

/** The model an agent answers with by default, as `session_status` names it. */
function defaultModel(settings: Record<string, unknown>): string | undefined {
  const model = (settings.agents as { defaults?: { model?: unknown } } | undefined)?.defaults
    ?.model;
  if (typeof model === "string") return model;
  return (model as { primary?: string } | undefined)?.primary;
}

/**
 * Valid openclaw.json configs deployed through the real program, the offline engine and the
 * emulator running the real gateway: each boots a healthy gateway that reads the file preview
 * rendered. A config preview refuses never reaches the machine.
 */
export function openclawConfigScenarios(chain: StackChain): void {
  const machine = () => machineIn(chain.stack.emulator, APP, "iad");
  const token = () => chain.results.fresh.outputs.gatewayToken.value as string;

  /** The file on the machine equals what preview rendered, with the app's addresses. */
  function expectShipped(settings: Record<string, unknown>): void {
    const check = checkOpenClawSettings(settings, {
      appName: APP,
      mode: "public",
      version: { version: REAL_VERSION },
      envNames: [],
    });
    const addresses = ipsOf(chain.stack.emulator, APP).map((ip) => ip.split(" ")[1]);
    const files = machine().config.files as { guest_path: string; raw_value: string }[];
    const file = files.find((f) => f.guest_path === "/etc/openclaw/openclaw.json")!;
    expect(JSON.parse(Buffer.from(file.raw_value, "base64").toString("utf8"))).toEqual(
      withAppAddresses(check.rendered!, { mode: "public", appAddresses: addresses }),
    );
  }

  async function expectHealthy(settings: Record<string, unknown>): Promise<void> {
    expect(await startupz(machine().local_url!)).toMatchObject({
      status: 200,
      body: { ok: true, status: "started", version: REAL_VERSION },
    });
    const status = statusText(await sessionStatus(machine().local_url!, token()));
    expect(status).toContain(`OpenClaw ${REAL_VERSION}`);
    const model = defaultModel(settings);
    if (model !== undefined) expect(status).toContain(`Model: ${model}`);
  }

  /**
   * The plugins the gateway's last boot tried to download and went on without: the machine's npm
   * is offline (emulator/real-machines/guest-env.ts), where Fly's fetches `@openclaw/<id>` from
   * the registry at first boot.
   */
  function downloadsTried(): string[] {
    const lines = consoleOf(chain.stack.emulator, machine());
    const boot = lines.map((line) => line.startsWith("Preparing to run:")).lastIndexOf(true);
    const failed = new Set<string>();
    for (const line of lines.slice(boot)) {
      const match =
        /Failed to install missing configured plugin "([^"]+)" from @openclaw\/[\w-]+: npm view failed: npm error code ENOTCACHED/.exec(
          line,
        );
      if (match) failed.add(match[1]);
    }
    return [...failed].sort();
  }

  it("the README's guide example boots a healthy real gateway on a fresh up", async () => {
    const settings = readmeGuideExample();
    chain.stack.config.openclaw = JSON.stringify(settings);
    const fresh = await chain.stack.up();
    chain.results.fresh = fresh;
    expect(fresh.error).toBeUndefined();
    expect(machine().checks.map((c) => [c.name, c.status])).toEqual([["startup", "passing"]]);
    expectShipped(settings);
    await expectHealthy(settings);
    expect(downloadsTried()).toEqual(GUIDE_DOWNLOADS);
    console.log(
      `configs: the guide example ready in ${bootSeconds(chain.stack.emulator, machine())} s`,
    );
  });

  it.each(BOOTED_CORPUS)(
    "the corpus config %s boots a healthy real gateway",
    async (name, downloads) => {
      const entry = corpusEntry(name);
      const before = gatewayPid(chain.stack.emulator, machine());
      chain.stack.config.openclaw = JSON.stringify(entry.settings);
      // The secrets its `${NAME}` references name, as a deployment gives them.
      chain.stack.secretConfig.providerKeys = JSON.stringify(
        Object.fromEntries(
          (entry.envNames ?? []).map((n) => [n, `${n.toLowerCase()}-from-a-secret`]),
        ),
      );
      const result = await chain.stack.up();
      expect(result.error).toBeUndefined();
      expect(alive(before)).toBe(false);
      expectShipped(entry.settings);
      const converted = checkOpenClawSettings(entry.settings, {
        appName: APP,
        mode: "public",
        version: { version: REAL_VERSION },
        envNames: entry.envNames ?? [],
      }).config!;
      await expectHealthy(converted);
      expect(downloadsTried()).toEqual(downloads);
      console.log(`configs: ${name} ready in ${bootSeconds(chain.stack.emulator, machine())} s`);
    },
  );

  it("a config preview refuses never reaches the machine", async () => {
    const entry = corpusEntry("binding-unknown-agent");
    const pid = gatewayPid(chain.stack.emulator, machine());
    const configBefore = JSON.stringify(machine().config);
    const mark = logMark(chain.stack.emulator);
    chain.stack.config.openclaw = JSON.stringify(entry.settings);
    const result = await chain.stack.up();
    expect(result.error).toContain(entry.problems[0]);
    expect(describeRequests(mutating(requestsSince(chain.stack.emulator, mark)))).toEqual([]);
    expect(gatewayPid(chain.stack.emulator, machine())).toBe(pid);
    expect(JSON.stringify(machine().config)).toBe(configBefore);
  });
}
