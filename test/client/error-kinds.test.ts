import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  connectionError,
  errorFromResponse,
  isAlreadyExists,
  isLeaseConflict,
  isNameTaken,
  isNotFound,
  isRateLimited,
  isTimeout,
  isValidationError,
} from "../../providers/fly-client/fly-api-error";

/** The error the transport makes of an answer: Fly's body, as text, for a request. */
function answer(status: number, body: unknown, method = "POST", path = "/v1/apps/web/machines") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return errorFromResponse({ method, path, secrets: [] }, { status, text });
}

// Bodies as Fly sends them, from the reference (fly-machines-api.md §2, §3, §7 and §11): each is
// quoted there verbatim from Fly's docs, fly-go's fixtures or a log of the real API.
describe("the kind of each answer Fly is known to give", () => {
  it.each<[string, number, unknown, string, string?]>([
    ["a bad token", 401, { error: "Authenticate: token validation error" }, "fly.unauthorized"],
    ["another org's app", 403, { error: "unauthorized" }, "fly.forbidden"],
    ["an unknown app", 404, { error: "app not found" }, "fly.not_found"],
    [
      "a taken app name",
      422,
      { error: "Validation failed: Name has already been taken", status: "name_taken" },
      "fly.name_taken",
    ],
    [
      "a taken app name from an older server, without the code",
      422,
      { error: "Validation failed: Name has already been taken" },
      "fly.name_taken",
    ],
    [
      "an app name Fly refuses",
      422,
      {
        error: "Validation failed: Name under 63 chars using numbers, lowercase letters and dashes",
      },
      "fly.unprocessable",
    ],
    [
      "a mutation of a machine someone else has leased",
      409,
      {
        error:
          "aborted: machine ID 148ed599c14389 lease currently held by alice@tokens.fly.io, expires at 2026-08-14T09:57:35Z",
      },
      "fly.lease_conflict",
    ],
    [
      "a machine name that exists",
      409,
      {
        error:
          'already_exists: unique machine name violation, machine ID 148e already exists with name "gw"',
      },
      "fly.already_exists",
    ],
    [
      "a volume attached to another machine",
      409,
      { error: "volume already attached to machine 148ed599c14389" },
      "fly.conflict",
    ],
    [
      "a start from the wrong state",
      412,
      { error: "unable to start machine from current state: 'started'" },
      "fly.precondition_failed",
    ],
    [
      "a volume still bound to its machine",
      412,
      { error: "failed_precondition: volume is currently bound to machine: 148ed599c14389" },
      "fly.precondition_failed",
    ],
    [
      "no host for the volume",
      412,
      { error: "no host can place the volume", status: "volume_placement_capacity" },
      "fly.volume_placement_capacity",
    ],
    [
      "no capacity in the region",
      503,
      { error: "insufficient resources to create machine", status: "insufficient_capacity" },
      "fly.insufficient_capacity",
    ],
    [
      "malformed JSON",
      400,
      { error: "json: cannot unmarshal array into Go value of type main.stopRequest" },
      "fly.bad_request",
    ],
    ["the rate limit", 429, { error: "rate limit exceeded" }, "fly.rate_limited"],
    ["a server error", 500, { error: "internal error" }, "fly.server_error"],
    ["a proxy's page", 502, "<html>bad gateway</html>", "fly.bad_gateway"],
    ["an empty unavailable", 503, "", "fly.unavailable"],
    ["a gateway timeout", 504, { error: "timeout" }, "fly.gateway_timeout"],
    ["another 5xx", 501, { error: "not implemented" }, "fly.server_error"],
    ["a status nobody expects", 418, { error: "teapot" }, "fly.unexpected_status"],
  ])("%s (%i)", (_label, status, body, kind) => {
    expect(answer(status, body).kind).toBe(kind);
  });

  it("calls any 409 from the lease endpoint a lease conflict, whatever it says", () => {
    const error = answer(409, { error: "conflict" }, "POST", "/v1/apps/web/machines/148e/lease");
    expect([error.kind, isLeaseConflict(error)]).toEqual(["fly.lease_conflict", true]);
  });

  it("tells /wait's 'not yet' from its 'never'", () => {
    const wait = "/v1/apps/web/machines/148e/wait";
    expect(answer(408, { error: "deadline exceeded" }, "GET", wait).kind).toBe(
      "fly.request_timeout",
    );
    expect(
      answer(400, { error: "machine failed to reach desired state, started" }, "GET", wait).kind,
    ).toBe("fly.state_unreachable");
    // The same words elsewhere are only a bad request.
    expect(answer(400, { error: "machine failed to reach desired state" }).kind).toBe(
      "fly.bad_request",
    );
  });

  it("lets the predicates read the kind alone", () => {
    const lease = answer(409, { error: "aborted: lease currently held by a@tokens.fly.io" });
    const taken = answer(422, { error: "Validation failed: Name has already been taken" });
    const named = answer(409, {
      error: 'already_exists: machine ID 1 already exists with name "x"',
    });
    expect([
      isLeaseConflict(lease),
      isNameTaken(taken),
      isValidationError(taken),
      isAlreadyExists(named),
      isNotFound(answer(404, { error: "machine not found" })),
      isRateLimited(answer(429, { error: "rate limit exceeded" })),
      isTimeout(answer(408, "")),
    ]).toEqual([true, true, true, true, true, true, true]);
  });
});

describe("the kind of a request without an answer", () => {
  const failed = (code: string, nested = false) =>
    connectionError(
      { method: "GET", path: "/v1/apps/web", secrets: [] },
      nested
        ? Object.assign(new Error("fetch failed"), { cause: { code } })
        : Object.assign(new Error(code), { code }),
      30_000,
    );

  it.each<[string, string, string]>([
    ["UND_ERR_SOCKET", "net.reset", "ECONNRESET"],
    ["ECONNRESET", "net.reset", "ECONNRESET"],
    ["EPIPE", "net.reset", "EPIPE"],
    ["UND_ERR_HEADERS_TIMEOUT", "net.timeout", "ETIMEDOUT"],
    ["UND_ERR_BODY_TIMEOUT", "net.timeout", "ETIMEDOUT"],
    ["ECONNREFUSED", "net.refused", "ECONNREFUSED"],
    ["ENOTFOUND", "net.dns", "ENOTFOUND"],
    ["EAI_AGAIN", "net.dns", "EAI_AGAIN"],
    ["UND_ERR_CONNECT_TIMEOUT", "net.connect_timeout", "UND_ERR_CONNECT_TIMEOUT"],
    ["EHOSTUNREACH", "net.failed", "EHOSTUNREACH"],
  ])("%s is %s", (code, kind, shownCode) => {
    expect([failed(code).kind, failed(code).code, failed(code).status]).toEqual([
      kind,
      shownCode,
      0,
    ]);
  });

  it("reads the code of the cause when the failure wraps one", () => {
    expect(failed("ECONNREFUSED", true).kind).toBe("net.refused");
  });
});

describe("where Fly's words are read", () => {
  it("is error-kinds.ts alone: no other source file matches an error's message", () => {
    const root = join(__dirname, "..", "..");
    const offenders: string[] = [];
    for (const dir of ["providers", "components", "stack-config", "rules"]) {
      for (const file of sourceFiles(join(root, dir))) {
        const text = readFileSync(file, "utf8");
        const reads =
          /\.test\([^)]*message[^)]*\)/.test(text) ||
          /message\.(includes|match|startsWith|endsWith|search)\(/.test(text);
        if (reads) offenders.push(relative(root, file));
      }
    }
    expect(offenders).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && entry.name !== "error-kinds.ts" ? [path] : [];
  });
}
