/**
 * The engine process itself killed (SIGKILL, no cleanup of its own) while a create is in flight:
 * nothing it started outlives it (its guardian ends the program, the provider host and itself),
 * and the state keeps a pending CREATE (backend/snapshot.go), which every later `up` warns about
 * (deployment_executor.go `printPendingOperationsWarning`) until `refresh --clear-pending-creates`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry, PendingOperation } from "../../engine/engine-types";
import { pendingOperationsWarning } from "../../engine/pending-warning";
import { DEFAULT_TEST_PASSPHRASE } from "../../engine/secrets-crypter";
import {
  removeStateDirectory,
  stateDirectory,
  THING_TYPE,
  THINGS_PROJECT_DIR,
  thingsEngine,
  thingsUrn,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";

const STACK = "killed";
const TOKEN = "killed-token-6a3f";
const BASE = thingsUrn(STACK, THING_TYPE, "base");
const CLI = join(__dirname, "..", "..", "engine", "engine-cli.ts");
let store: ThingStore;
let cli: ChildProcess | undefined;

const engine = () =>
  thingsEngine(STACK, store.url, {
    options: { withExtras: false },
    engine: { secretConfig: { storeToken: TOKEN } },
  });

const engineWarnings = (logs: readonly LogEntry[]) =>
  logs.filter((entry) => entry.source === "engine" && entry.severity === "warning");

const pendingIn = (subject: ReturnType<typeof engine>) =>
  ((subject.readState()?.pendingOperations ?? []) as PendingOperation[]).map(
    (operation) => `${operation.type} ${operation.resource.urn}`,
  );

/** Every process whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
  } catch {
    return [];
  }
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (at most `ms`, checking every 50 ms) until none of `pids` runs; returns those still running. */
async function waitUntilGone(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(isRunning);
}

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 200 });
});

afterEach(() => cli?.kill("SIGKILL"));

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("an engine killed while a create is in flight", { timeout: 90_000 }, () => {
  it("takes its program, provider host and guardian with it, and leaves a pending CREATE", async () => {
    const args = [
      ...["--import", "tsx", CLI, "up", "--yes", "--stack", STACK, "--cwd", THINGS_PROJECT_DIR],
      ...["--state-dir", stateDirectory(), "-c", `storeUrl=${store.url}`],
      ...["-c", `options=${JSON.stringify({ withExtras: false })}`],
      ...["--secret-config", `storeToken=${TOKEN}`],
    ];
    const child = spawn(process.execPath, args, {
      env: {
        ...process.env,
        PULUMI_CONFIG_PASSPHRASE: DEFAULT_TEST_PASSPHRASE,
        THING_REGION: "ams",
      },
      stdio: ["ignore", "ignore", "ignore"],
    });
    cli = child;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const started: number[] = [];
    const killed = new Promise<void>((resolve) => {
      store.onRequest = (call) => {
        if (call.method !== "POST" || call.subject !== "base") return;
        store.onRequest = undefined;
        started.push(...childrenOf(child.pid!).flatMap((pid) => [pid, ...childrenOf(pid)]));
        child.kill("SIGKILL");
        resolve();
      };
    });
    await killed;
    await exited;
    // program, provider host and guardian at least; all gone once the engine is.
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(await waitUntilGone(started, 10_000)).toEqual([]);
    expect(pendingIn(engine())).toContain(`creating ${BASE}`);
    expect(store.byName("base")).toBeDefined();
  });

  it("warns on every later up, which creates it again, until a refresh with --clear-pending-creates", async () => {
    const pending = (engine().readState()!.pendingOperations ?? []) as PendingOperation[];
    const warning = pendingOperationsWarning("up", pending)!;
    const first = await engine().up();
    expect(first.error).toBeUndefined();
    expect(first.logs).toContainEqual(
      expect.objectContaining({ severity: "warning", message: warning }),
    );
    expect(first.steps.find((step) => step.urn === BASE)?.op).toBe("create");
    // The provider adopted the thing of that name instead of making a second one.
    expect([...store.things.values()].filter((thing) => thing.name === "base")).toHaveLength(1);
    expect(pendingIn(engine())).toContain(`creating ${BASE}`);

    const second = await engine().up();
    expect(second.logs).toContainEqual(
      expect.objectContaining({ severity: "warning", message: warning }),
    );
    const refreshed = await engine().refresh();
    expect(engineWarnings(refreshed.logs)).toEqual([]);
    expect(pendingIn(engine())).toContain(`creating ${BASE}`);
    await engine().refresh({ clearPendingCreates: true });
    expect(pendingIn(engine())).toEqual([]);
    const quiet = await engine().up();
    expect(engineWarnings(quiet.logs)).toEqual([]);
  });
});
