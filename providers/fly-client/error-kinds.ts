/**
 * Every failure the client reports gets one stable, namespaced kind, decided here and nowhere
 * else: `fly.*` for an answer from Fly (from its status, its body's code and, where Fly says no
 * more than a sentence, its wording), `net.*` for a request that got no answer, `client.*` for
 * what the client itself gave up on. Callers branch on the kind only; this is the one place that
 * reads Fly's message text.
 */

/** What went wrong, as callers branch on it. */
export type FlyErrorKind =
  // Answers from Fly.
  | "fly.bad_request" // 400
  | "fly.state_unreachable" // 400 from /wait: the machine can no longer reach the state
  | "fly.unauthorized" // 401: missing or invalid token
  | "fly.forbidden" // 403: the token may not see this app
  | "fly.not_found" // 404
  | "fly.request_timeout" // 408 (from /wait: not there yet)
  | "fly.lease_conflict" // 409: someone else holds the machine's lease
  | "fly.already_exists" // 409: a machine of that name exists in the app
  | "fly.conflict" // any other 409
  | "fly.precondition_failed" // 412: wrong state, volume still bound, stale version
  | "fly.volume_placement_capacity" // no host can place the volume as asked
  | "fly.name_taken" // 422: the app name belongs to someone already
  | "fly.unprocessable" // any other 422
  | "fly.rate_limited" // 429
  | "fly.insufficient_capacity" // the region has no room for the machine or volume
  | "fly.server_error" // 500 and 5xx without a kind of their own
  | "fly.bad_gateway" // 502
  | "fly.unavailable" // 503
  | "fly.gateway_timeout" // 504
  | "fly.unexpected_status" // any other status
  // Requests without an answer.
  | "net.reset" // the connection closed before an answer
  | "net.timeout" // no answer in time
  | "net.refused" // nothing listens at the address: the request was never sent
  | "net.dns" // the host name does not resolve: never sent
  | "net.connect_timeout" // no connection in time: never sent
  | "net.failed" // any other connection failure
  // The client's own verdicts.
  | "client.invalid_response" // an answer whose body does not match its schema
  | "client.lease_held" // gave up waiting for a lease someone else holds
  | "client.wait_timeout" // a machine did not reach a state, or health, in time
  | "client.machine_failed" // a machine stopped, failed or exited while being waited for
  | "client.api_unanswered"; // a wait's polls went unanswered by the API until its deadline

/** The request a failure belongs to, as far as classification needs it. */
export interface ClassifiedRequest {
  method: string;
  /** Concrete path, e.g. `/v1/apps/web/machines/148e/lease`. */
  path: string;
}

// Fly's body codes (`status` in ErrorResponse) that name the failure on their own.
const CODE_KINDS: Readonly<Record<string, FlyErrorKind>> = {
  name_taken: "fly.name_taken",
  insufficient_capacity: "fly.insufficient_capacity",
  volume_placement_capacity: "fly.volume_placement_capacity",
  already_exists: "fly.already_exists",
};

const STATUS_KINDS: Readonly<Record<number, FlyErrorKind>> = {
  400: "fly.bad_request",
  401: "fly.unauthorized",
  403: "fly.forbidden",
  404: "fly.not_found",
  408: "fly.request_timeout",
  409: "fly.conflict",
  412: "fly.precondition_failed",
  422: "fly.unprocessable",
  429: "fly.rate_limited",
  500: "fly.server_error",
  502: "fly.bad_gateway",
  503: "fly.unavailable",
  504: "fly.gateway_timeout",
};

const LEASE_PATH = /\/machines\/[^/]+\/lease$/;
const WAIT_PATH = /\/machines\/[^/]+\/wait$/;

/**
 * The kind of an answer with a non-2xx `status`. Fly's body code decides when it has one; 409s
 * and some 400s and 422s carry only a sentence, and the sentences Fly is known to send are read
 * here: `aborted: machine ID … lease currently held by …` (a lease conflict), `already_exists: …`
 * (a taken machine name), `Validation failed: Name has already been taken` (older servers'
 * name_taken), `machine failed to reach desired state` (a wait that cannot succeed).
 */
export function kindOfAnswer(
  request: ClassifiedRequest,
  status: number,
  code: string | undefined,
  message: string,
): FlyErrorKind {
  const byCode = code === undefined ? undefined : CODE_KINDS[code];
  if (byCode !== undefined) return byCode;
  if (status === 409) {
    // Any 409 to the lease endpoint means someone else holds the lease.
    if (LEASE_PATH.test(request.path) || /lease currently held/i.test(message)) {
      return "fly.lease_conflict";
    }
    if (/^already_exists\b/i.test(message)) return "fly.already_exists";
  }
  if (status === 422 && /already been taken/i.test(message)) return "fly.name_taken";
  if (
    status === 400 &&
    WAIT_PATH.test(request.path) &&
    /failed to reach desired state/i.test(message)
  ) {
    return "fly.state_unreachable";
  }
  return STATUS_KINDS[status] ?? (status >= 500 ? "fly.server_error" : "fly.unexpected_status");
}

// Node's and undici's codes for a request that got no answer, by kind.
const CONNECTION_KINDS: Readonly<Record<string, FlyErrorKind>> = {
  ECONNRESET: "net.reset",
  EPIPE: "net.reset",
  UND_ERR_SOCKET: "net.reset",
  ETIMEDOUT: "net.timeout",
  UND_ERR_HEADERS_TIMEOUT: "net.timeout",
  UND_ERR_BODY_TIMEOUT: "net.timeout",
  ECONNREFUSED: "net.refused",
  ENOTFOUND: "net.dns",
  EAI_AGAIN: "net.dns",
  UND_ERR_CONNECT_TIMEOUT: "net.connect_timeout",
};

/** The kind of a request that got no answer, from the code Node or undici gave the failure. */
export function kindOfConnectionFailure(code: string | undefined): FlyErrorKind {
  return (code === undefined ? undefined : CONNECTION_KINDS[code]) ?? "net.failed";
}
