/**
 * The one error type the Fly Machines API client throws, and the predicates callers branch on.
 * Every error carries a `kind` (`error-kinds.ts`); the predicates read nothing else.
 *
 * A copy of this module that an older state carries (providers were once copied into the state)
 * makes errors that are not an `instanceof` this class: the predicates check `name` and `kind`.
 */
import { STATUS_CODES } from "node:http";
import { kindOfAnswer, kindOfConnectionFailure, type FlyErrorKind } from "./error-kinds";

export type { FlyErrorKind } from "./error-kinds";

/** What an error is about: the request that failed and, when an answer came back, its status. */
export interface FlyApiErrorDetails {
  /** What went wrong, as callers branch on it. */
  kind: FlyErrorKind;
  /** HTTP status; 0 when no response arrived (connection failure, timeout) or none applies. */
  status: number;
  /** Fly's machine-readable code (the body's `status`, e.g. `name_taken`) or the connection's. */
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
 * adds the method, path, status or kind, code and request id. The API token never appears in
 * any of it.
 */
export class FlyApiError extends Error {
  /** What went wrong (`fly.not_found`, `net.reset`, `client.wait_timeout`, ...). */
  readonly kind: FlyErrorKind;
  /** HTTP status; 0 when no answer arrived or none applies. */
  readonly status: number;
  /** Fly's code (`name_taken`, `insufficient_capacity`, ...) or the connection's (`ECONNRESET`). */
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
    // Set again: copies of this class that older states carry were rewritten by Pulumi's closure
    // serializer into a function whose `super` call sets nothing on `this`.
    this.message = message;
    if (details.cause !== undefined) this.cause = details.cause;
    this.name = "FlyApiError";
    this.kind = details.kind;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.method = details.method;
    this.path = details.path;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** One line with everything needed to find the failing call in Fly's logs. */
  override toString(): string {
    const outcome = this.status === 0 ? this.kind : `${this.status}`;
    const code = this.code ? ` ${this.code}` : "";
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
    typeof (e as { kind?: unknown }).kind === "string"
  );
}

/** Whether `e` is a client error of one of `kinds`. */
export function hasKind(e: unknown, ...kinds: readonly FlyErrorKind[]): boolean {
  return isFlyApiError(e) && kinds.includes(e.kind);
}

/** The app, machine, volume, secret or certificate does not exist (any more). */
export function isNotFound(e: unknown): boolean {
  return hasKind(e, "fly.not_found");
}

/**
 * Someone else holds the machine's lease: Fly said so, or the client gave up waiting for it.
 * Fly's other 409s (a taken machine name, say) are other kinds.
 */
export function isLeaseConflict(e: unknown): boolean {
  return hasKind(e, "fly.lease_conflict", "client.lease_held");
}

/** A machine with the requested name exists in the app already. */
export function isAlreadyExists(e: unknown): boolean {
  return hasKind(e, "fly.already_exists");
}

/** The (globally unique) app name belongs to someone already. */
export function isNameTaken(e: unknown): boolean {
  return hasKind(e, "fly.name_taken");
}

/** The request itself was rejected (400, 422); repeating it cannot help. */
export function isValidationError(e: unknown): boolean {
  return hasKind(e, "fly.bad_request", "fly.unprocessable", "fly.name_taken");
}

/** Fly's per-action rate limit was hit. */
export function isRateLimited(e: unknown): boolean {
  return hasKind(e, "fly.rate_limited");
}

/** Fly's 408, a request without an answer in time, or a wait that ran out of time. */
export function isTimeout(e: unknown): boolean {
  return hasKind(e, "fly.request_timeout", "net.timeout", "client.wait_timeout");
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
 * Builds the error for a non-2xx answer, of the kind `kindOfAnswer` gives it. Fly's body is
 * `{"error": "...", "status": "<code>"}`; fly-go also reads an optional `message` and prefers it.
 * A body that is not JSON becomes the message as it is (a proxy's HTML page, say); an empty body
 * gets the status text.
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
  const code = firstText(fields.status, fields.code);
  return new FlyApiError(redactSecrets(message, request.secrets), {
    kind: kindOfAnswer(request, response.status, code, message),
    status: response.status,
    code,
    requestId: response.requestId,
    method: request.method,
    path: request.path,
    retryAfterMs: response.retryAfterMs,
  });
}

/**
 * Builds the error for a request that got no answer, of the kind `kindOfConnectionFailure`
 * gives it. undici reports a socket the server closed as `UND_ERR_SOCKET` and its own timers as
 * `UND_ERR_*_TIMEOUT`; their code is given as the `ECONNRESET` and `ETIMEDOUT` people know. The
 * original error stays in `cause`.
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
    kind: kindOfConnectionFailure(typeof raw === "string" ? raw : undefined),
    status: 0,
    code,
    method: request.method,
    path: request.path,
    cause,
  });
}

/**
 * An error the client raises itself (a body that does not match its schema, a lease or a wait
 * it gave up on), about the request or the machine named in `about`.
 */
export function clientError(
  kind: Extract<FlyErrorKind, `client.${string}`>,
  message: string,
  about: { method: string; path: string; status?: number; requestId?: string },
): FlyApiError {
  return new FlyApiError(message, {
    kind,
    status: about.status ?? 0,
    requestId: about.requestId,
    method: about.method,
    path: about.path,
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
  return STATUS_CODES[status] ?? "HTTP error";
}
