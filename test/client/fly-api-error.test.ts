import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FlyApiError,
  isAlreadyExists,
  isFlyApiError,
  isLeaseConflict,
  isNameTaken,
  isNotFound,
  isRateLimited,
  isRetryable,
  isTimeout,
  isValidationError,
} from "../../providers/fly-client/fly-client";
import {
  clientError,
  errorFromResponse,
  redactSecrets,
} from "../../providers/fly-client/fly-api-error";
import { TEST_TOKEN, testClient } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

let server: ScriptedServer;
const dispatcher = new Agent();
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  await dispatcher.close();
});

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<FlyApiError> {
  try {
    await promise;
  } catch (error) {
    if (isFlyApiError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

const noRetry = { retry: { maxAttempts: 1 } };

describe("errors from API answers", () => {
  it("carries Fly's message, code, request id, method and path", async () => {
    server.on("POST /v1/apps", {
      status: 422,
      json: { error: "Validation failed: Name has already been taken", status: "name_taken" },
      headers: { "fly-request-id": "01JREQ" },
    });
    const error = await failure(
      testClient(server.url, dispatcher).apps.create({ name: "taken", org_slug: "personal" }),
    );
    expect({
      name: error.name,
      kind: error.kind,
      message: error.message,
      status: error.status,
      code: error.code,
      requestId: error.requestId,
      method: error.method,
      path: error.path,
    }).toEqual({
      name: "FlyApiError",
      kind: "fly.name_taken",
      message: "Validation failed: Name has already been taken",
      status: 422,
      code: "name_taken",
      requestId: "01JREQ",
      method: "POST",
      path: "/v1/apps",
    });
    expect(String(error)).toBe(
      "FlyApiError: POST /v1/apps -> 422 name_taken: Validation failed: Name has already been taken (fly-request-id 01JREQ)",
    );
    expect([isNameTaken(error), isValidationError(error), isRetryable(error)]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("prefers the body's message over its error", async () => {
    server.on("GET /v1/apps/both", {
      status: 400,
      json: { error: "bad request", message: "org_slug is required" },
    });
    const error = await failure(testClient(server.url, dispatcher).apps.get("both"));
    expect(error.message).toBe("org_slug is required");
    expect(error.code).toBeUndefined();
  });

  it("names the status when the body is empty", async () => {
    server.on("GET /v1/apps/empty", { status: 503 });
    const error = await failure(testClient(server.url, dispatcher, noRetry).apps.get("empty"));
    expect(error.message).toBe("503 Service Unavailable with an empty body");
    expect(error.status).toBe(503);
    expect(error.requestId).toMatch(/^req-\d+$/);
  });

  it("keeps a body that is not JSON as the message", async () => {
    server.on("GET /v1/apps/proxy", { status: 502, text: "<html>bad gateway</html>" });
    const error = await failure(testClient(server.url, dispatcher, noRetry).apps.get("proxy"));
    expect(error.message).toBe("<html>bad gateway</html>");
    expect(error.code).toBeUndefined();
  });

  it("maps 404, 409, 429 and 408 to their predicates", async () => {
    const statuses = [404, 409, 429, 408];
    const errors = await Promise.all(
      statuses.map((status) => {
        const error =
          status === 409
            ? "aborted: machine ID 148e lease currently held by a@tokens.fly.io, expires at 2026-08-14T09:57:35Z"
            : `status ${status}`;
        server.on(`GET /v1/apps/s${status}`, { status, json: { error } });
        return failure(testClient(server.url, dispatcher, noRetry).apps.get(`s${status}`));
      }),
    );
    const predicates = [isNotFound, isLeaseConflict, isRateLimited, isTimeout];
    expect(errors.map((e) => predicates.map((p) => p(e)))).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
      [false, false, false, true],
    ]);
  });

  it("tells a lease conflict from the other 409s: a taken machine name, an attached volume", () => {
    const conflict = (message: string) =>
      errorFromResponse(
        { method: "POST", path: "/v1/apps/a/machines", secrets: [] },
        { status: 409, text: JSON.stringify({ error: message }) },
      );
    const errors = [
      conflict("aborted: machine ID 148e lease currently held by a@tokens.fly.io"),
      clientError("client.lease_held", "machine 148e is leased by someone else", {
        status: 409,
        method: "POST",
        path: "/v1/apps/a/machines/148e/lease",
      }),
      conflict(
        'already_exists: unique machine name violation, machine ID 148e already exists with name "gw"',
      ),
      conflict("volume vol_1 is already attached to machine 148e"),
    ];
    expect(errors.map((e) => [e.kind, isLeaseConflict(e), isAlreadyExists(e)])).toEqual([
      ["fly.lease_conflict", true, false],
      ["client.lease_held", true, false],
      ["fly.already_exists", false, true],
      ["fly.conflict", false, false],
    ]);
  });

  it("recognises errors of another copy of the class by name and kind, never by message", () => {
    const fromAnotherCopy = { name: "FlyApiError", kind: "fly.not_found", message: "gone" };
    expect(isNotFound(fromAnotherCopy)).toBe(true);
    const statusOnly = { name: "FlyApiError", status: 404, message: "app not found" };
    expect(isNotFound(statusOnly)).toBe(false);
    expect(isNotFound(Object.assign(new Error("app not found"), { status: 404 }))).toBe(false);
  });
});

describe("the token never leaks", () => {
  it("is scrubbed from message, string form, stack and JSON even when the server echoes it", async () => {
    server.on("GET /v1/apps/echo", (request) => ({
      status: 401,
      json: { error: `token validation error for ${request.headers.authorization}` },
    }));
    const error = await failure(testClient(server.url, dispatcher).apps.get("echo"));
    expect(server.requestsTo("GET /v1/apps/echo")[0].headers.authorization).toBe(
      `FlyV1 ${TEST_TOKEN}`,
    );
    expect(error.message).toBe("token validation error for [REDACTED]");
    for (const text of [String(error), error.stack ?? "", JSON.stringify(error), error.message]) {
      expect(text).not.toContain(TEST_TOKEN);
      expect(text).not.toContain("lJPECAAAAAAAAMk9xBB6s3cr3t");
    }
  });

  it("is scrubbed from connection failures too", async () => {
    const client = testClient("http://127.0.0.1:9", dispatcher, noRetry);
    const error = await failure(client.apps.get("nowhere"));
    expect({ kind: error.kind, status: error.status, code: error.code }).toEqual({
      kind: "net.refused",
      status: 0,
      code: "ECONNREFUSED",
    });
    expect(error.cause).toBeInstanceOf(Error);
    expect(`${String(error)} ${error.stack} ${JSON.stringify(error)}`).not.toContain(TEST_TOKEN);
  });

  it("scrubs each secret, longest first", () => {
    expect(redactSecrets("Bearer abc123 and abc123", ["abc123", "Bearer abc123"])).toBe(
      "[REDACTED] and [REDACTED]",
    );
    expect(redactSecrets("nothing here", [""])).toBe("nothing here");
  });
});

describe("failures without an answer", () => {
  it("reports a reset connection as status 0 ECONNRESET with the cause", async () => {
    server.on("GET /v1/apps/reset", { reset: true });
    const error = await failure(testClient(server.url, dispatcher, noRetry).apps.get("reset"));
    expect({
      kind: error.kind,
      status: error.status,
      code: error.code,
      retryable: isRetryable(error),
    }).toEqual({ kind: "net.reset", status: 0, code: "ECONNRESET", retryable: true });
    expect((error.cause as { code?: string }).code).toBe("UND_ERR_SOCKET");
  });

  it("reports a request without an answer in time as a client-side timeout", async () => {
    server.on("GET /v1/apps/slow", { hang: true });
    const client = testClient(server.url, dispatcher, { ...noRetry, requestTimeoutMs: 50 });
    const error = await failure(client.apps.get("slow"));
    expect({
      kind: error.kind,
      status: error.status,
      code: error.code,
      message: error.message,
    }).toEqual({
      kind: "net.timeout",
      status: 0,
      code: "ETIMEDOUT",
      message: "no answer within 50 ms",
    });
    expect(isTimeout(error)).toBe(true);
  });

  it("rejects with the caller's abort reason and does not retry", async () => {
    const controller = new AbortController();
    // The caller gives up while the server holds the request.
    server.on("GET /v1/apps/aborted", () => {
      controller.abort(new Error("deploy cancelled"));
      return { hang: true };
    });
    const call = testClient(server.url, dispatcher).apps.get("aborted", {
      signal: controller.signal,
    });
    await expect(call).rejects.toThrow("deploy cancelled");
    expect(server.requestsTo("GET /v1/apps/aborted")).toHaveLength(1);
  });
});
