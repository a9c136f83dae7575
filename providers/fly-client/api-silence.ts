/**
 * A wait's account of the API's silence. While a wait polls a machine, an answer that is not
 * about the machine at all (a 408, 429 or 5xx, a reset connection: `isUnanswered`) says nothing
 * about its health; the wait reads it as "no answer yet" and asks again until its own deadline.
 * Only when the API stayed silent up to that deadline does the wait fail, and then it says that
 * the API, not the machine, is what did not answer.
 */
import { clientError } from "./fly-api-error";
import type { FlyApiError } from "./fly-api-error";
import { isUnanswered } from "./retry-policy";

/** Pause before asking again after a wait's request went unanswered. */
export const SILENT_RETRY_MS = 250;

/** The unanswered polls of one wait since its last real answer. */
export interface ApiSilence {
  /** A real answer came: the silence is over. */
  answered(): void;
  /**
   * Records a failed poll. The API's silence is noted (a progress line on its first poll) and the
   * wait goes on; any other failure (404, 401, a body that does not parse) is thrown as it is.
   */
  heard(error: unknown): void;
  /** At the wait's deadline: throws `client.api_unanswered` when the last poll went unanswered. */
  throwIfUnanswered(timeoutMs: number): void;
}

/**
 * A fresh account for one wait, kept in a closure: no field initializers, which Pulumi's closure
 * serializer (for programs that still serialize providers) would drop.
 *
 * @param doing what the wait waits for (`waiting for its checks`), for progress lines
 * @param onProgress the wait's progress receiver
 */
export function apiSilence(
  app: string,
  id: string,
  doing: string,
  onProgress?: (message: string) => void,
): ApiSilence {
  let unanswered = 0;
  let last: FlyApiError | undefined;
  return {
    answered() {
      unanswered = 0;
      last = undefined;
    },
    heard(error) {
      if (!isUnanswered(error)) throw error;
      unanswered += 1;
      last = error as FlyApiError;
      if (unanswered === 1) {
        onProgress?.(
          `machine ${id}: the Fly API did not answer (${describe(last)}); still ${doing}`,
        );
      }
    },
    throwIfUnanswered(timeoutMs) {
      if (last === undefined) return;
      throw clientError(
        "client.api_unanswered",
        `machine ${id} in app ${app}: the Fly API did not answer while ${doing} ` +
          `until the ${timeoutMs} ms wait ran out (last: ${describe(last)}); the machine's own ` +
          "state and checks are unknown, not failing",
        { method: last.method, path: last.path, status: last.status, requestId: last.requestId },
      );
    },
  };
}

/** `503 injected fault: 503 from GET /v1/apps/a/machines/m`, or the failure without a status. */
function describe(error: FlyApiError): string {
  const status = error.status === 0 ? "" : `${error.status} `;
  return `${status}${error.message} from ${error.method} ${error.path}`;
}
