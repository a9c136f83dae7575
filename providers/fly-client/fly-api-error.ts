/**
 * The one error type the Fly Machines API client throws, and the predicates callers branch on.
 *
 * Each dynamic provider carries its own serialized copy of this module, so an error thrown by one
 * copy is not an `instanceof` the class of another: every predicate here checks `name` and
 * properties instead.
 */

/** What an error is about: the request that failed and, when an answer came back, its status. */
export interface FlyApiErrorDetails {
  /** HTTP status; 0 when no response arrived (connection failure, timeout) or none applies. */
  status: number;
  /** Fly's machine-readable code (the body's `status` field, e.g. `name_taken`) or a client code. */
  code?: string;
  /** Value of the `fly-request-id` response header, for Fly support. */
  requestId?: string;
  method: string;
  /** Concrete request path without the query string, e.g. `/v1/apps/web/machines/148e`. */
  path: string;
  /** Delay the server asked for through `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A failed call to the Fly Machines API.
 *
 * `message` is Fly's own `message`/`error` text when the API answered with one; `toString()`
 * adds the method, path, status, code and request id. The API token never appears in any of it.
 *
 * Codes the client sets itself (status 0 unless noted): `ECONNRESET`, `ECONNREFUSED`, ... for
 * connection failures; `ETIMEDOUT` when no answer came in time; `invalid_response` (with the HTTP
 * status) when a body does not match its schema; `lease_held` (409) when a lease could not be
 * had in time; `wait_timeout` and `machine_failed` from the waits.
 */
export class FlyApiError extends Error {
  /** HTTP status; 0 when no answer arrived or none applies. */
  readonly status: number;
  /** Fly's code (`name_taken`, `insufficient_capacity`, ...) or one of the client's. */
  readonly code: string | undefined;
  /** `fly-request-id` of the failed answer. */
  readonly requestId: string | undefined;
  readonly method: string;
  /** Concrete path, without the query string. */
  readonly path: string;
  /** What the server's `Retry-After` asked for, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: FlyApiErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    // Pulumi's closure serializer rewrites this class as a plain function whose `super` call is
    // `Error.call(this, message)`, which sets nothing on `this`: inside the provider host the
    // message and cause would be empty unless assigned here.
    this.message = message;
    if (details.cause !== undefined) this.cause = details.cause;
    this.name = "FlyApiError";
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.method = details.method;
    this.path = details.path;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** One line with everything needed to find the failing call in Fly's logs. */
  override toString(): string {
    const outcome = this.status === 0 ? (this.code ?? "failed") : `${this.status}`;
    const code = this.status !== 0 && this.code ? ` ${this.code}` : "";
    const request = this.requestId ? ` (fly-request-id ${this.requestId})` : "";
    return `${this.name}: ${this.method} ${this.path} -> ${outcome}${code}: ${this.message}${request}`;
  }
}

/** Whether `e` was thrown by (any copy of) this client. */
export function isFlyApiError(e: unknown): e is FlyApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { name?: unknown }).name === "FlyApiError" &&
    typeof (e as { status?: unknown }).status === "number"
  );
}

/** 404: the app, machine, volume or certificate does not exist (any more). */
export function isNotFound(e: unknown): boolean {
  return isFlyApiError(e) && e.status === 404;
}

/**
 * 409 about a lease: someone else holds the machine's lease, or a mutation lacked its nonce.
 * Fly answers other clashes with 409 too (a taken machine name, a volume already attached), so
 * only Fly's lease wording or the client's own `lease_held` code counts.
 */
export function isLeaseConflict(e: unknown): boolean {
  return (
    isFlyApiError(e) &&
    e.status === 409 &&
    (e.code === "lease_held" || /lease currently held/i.test(e.message))
  );
}

/** 409 `already_exists: ...`: a machine with the requested name exists in the app already. */
export function isAlreadyExists(e: unknown): boolean {
  return (
    isFlyApiError(e) &&
    e.status === 409 &&
    (e.code === "already_exists" || /^already_exists\b/i.test(e.message))
  );
}

