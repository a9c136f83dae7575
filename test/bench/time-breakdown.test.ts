import { describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../emulator/request-log";
import type { LogEntry } from "../../engine/engine-types";
import { machineWaitIntervals, timeBreakdown, unionMs } from "../../scripts/bench/time-breakdown";

function request(
  method: string,
  path: string,
  time: number,
  extra: Partial<RequestLogEntry> = {},
): RequestLogEntry {
  return {
    seq: 0,
    time,
    method,
    path,
    route: null,
    status: 200,
    duration_ms: 40,
    request_id: "r",
    ...extra,
  };
}

const M1 = "/v1/apps/gw/machines/m1";
const M2 = "/v1/apps/gw/machines/m2";

describe("unionMs", () => {
  it("counts overlapping and nested intervals once, and gaps not at all", () => {
    expect(unionMs([])).toBe(0);
    expect(
      unionMs([
        [0, 10],
        [5, 20],
        [6, 8],
        [30, 35],
      ]),
    ).toBe(25);
  });
});

describe("machineWaitIntervals", () => {
  it("spans each machine from its first /wait to the end of its last read", () => {
    const requests = [
      request("POST", "/v1/apps/gw/machines", 0),
      request("GET", M1, 50), // a read before any wait is adoption, not a wait
      request("GET", `${M1}/wait`, 100, { duration_ms: 1_600 }),
      request("GET", M1, 1_700),
      request("GET", M1, 4_700, { duration_ms: 45 }),
      request("GET", M2, 200),
    ];
    expect(machineWaitIntervals(requests)).toEqual([[100, 4_745]]);
  });
});

describe("timeBreakdown", () => {
  it("adds up pacing holds from the providers' lines and finds the least rate-limit headroom", () => {
    const logs: LogEntry[] = [
      {
        severity: "info",
        source: "provider",
        message:
          "[fly:volume d-ams] holding volume_create on gw for 1000 ms under Fly's rate limits",
      },
      {
        severity: "info",
        source: "provider",
        message:
          "[fly:volume d-arn] holding volume_create on gw for 2000 ms under Fly's rate limits",
      },
      // The program's lines are not the providers': a lookalike there is not a hold.
      {
        severity: "info",
        source: "program",
        message: "holding volume_create on gw for 9000 ms under Fly's rate limits",
      },
    ];
    const requests = [
      request("POST", "/v1/apps/gw/volumes", 0, {
        route: "/v1/apps/{app_name}/volumes",
        rate_tokens: 3,
      }),
      request("POST", "/v1/apps/gw/volumes", 10, {
        route: "/v1/apps/{app_name}/volumes",
        rate_tokens: 1.25,
      }),
      request("GET", `${M2}/wait`, 1_000, { duration_ms: 500 }),
      request("GET", `${M1}/wait`, 1_200, { duration_ms: 500 }),
    ];
    expect(timeBreakdown(requests, logs)).toEqual({
      machineWaitsMs: 700,
      pacingHolds: 2,
      pacingHeldMs: 3_000,
      longestHoldMs: 2_000,
      leastRateTokens: 1.25,
      leastRateTokensRoute: "POST /v1/apps/{app_name}/volumes",
    });
  });

  it("has no headroom figure when no request met a limit", () => {
    expect(timeBreakdown([request("GET", M1, 0)], [])).toMatchObject({
      pacingHolds: 0,
      longestHoldMs: 0,
      leastRateTokens: undefined,
      leastRateTokensRoute: undefined,
    });
  });
});
