/**
 * The real-gateway part of `npm run demo`: the gateway runtime installed before anything boots
 * (with its progress and size), and, once the stack is up, each machine's Control UI URL with
 * its gateway's own `/startupz` answer and how to get the token, which the demo never prints.
 */
import { request } from "undici";
import { openclawVersionOf } from "../emulator/real-machines/guest-image";
import type { EmulatorHandle } from "../emulator/server";
import { DEFAULT_IMAGE } from "../rules/deployment-defaults";
import { ensureRuntime, formatMiB } from "../gateway-runtime/runtime-install";

type Say = (line: string) => void;

/** Installs (on first use) the runtime of the image the `local` stack deploys. */
export async function prepareGatewayRuntime(say: Say): Promise<void> {
  const version = openclawVersionOf(DEFAULT_IMAGE) ?? "";
  const runtime = await ensureRuntime(version, { onProgress: say });
  say(
    `gateway: OpenClaw ${version} (${formatMiB(runtime.receipt.sizeBytes)} in ${runtime.dir}), on Node ${runtime.node.version}`,
  );
}

/** How a user reads the generated gateway token of the demo's stack. */
export interface TokenCommands {
  /** The command that prints it with the engine the demo used. */
  primary: string;
  /** The same with the pulumi CLI, when the demo used the offline engine. */
  pulumi?: string;
}

/**
 * Lines naming each running machine's Control UI URL and what its gateway's `/startupz`
 * answers right now, then how to read the token and sign in with it.
 */
export async function describeGateways(
  emulator: EmulatorHandle,
  token: TokenCommands,
): Promise<string[]> {
  const lines = ["The Control UI of each gateway (the real OpenClaw, running on this computer):"];
  const machines = Object.values(emulator.emulator.state.machines)
    .filter((m) => m.state === "started" && m.local_url !== undefined)
    .sort((a, b) => a.region.localeCompare(b.region));
  for (const machine of machines) {
    lines.push(
      `  ${machine.region}  ${machine.local_url}/   ${await startupzOf(machine.local_url!)}`,
    );
  }
  if (machines.length === 0) lines.push("  none is running");
  lines.push(
    "Sign in with the gateway token (a secret stack output; the demo does not print it):",
    `  ${token.primary}`,
    ...(token.pulumi ? [`  or, with the pulumi CLI: ${token.pulumi}`] : []),
    "and paste it into the Control UI, or open <url>/#token=<token>.",
  );
  return lines;
}

async function startupzOf(url: string): Promise<string> {
  try {
    const res = await request(`${url}/startupz`, { signal: AbortSignal.timeout(10_000) });
    return `/startupz answers ${res.statusCode} ${await res.body.text()}`;
  } catch (error) {
    return `/startupz does not answer (${(error as Error).message})`;
  }
}
