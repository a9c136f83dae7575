import { request } from "undici";
import { ManualClock } from "../../emulator/emulator-clock";
import { machineWatcherCount } from "../../emulator/machine-watch";
import {
  startEmulator,
  type EmulatorHandle,
  type StartEmulatorOptions,
} from "../../emulator/server";
import { runOnClock, steppedClock } from "../support/test-clocks";

/** A JSON answer from the emulator, with the headers tests assert on. */
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/** A started emulator plus small HTTP helpers that speak to it over real loopback HTTP. */
export interface EmulatorFixture {
  handle: EmulatorHandle;
  /** Calls the Machines API with the emulator's token (or `token`, or none when `null`). */
  api(method: string, path: string, body?: unknown, init?: ApiInit): Promise<ApiAnswer>;
  /** Calls the unauthenticated control surface under `/__emulator`. */
  control(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** Per-call options for `api`. */
export interface ApiInit {
  token?: string | null;
  scheme?: "Bearer" | "FlyV1";
  headers?: Record<string, string>;
  rawBody?: string;
}

/** Fast timings so asynchronous transitions finish within a test's patience. */
export const FAST: StartEmulatorOptions = {
  bootMs: 20,
  checksMs: 30,
  transitionMs: 10,
  rateLimit: false,
};

/**
 * The fast timings on a clock that stands still: a transient state (starting, stopping,
 * replacing, destroying...) lasts until the test moves time, however slow the machine running it.
 */
export const MANUAL_CLOCK: StartEmulatorOptions = { ...FAST, manualClock: true };

/** Starts an emulator on 127.0.0.1:0 with `options` (fast timings, rate limits off by default). */
export async function startFixture(options: StartEmulatorOptions = {}): Promise<EmulatorFixture> {
  const handle = await startEmulator({ ...FAST, token: "test-token", ...options });
  const call = async (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    rawBody?: string,
  ): Promise<ApiAnswer> => {
    const res = await request(`${handle.url}${path}`, {
      method: method as "GET",
      headers: { "content-type": "application/json", ...headers },
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      body: text ? JSON.parse(text) : undefined,
      headers: res.headers,
    };
  };
  return {
    handle,
    api: (method, path, body, init = {}) => {
      const token = init.token === undefined ? handle.token : init.token;
      const auth: Record<string, string> =
        token === null ? {} : { authorization: `${init.scheme ?? "Bearer"} ${token}` };
      return call(method, path, body, { ...auth, ...init.headers }, init.rawBody);
    },
    control: (method, path, body) => call(method, `/__emulator${path}`, body, {}),
    close: () => handle.close(),
  };
}

/**
 * Resolves with the answer to `longPoll` (a `/wait`). On an emulator with a manual clock, time is
 * moved for it: whenever the emulator holds the request, the clock jumps to the next pending
 * timer, so the machine goes through its states as it would in real time, and stops moving the
 * moment the request is answered. On the wall clock, the request simply runs.
 */
export async function answerOnClock<T>(fx: EmulatorFixture, longPoll: Promise<T>): Promise<T> {
  const { emulator } = fx.handle;
  if (!(emulator.clock instanceof ManualClock)) return longPoll;
  const held = () => machineWatcherCount(emulator);
  const clock = steppedClock(emulator.clock);
  const [answer] = await runOnClock(clock, fx.handle.url, [() => longPoll], held);
  return answer;
}
