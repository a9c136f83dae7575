/**
 * Sends one Machines API request: pacing, the HTTP exchange over undici, per-request timeout and
 * abort, error mapping, response validation and the retry loop. Everything above this file
 * describes calls as `FlyRequest`s and never touches HTTP.
 */
import type { Dispatcher } from "undici";
import { request as undiciRequest } from "undici";
import type * as Zod from "zod";
import { authorizationHeader } from "./credentials";
import {
  clientError,
  connectionError,
  errorFromResponse,
  hasKind,
  isFlyApiError,
  redactSecrets,
} from "./fly-api-error";
import type { FlyApiError } from "./fly-api-error";
import type { FailedRequest, FlyErrorKind } from "./fly-api-error";
import type { Clock } from "./call-options";
import type { Pacer } from "./pacing";
import { sharedDispatcher } from "./process-state";
import { nextRetryDelayMs, parseRetryAfterMs, shouldRetry } from "./retry-policy";
import type { RetryOptions } from "./retry-policy";
import { markWrite } from "./write-marks";

/** HTTP methods the Machines API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One Machines API call, described by the resource modules. */
export interface FlyRequest<T> {
  method: HttpMethod;
  /** Path template below the base URL, e.g. `/v1/apps/{app}/machines/{machine}`. */
  path: string;
  /** Values for the template's `{placeholders}`; URL-encoded when substituted. */
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON request body. */
  body?: unknown;
  /** Schema of the success body; without one the body is read and ignored. */
  schema?: Zod.ZodType<T>;
  /** Pacing bucket: the kind of request and the app name or machine id it counts against. */
  action: string;
  scope: string;
  /** Whether sending the request twice is harmless, so ambiguous failures may be retried. */
  idempotent: boolean;
  /** Hand a 408 straight back: `/wait` answers 408 to mean "not yet". */
  noRetryOn408?: boolean;
  /** Sent as `fly-machine-lease-nonce`. */
  leaseNonce?: string;
  /** Overrides the client's per-request timeout (long polls need more). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** More strings to keep out of error text, e.g. secret values being written. */
  redact?: readonly string[];
}

/** What `onRetry` hears before each retry. */
export interface RetryInfo {
  method: string;
  path: string;
  /** Number of the attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  /** HTTP status of the failed attempt; 0 when no answer came. */
  status: number;
  /** What went wrong (`fly.rate_limited`, `net.reset`, ...). */
  kind: FlyErrorKind;
}

/** What the transport needs from the client options. */
export interface TransportOptions {
  baseUrl: string;
  token: string;
  dispatcher?: Dispatcher;
  retry: RetryOptions;
  pacer?: Pacer;
  requestTimeoutMs: number;
  userAgent: string;
  onRetry?: (info: RetryInfo) => void;
  /** Measures the retry budget and times the pauses between attempts. */
  clock: Clock;
}

/** Sends a request and resolves with its validated body (or undefined without a schema). */
export type Send = <T = void>(request: FlyRequest<T>) => Promise<T>;

/** Builds the `send` function every resource module calls. */
export function createTransport(options: TransportOptions): Send {
  const authorization = authorizationHeader(options.token);
  const bareToken = authorization.replace(/^(FlyV1|Bearer) /, "");
  const secrets = [authorization, options.token, bareToken, ...bareToken.split(",")];

  async function attempt<T>(request: FlyRequest<T>, url: string, failed: FailedRequest) {
    const timeoutMs = request.timeoutMs ?? options.requestTimeoutMs;
    const headers: Record<string, string> = {
      authorization,
      accept: "application/json",
      "user-agent": options.userAgent,
    };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    if (request.leaseNonce !== undefined) headers["fly-machine-lease-nonce"] = request.leaseNonce;
    let exchange: { status: number; text: string; headers: Record<string, unknown> };
    try {
      const response = await undiciRequest(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: request.signal,
        // undici's own timers: far cheaper per request than an AbortController and a timer.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        dispatcher: options.dispatcher ?? sharedDispatcher(),
      });
      const text = await response.body.text();
      exchange = { status: response.statusCode, text, headers: response.headers };
    } catch (cause) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw connectionError(failed, cause, timeoutMs);
    }
    const requestId = headerText(exchange.headers["fly-request-id"]);
    if (exchange.status < 200 || exchange.status > 299) {
      const retryAfter = headerText(exchange.headers["retry-after"]);
      throw errorFromResponse(failed, {
        status: exchange.status,
        text: exchange.text,
        requestId,
        retryAfterMs: parseRetryAfterMs(retryAfter, options.clock.now()),
      });
    }
    if (request.schema === undefined) return undefined as T;
    const invalid = (detail: string): FlyApiError =>
      clientError(
        "client.invalid_response",
        redactSecrets(
          `${request.method} ${request.path} returned an unexpected response: ${detail}`,
          failed.secrets,
        ),
        { status: exchange.status, requestId, method: failed.method, path: failed.path },
      );
    let body: unknown = undefined;
    if (exchange.text.trim() !== "") {
      try {
        body = JSON.parse(exchange.text);
      } catch {
        throw invalid("the body is not JSON");
      }
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) throw invalid(describeIssues(parsed.error.issues));
    return parsed.data;
  }

  return async function send<T>(request: FlyRequest<T>): Promise<T> {
    if (request.method === "GET") return exchange(request);
    // Marked as sent and as settled: a read begun in between may or may not show the write.
    const target = { app: request.params?.app, machine: request.params?.machine };
    markWrite(target);
    try {
      return await exchange(request);
    } finally {
      markWrite(target);
    }
  };

  async function exchange<T>(request: FlyRequest<T>): Promise<T> {
    const path = fillPath(request.path, request.params ?? {});
    const url = options.baseUrl + path + queryString(request.query);
    const failed: FailedRequest = {
      method: request.method,
      path,
      secrets: [...secrets, ...(request.redact ?? [])],
    };
    const startedMs = options.clock.now();
    for (let retries = 0; ; retries++) {
      await options.pacer?.acquire(request.action, request.scope, request.signal);
      try {
        return await attempt(request, url, failed);
      } catch (error) {
        const retryable =
          isFlyApiError(error) &&
          shouldRetry(error, request) &&
          !(request.noRetryOn408 === true && hasKind(error, "fly.request_timeout"));
        if (!retryable) throw error;
        const elapsedMs = options.clock.now() - startedMs;
        const state = { retriesSoFar: retries, elapsedMs, retryAfterMs: error.retryAfterMs };
        const delayMs = nextRetryDelayMs(state, options.retry);
        if (delayMs === undefined) throw error;
        options.onRetry?.({
          method: request.method,
          path,
          attempt: retries + 1,
          delayMs,
          status: error.status,
          kind: error.kind,
        });
        await options.clock.sleep(delayMs, request.signal);
      }
    }
  }
}

/** Substitutes `{name}` placeholders with URL-encoded values. */
function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === "") {
      throw new Error(`${template}: path parameter "${name}" must be a non-empty string`);
    }
    return encodeURIComponent(value);
  });
}

function queryString(query: FlyRequest<unknown>["query"]): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.append(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

function headerText(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** `field "checks[0].status": Invalid input: expected string, received number` (first three). */
function describeIssues(issues: readonly Zod.core.$ZodIssue[]): string {
  const described = issues.slice(0, 3).map((issue) => {
    const field = issue.path
      .map((key, i) =>
        typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`,
      )
      .join("");
    return `${field === "" ? "the body" : `field "${field}"`}: ${issue.message}`;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  return described.join("; ") + more;
}
