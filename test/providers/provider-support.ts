import type * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import { ManualClock } from "../../emulator/emulator-clock";
import { machineWatcherCount } from "../../emulator/machine-watch";
import { processState } from "../../providers/fly-client/process-state";
import { MANUAL_CLOCK, startFixture, type EmulatorFixture } from "../emulator/emulator-support";
import type { ProviderTuning } from "../../providers/provider-kit/provider-settings";
import { ClockDriver, drivenBy, steppedClock, type SteppedClock } from "../support/test-clocks";

/** Provider timings for the emulator's fast world: poll often, give up on leases quickly. */
export const FAST_TUNING: Partial<ProviderTuning> = {
  pollIntervalMs: 10,
  checkPollMs: 10,
  leaseWaitMs: 300,
  leaseTtlSeconds: 5,
  pacing: false,
  retryBaseDelayMs: 5,
  adoptLookupDelayMs: 10,
  settleTimeoutMs: 2_000,
};

/** Progress lines stay out of the test output (tests that assert them spy on stderr). */
process.env.OPENCLAW_FLY_QUIET = "1";

/** A ConfigureRequest as the provider host builds it: project-namespaced stack config. */
export function configureRequest(
  fx: EmulatorFixture,
  tuning: Partial<ProviderTuning> = FAST_TUNING,
): pulumi.dynamic.ConfigureRequest {
  const values: Record<string, string> = {
    "openclaw-fly:flyApiUrl": fx.handle.url,
    "openclaw-fly:flyApiToken": fx.handle.token,
    "openclaw-fly:providerTuning": JSON.stringify(tuning),
  };
  const get = (key: string) => values[key.includes(":") ? key : `openclaw-fly:${key}`];
  return {
    config: {
      get,
      require: (key: string) => {
        const value = get(key);
        if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
        return value;
      },
    },
  };
}

/** A provider configured against the emulator, as the host would configure it. */
export async function configured<P extends pulumi.dynamic.ResourceProvider>(
  provider: P,
  fx: EmulatorFixture,
  tuning?: Partial<ProviderTuning>,
): Promise<P> {
  await provider.configure?.(configureRequest(fx, tuning));
  return provider;
}

/** Starts an emulator with the fast timings and a fixed token. */
export function startEmulatorFixture(): Promise<EmulatorFixture> {
  return startFixture({ token: "provider-test-token" });
}

/**
 * An emulator on a manual clock that every Fly client of this process reads too (set in the
 * process state: a provider builds its clients from config, which cannot carry a clock), and
 * `onClock`, which runs a provider call with that clock moving only while the call waits on it.
 * So a provider's health waits, lease waits, polls and retries meet the emulator's boots, checks
 * and lease expiries exactly when they are due, however busy the machine running the test.
 */
export interface ClockedEmulator {
  fx: EmulatorFixture;
  clock: SteppedClock;
  onClock<T>(call: () => Promise<T>): Promise<T>;
  /** The provider with every method run through `onClock`. */
  onClockAlways<P extends object>(provider: P): P;
  close(): Promise<void>;
}

export async function startClockedEmulator(): Promise<ClockedEmulator> {
  const fx = await startFixture({ ...MANUAL_CLOCK, token: "provider-test-token" });
  const { emulator } = fx.handle;
  const clock = steppedClock(emulator.clock as ManualClock);
  processState().clock = clock;
  const driver = new ClockDriver(clock, fx.handle.url, () => machineWatcherCount(emulator));
  return {
    fx,
    clock,
    onClock: (call) => driver.run(call),
    onClockAlways: (provider) => drivenBy(driver, provider),
    close: async () => {
      processState().clock = undefined;
      await fx.close();
    },
  };
}

/** Creates an app directly through the API. */
export async function createAppDirectly(fx: EmulatorFixture, name: string, org = "personal") {
  const res = await fx.api("POST", "/v1/apps", { name, org_slug: org });
  expect(res.status).toBe(201);
}

/** `METHOD /path` of every API request the emulator logged, in order. */
export async function requestLog(fx: EmulatorFixture): Promise<string[]> {
  const res = await fx.control("GET", "/requests");
  return (res.body.entries as { method: string; path: string; status: number }[]).map(
    (e) => `${e.method} ${e.path} ${e.status}`,
  );
}

/** Forgets the request log, so a test asserts only the calls its own step made. */
export async function clearRequestLog(fx: EmulatorFixture): Promise<void> {
  await fx.control("DELETE", "/requests");
}

/** The emulator's world as its control surface shows it. */
export async function worldState(fx: EmulatorFixture): Promise<any> {
  return (await fx.control("GET", "/state")).body;
}

/** Captures the progress lines a block writes to stderr (OPENCLAW_FLY_QUIET lifted meanwhile). */
export async function captureProgress<T>(
  work: () => Promise<T>,
): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.env.OPENCLAW_FLY_QUIET = "0";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    // Only progress lines: anything else on stderr (a runtime warning) is not the subject.
    lines.push(
      ...String(chunk)
        .split("\n")
        .filter((line) => line.startsWith("[fly:")),
    );
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await work(), lines };
  } finally {
    process.stderr.write = write;
    process.env.OPENCLAW_FLY_QUIET = "1";
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** The unknown marker the engine sends during previews. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