/** 422 `name_taken`: the (globally unique) app name belongs to someone already. */
export function isNameTaken(e: unknown): boolean {
  // Older servers send only the message text, without the `status` code.
  return (
    isFlyApiError(e) &&
    e.status === 422 &&
    (e.code === "name_taken" || /already been taken/i.test(e.message))
  );
}

/** 400 or 422: the request itself was rejected; repeating it cannot help. */
export function isValidationError(e: unknown): boolean {
  return isFlyApiError(e) && (e.status === 400 || e.status === 422);
}

/** 429: Fly's per-action rate limit was hit. */
export function isRateLimited(e: unknown): boolean {
  return isFlyApiError(e) && e.status === 429;
}

/** 408 from the server, a client-side request timeout, or a wait that ran out of time. */
export function isTimeout(e: unknown): boolean {
  return (
    isFlyApiError(e) &&
    (e.status === 408 || (e.status === 0 && (e.code === "ETIMEDOUT" || e.code === "wait_timeout")))
  );
}

/**
 * Replaces every occurrence of each secret in `text` with `[REDACTED]`, longest secret first so
 * that a header value (`Bearer <token>`) is scrubbed as a whole before the bare token.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const ordered = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of ordered) result = result.split(secret).join("[REDACTED]");
  return result;
}

/** The request an error is built for, as the transport knows it. */
export interface FailedRequest {
  method: string;
  path: string;
  /** Strings to scrub from any text that goes into the error (the token, the header value). */
  secrets: readonly string[];
}

/**
 * Builds the error for a non-2xx answer. Fly's body is `{"error": "...", "status": "<code>"}`;
 * fly-go also reads an optional `message` and prefers it. A body that is not JSON becomes the
 * message as it is (a proxy's HTML page, say); an empty body gets the status text.
 */
export function errorFromResponse(
  request: FailedRequest,
  response: { status: number; text: string; requestId?: string; retryAfterMs?: number },
): FlyApiError {
  const fields = parseObject(response.text);
  const flyMessage = firstText(fields.message, fields.error);
  const bodyText = response.text.trim();
  const message =
    flyMessage ??
    (bodyText === ""
      ? `${response.status} ${httpStatusText(response.status)} with an empty body`
      : bodyText.slice(0, 500));
  return new FlyApiError(redactSecrets(message, request.secrets), {
    status: response.status,
    code: firstText(fields.status, fields.code),
    requestId: response.requestId,
    method: request.method,
    path: request.path,
    retryAfterMs: response.retryAfterMs,
  });
}

/**
 * Builds the error for a request that got no answer. undici reports a socket the server closed
 * as `UND_ERR_SOCKET` and its own timers as `UND_ERR_*_TIMEOUT`; they are reported here as the
 * `ECONNRESET` and `ETIMEDOUT` callers already know. The original error stays in `cause`.
 */
export function connectionError(
  request: FailedRequest,
  cause: unknown,
  timeoutMs: number,
): FlyApiError {
  const failure = cause as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const raw = typeof failure?.code === "string" ? failure.code : failure?.cause?.code;
  let code = typeof raw === "string" ? raw : "ECONNFAILED";
  let message = `connection failed (${code})`;
  if (raw === "UND_ERR_SOCKET") {
    code = "ECONNRESET";
    message = "the server closed the connection without answering (ECONNRESET)";
  } else if (raw === "UND_ERR_HEADERS_TIMEOUT" || raw === "UND_ERR_BODY_TIMEOUT") {
    code = "ETIMEDOUT";
    message = `no answer within ${timeoutMs} ms`;
  } else if (typeof failure?.message === "string") {
    message += `: ${failure.message}`;
  }
  return new FlyApiError(redactSecrets(message, request.secrets), {
    status: 0,
    code,
    method: request.method,
    path: request.path,
    cause,
  });
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === "string" && v.trim() !== "");
}

function httpStatusText(status: number): string {
  const { STATUS_CODES } = require("node:http") as typeof import("node:http");
  return STATUS_CODES[status] ?? "HTTP error";
}
