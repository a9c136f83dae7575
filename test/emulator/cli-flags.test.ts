import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE } from "./machine-support";
import {
  WAIT_MS,
  callJson,
  listeningUrl,
  startCli,
  stopCli,
  type CliProcess,
  type TimedAnswer,
} from "./cli-support";

/*
 * One emulator process started with every timing flag, each value distinct from the CLI's default
 * (latency 0, boot 1000 ms, checks 2000 ms, transitions 300 ms, rate limits on, wall clock), so
 * every assertion below fails if its flag is ignored. With --manual-clock its time moves only when
 * a test moves it, so each timing is checked to the millisecond, however busy the machine. The
 * defaults' own behaviour is covered in emulator-cli.test.ts.
 */
const LATENCY_MS = 25;
const BOOT_MS = 60;
const CHECKS_MS = 5_000;
const TRANSITION_MS = 20;
const DEFAULT_CHECKS_MS = 2_000;
const TOKEN = "flags-token";

let cli: CliProcess | undefined;
let url: string;

beforeAll(async () => {
  cli = startCli([
    ...["--port", "0", "--token", TOKEN, "--latency", String(LATENCY_MS)],
    ...["--boot-ms", String(BOOT_MS), "--checks-ms", String(CHECKS_MS)],
    ...["--transition-ms", String(TRANSITION_MS), "--no-rate-limit", "--manual-clock"],
  ]);
  url = await listeningUrl(cli);
}, WAIT_MS + 5_000);
afterAll(() => stopCli(cli));

const api = (method: string, path: string, body?: unknown): Promise<TimedAnswer> =>
  callJson(url, method, path, { token: TOKEN, body });
const control = (method: string, path: string, body?: unknown): Promise<TimedAnswer> =>
  callJson(url, method, `/__emulator${path}`, { body });

/** Moves the emulator's clock forward by `ms`. */
async function advance(ms: number): Promise<void> {
  expect((await control("POST", "/clock", { advance_ms: ms })).status).toBe(200);
}

/** The emulator's own record of a machine (events oldest first, `checks_since`). */
async function machineRecord(id: string): Promise<any> {
  return (await control("GET", "/state")).body.machines[id];
}

/** Creates `app` with one machine (a TCP check on port 3000) and returns the machine's id. */
async function appWithMachine(app: string): Promise<string> {
  expect((await api("POST", "/v1/apps", { name: app, org_slug: "personal" })).status).toBe(201);
  const config = { image: IMAGE, checks: { alive: { type: "tcp", port: 3000 } } };
  const created = await api("POST", `/v1/apps/${app}/machines`, { region: "iad", config });
  expect(created.status).toBe(200);
  return created.body.id as string;
}

describe("emulator CLI flags", () => {
  it("--latency delays every API answer by at least that many milliseconds", async () => {
    const answers = [await api("GET", "/v1/apps?org_slug=personal")];
    answers.push(await api("POST", "/v1/apps", { name: "slow-app", org_slug: "personal" }));
    answers.push(await api("GET", "/v1/apps/slow-app"));
    answers.push(await api("GET", "/v1/apps/no-such-app"));
    expect(answers.map((answer) => answer.status)).toEqual([200, 201, 200, 404]);
    for (const answer of answers) expect(answer.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS);
  });

  it("--no-rate-limit answers past Fly's burst of 3 without a 429", async () => {
    expect((await api("POST", "/v1/apps", { name: "busy-app", org_slug: "personal" })).status).toBe(
      201,
    );
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api("GET", "/v1/apps/busy-app")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it("--manual-clock, --transition-ms and --boot-ms time a new machine's way to started", async () => {
    const id = await appWithMachine("boot-app");
    const stateAfter = async (ms: number) => {
      await advance(ms);
      return (await machineRecord(id)).state as string;
    };
    // Nothing happens while the clock stands still; each step comes exactly when it is due.
    expect((await machineRecord(id)).state).toBe("created");
    expect(await stateAfter(TRANSITION_MS - 1)).toBe("created");
    expect(await stateAfter(1)).toBe("starting");
    expect(await stateAfter(BOOT_MS - 1)).toBe("starting");
    expect(await stateAfter(1)).toBe("started");
    const events: { type: string; status: string; timestamp: number }[] = (await machineRecord(id))
      .events;
    expect(events.map((event) => `${event.type}/${event.status}`)).toEqual([
      "launch/created",
      "start/starting",
      "start/started",
    ]);
    const [created, starting, started] = events.map((event) => event.timestamp);
    expect([starting - created, started - starting]).toEqual([TRANSITION_MS, BOOT_MS]);
  });

  it("--checks-ms keeps checks waiting for that long after start, then they pass", async () => {
    const id = await appWithMachine("checked-app");
    await advance(TRANSITION_MS + BOOT_MS);
    const checks = async () =>
      (await api("GET", `/v1/apps/checked-app/machines/${id}`)).body.checks;
    expect((await checks()).map((c: { status: string }) => c.status)).toEqual(["critical"]);
    // Past the default, still waiting: the checks run on the emulator clock, moved here by hand.
    await control("POST", "/clock", { advance_ms: DEFAULT_CHECKS_MS });
    expect((await checks()).map((c: { status: string }) => c.status)).toEqual(["critical"]);
    await control("POST", "/clock", { advance_ms: CHECKS_MS - DEFAULT_CHECKS_MS });
    const { checks_since: since, private_ip: ip } = await machineRecord(id);
    expect(await checks()).toEqual([
      {
        name: "alive",
        status: "passing",
        output: `TCP connection to [${ip}]:3000 succeeded`,
        updated_at: new Date(since + CHECKS_MS).toISOString(),
      },
    ]);
  });
});
