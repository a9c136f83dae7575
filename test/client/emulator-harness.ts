/**
 * Runs the project's Machines API emulator for a client test file and offers the few things the
 * tests need around it: a client wired to it, its control surface and its request log.
 *
 * The emulator and the client share one manual clock, which moves only while a client call waits
 * on it (see `ClockDriver`): boots, checks, exits, retry pauses and polls meet exactly when they
 * are due, whatever the machine's load.
 */
import { randomUUID } from "node:crypto";
import { Agent, request } from "undici";
import type { ManualClock } from "../../emulator/emulator-clock";
import { machineWatcherCount } from "../../emulator/machine-watch";
import { startEmulator } from "../../emulator/server";
import { createFlyClient } from "../../providers/fly-client/fly-client";
import type { FlyClient, Machine, MachineConfig } from "../../providers/fly-client/fly-client";
import { ClockDriver, drivenBy, steppedClock } from "../support/test-clocks";
import { FAST_RETRY } from "./fixtures";

/** An image the emulator boots; world faults can single it out. */
export const IMAGE = "ghcr.io/openclaw/openclaw:2026.9.6";

/** A fresh ownership tag for one machine create. */
export const createTag = () => ({ key: "openclaw_fly_create_id", value: randomUUID() });

/** A running emulator with a client and helpers; `close()` stops everything it started. */
export interface EmulatorHarness {
  client: FlyClient;
  /** Calls `/__emulator/<path>` and returns the JSON answer. */
  control(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown>;
  /** Sequence number of the newest logged request. */
  lastSeq(): Promise<number>;
  /** `"<status>[ <fault>]"` of each logged `method` request on a matching path after `sinceSeq`. */
  logged(method: string, path: RegExp, sinceSeq: number): Promise<string[]>;
  /** Creates an app with a unique name and returns the name. */
  newApp(): Promise<string>;
  /** Creates a machine (IMAGE, an HTTP check, `config` on top) and waits until it is started. */
  startedMachine(app: string, config?: Partial<MachineConfig>): Promise<Machine>;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 with fast timings, a manual clock and no rate limits. */
export async function startEmulatorHarness(): Promise<EmulatorHarness> {
  const emu = await startEmulator({
    port: 0,
    token: "test-token",
    bootMs: 20,
    checksMs: 20,
    rateLimit: false,
    manualClock: true,
  });
  const dispatcher = new Agent();
  const clock = steppedClock(emu.emulator.clock as ManualClock);
  const driver = new ClockDriver(clock, emu.url, () => machineWatcherCount(emu.emulator));
  const client = drivenBy(
    driver,
    createFlyClient({
      baseUrl: emu.url,
      token: emu.token,
      dispatcher,
      pacing: false,
      // The emulator's 429s ask for a whole second; tests cap that.
      retry: { ...FAST_RETRY, maxRetryAfterMs: 20 },
      requestTimeoutMs: 5_000,
      clock,
    }),
  );

  const control = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const response = await request(`${emu.url}/__emulator/${path}`, {
      method,
      dispatcher,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw new Error(`control ${path}: ${response.statusCode} ${text}`);
    }
    return JSON.parse(text) as unknown;
  };

  type Log = {
    entries: { seq: number; method: string; path: string; status: number; fault?: string }[];
  };
  let appCounter = 0;

  return {
    client,
    control,
    async lastSeq() {
      const log = (await control("GET", "requests")) as Log;
      return log.entries.at(-1)?.seq ?? 0;
    },
    async logged(method, path, sinceSeq) {
      const log = (await control("GET", "requests")) as Log;
      return log.entries
        .filter((e) => e.seq > sinceSeq && e.method === method && path.test(e.path))
        .map((e) => `${e.status}${e.fault ? ` ${e.fault}` : ""}`);
    },
    async newApp() {
      appCounter += 1;
      const name = `client-it-${appCounter}-${randomUUID().slice(0, 8)}`;
      await client.apps.create({ name, org_slug: "personal" });
      return name;
    },
    async startedMachine(app, config = {}) {
      const machine = await client.machines.create(
        app,
        {
          region: "iad",
          config: {
            image: IMAGE,
            guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 },
            checks: {
              http: {
                type: "http",
                port: 18789,
                path: "/startupz",
                interval: "15s",
                timeout: "2s",
              },
            },
            ...config,
          },
        },
        { createTag: createTag() },
      );
      await client.machines.waitForState(app, machine.id, {
        state: "started",
        version: machine.instance_id ?? undefined,
        timeoutMs: 5_000,
      });
      return machine;
    },
    async close() {
      await emu.close();
      await dispatcher.close();
    },
  };
}
