import { expect } from "vitest";
import {
  answerOnClock,
  type ApiAnswer,
  type ApiInit,
  type EmulatorFixture,
} from "./emulator-support";

/** The image test machines run unless a test names another. */
export const IMAGE = "registry.fly.io/openclaw-gateway:2026.1.1";

/** `/v1/apps/{app}/machines/{id}` plus an optional suffix such as `/stop`. */
export function machinePath(app: string, id: string, suffix = ""): string {
  return `/v1/apps/${app}/machines/${id}${suffix}`;
}

/** Creates an app and fails the test if that does not answer 201. */
export async function createApp(fx: EmulatorFixture, name: string): Promise<void> {
  const res = await fx.api("POST", "/v1/apps", { name, org_slug: "personal" });
  expect(res.status).toBe(201);
}

/**
 * Creates a machine in `iad` running `IMAGE`; `body` fields replace the defaults (and `config`
 * replaces the whole default config).
 */
export function createMachine(
  fx: EmulatorFixture,
  app: string,
  body: Record<string, unknown> = {},
  init?: ApiInit,
): Promise<ApiAnswer> {
  return fx.api(
    "POST",
    `/v1/apps/${app}/machines`,
    { region: "iad", config: { image: IMAGE }, ...body },
    init,
  );
}

/** Creates a machine and returns its id, failing the test unless the create answered 200. */
export async function machineIdOf(
  fx: EmulatorFixture,
  app: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await createMachine(fx, app, body);
  expect(res.status).toBe(200);
  return res.body.id as string;
}

/**
 * Long-polls the wait endpoint for `state` (5 s at most, on the emulator's clock, which is moved
 * for it when it is a manual one) and expects it to be reached.
 */
export async function waitState(
  fx: EmulatorFixture,
  app: string,
  id: string,
  state: string,
  extraQuery = "",
): Promise<ApiAnswer> {
  const path = machinePath(app, id, `/wait?state=${state}&timeout=5${extraQuery}`);
  const res = await answerOnClock(fx, fx.api("GET", path));
  expect(res.status).toBe(200);
  return res;
}

/** Creates a volume through the volumes API and returns its id. */
export async function createVolume(
  fx: EmulatorFixture,
  app: string,
  region = "iad",
  name = "data",
): Promise<string> {
  const res = await fx.api("POST", `/v1/apps/${app}/volumes`, { name, region, size_gb: 1 });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

/** The emulator's record of one machine, as the control surface shows it. */
export async function machineRecord(fx: EmulatorFixture, id: string): Promise<any> {
  return (await fx.control("GET", "/state")).body.machines[id];
}

/** Advances the emulator clock by `ms` (leases expire, checks are judged, destroyed ones vanish). */
export async function advanceClock(fx: EmulatorFixture, ms: number): Promise<void> {
  const res = await fx.control("POST", "/clock", { advance_ms: ms });
  expect(res.status).toBe(200);
}

/** Event `type/status/source` triples, newest first, for compact exact assertions. */
export function eventTrail(events: { type: string; status: string; source: string }[]): string[] {
  return events.map((e) => `${e.type}/${e.status}/${e.source}`);
}
