import { describe, expect, it } from "vitest";
import {
  clientError,
  connectionError,
  errorFromResponse,
} from "../../providers/fly-client/fly-api-error";
import {
  backoffDelayMs,
  isAmbiguousFailure,
  isNotProcessed,
  isRetryable,
  isUnanswered,
  nextRetryDelayMs,
  parseRetryAfterMs,
  resolveRetryOptions,
  shouldRetry,
} from "../../providers/fly-client/retry-policy";

// Errors as the transport makes them: through the one mapper that gives them their kind.
const REQUEST = { method: "GET", path: "/v1/apps/a", secrets: [] };
const httpError = (status: number, body: object = { error: "failed" }) =>
  errorFromResponse(REQUEST, { status, text: JSON.stringify(body) });
const connectionFailure = (code: string) =>
  connectionError(REQUEST, Object.assign(new Error(code), { code }), 1_000);

describe("which failures are retried", () => {
  it.each([
    [408, true],
    [429, true],
    [502, true],
    [503, true],
    [504, true],
    [500, false],
    [400, false],
    [401, false],
    [404, false],
    [409, false],
    [412, false],
    [422, false],
  ])("an idempotent request failing with %i is retried: %s", (status, expected) => {
    expect(shouldRetry(httpError(status), { idempotent: true })).toBe(expected);
  });

  it.each([
    ["ECONNRESET", true],
    ["EPIPE", true],
    ["ETIMEDOUT", true],
    ["UND_ERR_SOCKET", true],
    ["UND_ERR_HEADERS_TIMEOUT", true],
    ["ECONNREFUSED", true],
    ["ENOTFOUND", true],
    ["UND_ERR_CONNECT_TIMEOUT", true],
    ["EHOSTUNREACH", false],
  ])("an idempotent request failing with connection code %s is retried: %s", (code, expected) => {
    expect(isRetryable(connectionFailure(code))).toBe(expected);
  });

  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [412, false],
  ])("a wait reads %i as the API's silence: %s", (status, expected) => {
    expect(isUnanswered(httpError(status))).toBe(expected);
  });

  it("reads every connection failure, but no capacity refusal or verdict of its own, as silence", () => {
    for (const code of ["ECONNRESET", "ETIMEDOUT", "ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH"]) {
      expect([code, isUnanswered(connectionFailure(code))]).toEqual([code, true]);
    }
    const capacity = httpError(503, { error: "no capacity", status: "insufficient_capacity" });
    expect(isUnanswered(capacity)).toBe(false);
    const about = { method: "GET", path: "/v1/apps/a/machines/m" };
    expect(isUnanswered(clientError("client.wait_timeout", "gave up", about))).toBe(false);
  });

  it("never retries what the client itself gave up on", () => {
    const about = { method: "GET", path: "/v1/apps/a/machines/m" };
    for (const kind of ["client.wait_timeout", "client.machine_failed"] as const) {
      expect(isRetryable(clientError(kind, "gave up", about))).toBe(false);
    }
  });

  it("retries a capacity refusal, which Fly answers before doing anything", () => {
    const capacity = httpError(503, { error: "no capacity", status: "insufficient_capacity" });
    expect(capacity.kind).toBe("fly.insufficient_capacity");
    expect([isRetryable(capacity), isNotProcessed(capacity), isAmbiguousFailure(capacity)]).toEqual(
      [true, true, false],
    );
    expect(shouldRetry(capacity, { idempotent: false })).toBe(true);
  });

  it("retries a create only when the server provably did not act on it", () => {
    const create = { idempotent: false };
    expect(shouldRetry(httpError(429), create)).toBe(true);
    expect(shouldRetry(connectionFailure("ECONNREFUSED"), create)).toBe(true);
    expect(shouldRetry(httpError(408), create)).toBe(false);
    expect(shouldRetry(httpError(503), create)).toBe(false);
    expect(shouldRetry(connectionFailure("ECONNRESET"), create)).toBe(false);
    expect(shouldRetry(connectionFailure("ETIMEDOUT"), create)).toBe(false);
  });

  it("calls a create failure ambiguous on 408, any 5xx, resets and timeouts only", () => {
    expect([408, 500, 502, 503, 504].map((s) => isAmbiguousFailure(httpError(s)))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 404, 409, 422, 429].map((s) => isAmbiguousFailure(httpError(s)))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(isAmbiguousFailure(connectionFailure("ECONNRESET"))).toBe(true);
    expect(isAmbiguousFailure(connectionFailure("ETIMEDOUT"))).toBe(true);
    expect(isAmbiguousFailure(connectionFailure("ECONNREFUSED"))).toBe(false);
    expect(isNotProcessed(connectionFailure("ECONNREFUSED"))).toBe(true);
  });

  it("judges only FlyApiErrors, by their kind, never by a status alone", () => {
    const imposter = Object.assign(new Error("x"), { status: 503 });
    expect(isRetryable(imposter)).toBe(false);
    expect(isRetryable({ name: "FlyApiError", status: 503 })).toBe(false);
    expect(isRetryable({ name: "FlyApiError", status: 503, kind: "fly.unavailable" })).toBe(true);
  });
});

