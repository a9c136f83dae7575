/**
 * A real gateway process for tests that ask the gateway itself how it treats a request: started
 * from an installed package on loopback with a given openclaw.json, the way the machine's
 * command starts it (token auth, read-only config, no respawn), and stopped by its process group.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  isolatedGatewayEnv,
  type GatewayPackage,
} from "../../scripts/openclaw-schema/print-gateway-schema";

/** A started gateway: where it listens, the token it takes, and how to stop it. */
export interface GatewayProcess {
  url: string;
  token: string;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Starts the gateway of `gateway` with `configText` as its openclaw.json and resolves once
 * `/startupz` answers 200.
 *
 * @throws Error with its output when it exits or is not started within `readyWithinMs`
 */
export async function startGateway(
  gateway: GatewayPackage,
  configText: string,
  readyWithinMs = 240_000,
): Promise<GatewayProcess> {
  const scratch = mkdtempSync(join(tmpdir(), "openclaw-gateway-"));
  mkdirSync(join(scratch, "tmp"));
  mkdirSync(join(scratch, "state"));
  writeFileSync(join(scratch, "openclaw.json"), configText);
  const token = randomBytes(32).toString("hex");
  const port = await freePort();
  const child = spawn(
    gateway.node,
    [
      "openclaw.mjs",
      "gateway",
      "--allow-unconfigured",
      "--port",
      String(port),
      "--bind",
      "loopback",
    ],
    {
      cwd: gateway.packageDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...isolatedGatewayEnv(scratch),
        NODE_ENV: "production",
        OPENCLAW_CONFIG_READONLY: "1",
        OPENCLAW_NO_RESPAWN: "1",
        OPENCLAW_GATEWAY_TOKEN: token,
      },
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const stop = async () => {
    signalGroup(child, "SIGTERM");
    const killer = setTimeout(() => signalGroup(child, "SIGKILL"), 20_000);
    await exited(child);
    clearTimeout(killer);
    // Workers share the group; make sure none outlives the test.
    signalGroup(child, "SIGKILL");
    rmSync(scratch, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    const status = await fetch(`${url}/startupz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { url, token, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the gateway was not started within ${readyWithinMs} ms:\n${output}`);
}
