import { afterAll, expect, it } from "vitest";
import { appMarkerName } from "../../../providers/provider-kit/ownership";
import type { StackChain } from "../support/chain";
import { E2eStack } from "../support/e2e-stack";
import {
  describeRequests,
  liveMachines,
  logMark,
  machineIn,
  mutating,
  requestsSince,
  secretsOf,
} from "../support/world";
import { changes } from "./local-modes";

const APP = "my-openclaw-dev";
const DEV = "openclaw-fly/dev";
const OTHER = "openclaw-fly/local";

/** The stack a machine's metadata names. */
function stackOf(config: { metadata?: unknown }): string | undefined {
  return (config.metadata as Record<string, string> | undefined)?.["openclaw-fly/stack"];
}

/** What a stack that finds the dev stack's app is told, at preview and at up alike. */
export function foreignAppRefusal(): string {
  return (
    `property name value {${APP}} has a problem: ` +
    `the app ${APP} belongs to stack ${DEV} (its secret ${appMarkerName(DEV)} names it), ` +
    `not to this stack ${OTHER}: refusing to take it over. Two stacks that share an app would ` +
    `undo each other's changes. To move it to this stack on purpose, run ` +
    `\`pulumi config set openclaw-fly:takeOverFrom ${DEV}\` here and stop deploying it from ${DEV}`
  );
}

/**
 * Two stack files with the same `appName` in one Fly organization: the dev stack deploys the
 * app; a second stack (the local stack file, pointed at dev's app name) is refused at preview
 * and at up, changing nothing of dev's; with `takeOverFrom` it takes the app over on purpose.
 */
export function secondStackScenarios(chain: StackChain): void {
  let second: E2eStack | undefined;
  const other = () =>
    (second ??= E2eStack.beside(chain.stack, {
      stack: "local",
      token: "environment",
      config: { appName: APP, regions: JSON.stringify(["iad"]) },
    }));
  afterAll(async () => {
    await second?.close();
  });

  it("the dev stack deploys its app", async () => {
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
    chain.results.fresh = result;
  });

  it("an app and machine an older version left unmarked are adopted and marked by a stack with no state", async () => {
    const { stack } = chain;
    // What an older version of the program left: no marker secret, no stack in the metadata.
    const machine = machineIn(stack.emulator, APP, "iad");
    const marker = appMarkerName(DEV);
    const unset = await stack.api("DELETE", `/v1/apps/${APP}/secrets/${marker}`);
    expect(unset.status).toBe(200);
    const current = await stack.api("GET", `/v1/apps/${APP}/machines/${machine.id}`);
    const { "openclaw-fly/stack": _stack, ...metadata } = current.body.config.metadata;
    const config = { ...current.body.config, metadata };
    const unmarked = await stack.api("POST", `/v1/apps/${APP}/machines/${machine.id}`, { config });
    expect(unmarked.status).toBe(200);
    expect(secretsOf(stack.emulator, APP)!.names).not.toContain(marker);

    // The same stack with its state lost (as after an upgrade from a version without marks).
    const fresh = E2eStack.beside(stack, { stack: "dev", token: "environment" });
    try {
      const result = await fresh.up();
      expect(result.error).toBeUndefined();
      expect(
        result.logs.map((e) => e.message).filter((m) => m.includes("adopting existing app")),
      ).toEqual([
        `[fly:app ${APP}] adopting existing app ${APP} in personal (no stack marks it; its machines were made by an older openclaw-fly)`,
      ]);
    } finally {
      await fresh.close();
    }
    expect(liveMachines(stack.emulator, APP).map((m) => [m.id, stackOf(m.config)])).toEqual([
      [machine.id, DEV],
    ]);
    expect(secretsOf(stack.emulator, APP)!.names).toContain(marker);
  });

  it("a second stack keeping the same appName is refused at preview, naming both stacks and takeOverFrom", async () => {
    const { stack } = chain;
    const mark = logMark(stack.emulator);
    const preview = await other().preview();
    expect(preview.ok).toBe(false);
    expect(preview.error).toContain(foreignAppRefusal());
    expect(describeRequests(mutating(requestsSince(stack.emulator, mark)))).toEqual([]);
  });

  it("and at up, where nothing of the dev stack's app, token or machine changes", async () => {
    const { stack } = chain;
    const machine = machineIn(stack.emulator, APP, "iad");
    const before = {
      secrets: secretsOf(stack.emulator, APP),
      token: stack.emulator.emulator.state.secrets[APP].secrets.OPENCLAW_GATEWAY_TOKEN.digest,
      guest: machine.config.guest,
      version: machine.instance_id,
    };
    const mark = logMark(stack.emulator);
    const result = await other().up();
    expect(result.ok).toBe(false);
    expect(result.error).toContain(foreignAppRefusal());
    expect(describeRequests(mutating(requestsSince(stack.emulator, mark)))).toEqual([]);
    expect({
      secrets: secretsOf(stack.emulator, APP),
      token: stack.emulator.emulator.state.secrets[APP].secrets.OPENCLAW_GATEWAY_TOKEN.digest,
      guest: machine.config.guest,
      version: machine.instance_id,
    }).toEqual(before);
  });

  it("with takeOverFrom naming the dev stack, the second stack takes the app over and marks it", async () => {
    const { stack } = chain;
    const taker = other();
    taker.config.takeOverFrom = DEV;
    const preview = await taker.preview();
    expect(preview.error).toBeUndefined();
    const result = await taker.up();
    expect(result.error).toBeUndefined();
    expect(changes(result.steps).filter((line) => line.startsWith("create "))).toEqual(
      changes(preview.steps).filter((line) => line.startsWith("create ")),
    );
    // One machine still, now the second stack's; the app's marker names it alone.
    expect(
      liveMachines(stack.emulator, APP).map(
        (m) => (m.config.metadata as Record<string, string> | undefined)?.["openclaw-fly/stack"],
      ),
    ).toEqual([OTHER]);
    expect(secretsOf(stack.emulator, APP)!.names).toContain(appMarkerName(OTHER));
    expect(secretsOf(stack.emulator, APP)!.names).not.toContain(appMarkerName(DEV));
  });
}