describe("backoff", () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("draws the delay uniformly from zero up to base * 2^attempt (full jitter)", () => {
    expect(backoffDelayMs(0, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelayMs(0, { ...options, random: () => 0.999 })).toBe(99);
    expect(backoffDelayMs(2, { ...options, random: () => 0.5 })).toBe(200);
    expect(backoffDelayMs(3, { ...options, random: () => 0.25 })).toBe(200);
  });

  it("never exceeds the cap however many attempts were made", () => {
    const random = () => 0.999999;
    expect([4, 5, 10, 40].map((n) => backoffDelayMs(n, { ...options, random }))).toEqual([
      999, 999, 999, 999,
    ]);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");

  it("reads delta seconds", () => {
    expect(parseRetryAfterMs("3", now)).toBe(3_000);
    expect(parseRetryAfterMs(" 0 ", now)).toBe(0);
    expect(parseRetryAfterMs("1.5", now)).toBe(1_500);
  });

  it("reads an HTTP date relative to now, and a past date as no wait", () => {
    expect(parseRetryAfterMs("Sat, 21 Nov 2026 12:00:07 GMT", now)).toBe(7_000);
    expect(parseRetryAfterMs("Sat, 21 Nov 2026 11:59:00 GMT", now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs("-5", now)).toBeUndefined();
  });
});

describe("the retry budget", () => {
  const options = resolveRetryOptions({
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 5_000,
    maxTotalMs: 10_000,
    random: () => 0.5,
  });

  it("allows maxAttempts attempts in all, then stops", () => {
    const delays = [0, 1, 2, 3].map((retriesSoFar) =>
      nextRetryDelayMs({ retriesSoFar, elapsedMs: 0 }, options),
    );
    expect(delays).toEqual([50, 100, 200, undefined]);
  });

  it("lets Retry-After win over backoff, capped at maxRetryAfterMs", () => {
    expect(nextRetryDelayMs({ retriesSoFar: 0, elapsedMs: 0, retryAfterMs: 3_000 }, options)).toBe(
      3_000,
    );
    expect(nextRetryDelayMs({ retriesSoFar: 0, elapsedMs: 0, retryAfterMs: 60_000 }, options)).toBe(
      5_000,
    );
  });

  it("stops when the pause would end past the total time budget", () => {
    expect(
      nextRetryDelayMs({ retriesSoFar: 1, elapsedMs: 9_900, retryAfterMs: 100 }, options),
    ).toBe(100);
    expect(
      nextRetryDelayMs({ retriesSoFar: 1, elapsedMs: 9_901, retryAfterMs: 100 }, options),
    ).toBeUndefined();
    expect(nextRetryDelayMs({ retriesSoFar: 0, elapsedMs: 10_001 }, options)).toBeUndefined();
  });

  it("defaults to 4 attempts within 60 s", () => {
    const defaults = resolveRetryOptions();
    expect({ attempts: defaults.maxAttempts, total: defaults.maxTotalMs }).toEqual({
      attempts: 4,
      total: 60_000,
    });
    expect(defaults.random).toBe(Math.random);
  });
});
