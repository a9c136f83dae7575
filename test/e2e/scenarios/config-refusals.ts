import { expect, it } from "vitest";
import type { OperationResult } from "../../../engine/engine-types";
import type { StackChain } from "../support/chain";
import { logMark, requestsSince } from "../support/world";

/** Everything an operation showed the user: its error and every log line. */
function shown(result: OperationResult): string {
  return [result.error ?? "", ...result.logs.map((entry) => entry.message)].join("\n");
}

/**
 * The dev stack, never deployed: config that would leak a secret is refused by the preview and
 * by `up`, through the real program and the offline engine, before any request reaches Fly; and
 * no message quotes a secret, whichever key it was given under.
 */
export function configRefusalScenarios(chain: StackChain): void {
  /** Runs a preview and an up with `change` on top of the stack's config, then drops it. */
  async function refused(change: Record<string, string>, secret = false) {
    const { stack } = chain;
    const target = secret ? stack.secretConfig : stack.config;
    Object.assign(target, change);
    const mark = logMark(stack.emulator);
    const preview = await stack.engine().preview();
    const up = await stack.up();
    for (const key of Object.keys(change)) delete target[key];
    expect(requestsSince(stack.emulator, mark)).toEqual([]);
    expect([preview.ok, up.ok]).toEqual([false, false]);
    return { preview: shown(preview), up: shown(up) };
  }

  it("a Fly token given as flyApiUrl is refused without being echoed anywhere", async () => {
    const { stack } = chain;
    const { preview, up } = await refused({ flyApiUrl: stack.token });
    const rule =
      "openclaw-fly:flyApiUrl: must be an http(s) URL such as https://api.machines.dev (the " +
      "value is not shown: it may be a credential)";
    expect(preview).toContain(rule);
    expect(up).toContain(rule);
    expect([preview.includes(stack.token), up.includes(stack.token)]).toEqual([false, false]);
  });

  it("a secret key set in plain text is refused with the command that sets it encrypted", async () => {
    const token = "0123456789abcdef0123456789abcdef-plain";
    const { preview, up } = await refused({
      gatewayToken: token,
      providerKeys: JSON.stringify({ ANTHROPIC_API_KEY: "sk-ant-plain-text-key" }),
    });
    for (const text of [preview, up]) {
      expect(text).toContain(
        "openclaw-fly:gatewayToken: is a secret but was set in plain text; set it encrypted " +
          "with `pulumi config set --secret openclaw-fly:gatewayToken <value>`",
      );
      expect(text).toContain(
        "openclaw-fly:providerKeys: is a secret but was set in plain text; set it encrypted " +
          "with `pulumi config set --secret openclaw-fly:providerKeys '<json>'`",
      );
      expect([text.includes(token), text.includes("sk-ant-plain-text-key")]).toEqual([
        false,
        false,
      ]);
    }
  });

  it("a credential-like extraEnv name is refused, pointing at providerKeys and channelTokens", async () => {
    const { preview, up } = await refused({
      extraEnv: JSON.stringify({ OPENAI_API_KEY: "sk-plain", SLACK_BOT_TOKEN: "xoxb-plain" }),
    });
    for (const name of ["OPENAI_API_KEY", "SLACK_BOT_TOKEN"]) {
      const rule =
        `openclaw-fly:extraEnv.${name}: looks like a credential (a name ending in _API_KEY, ` +
        "_TOKEN, _SECRET or _PASSWORD), and extraEnv is plain text in the machine config and " +
        "the state; give it as a secret in providerKeys (model-provider keys) or channelTokens " +
        "(channel tokens)";
      expect([preview.includes(rule), up.includes(rule)]).toEqual([true, true]);
    }
  });

  it("the same secrets given with --secret pass the rules: the preview plans the stack", async () => {
    const { stack } = chain;
    Object.assign(stack.secretConfig, {
      gatewayToken: "0123456789abcdef0123456789abcdef-secret",
      providerKeys: JSON.stringify({ ANTHROPIC_API_KEY: "sk-ant-secret-key" }),
    });
    const preview = await stack.engine().preview();
    expect(preview.error).toBeUndefined();
    expect(preview.summary.create).toBeGreaterThan(0);
  });
}
