/**
 * Creates a resource at most once even when the answer to the create is lost.
 *
 * The Machines API has no idempotency key, so a create that failed ambiguously (408, 5xx, reset
 * connection, timeout) may have happened anyway. flyctl's answer, copied here: look for what the
 * attempt may have made (a machine by an ownership tag in its metadata, an app by name, ...) after
 * a short pause, because list reads lag writes; adopt it if found, and only otherwise send the
 * create again. Start, stop and restart use the same loop with the machine's state as the proof
 * (see `machine-lifecycle.ts`).
 */
import { isFlyApiError } from "./fly-api-error";
import { isAmbiguousFailure, isRetryable, nextRetryDelayMs } from "./retry-policy";
import type { ClientContext } from "./call-options";

/** How to create one kind of resource and how to recognise it afterwards. */
export interface AdoptableCreate<T> {
  /** Sends the create once (the transport must not retry it on ambiguous failures). */
  create: () => Promise<T>;
  /** Looks up what an earlier attempt may have made; undefined when there is nothing. */
  find: () => Promise<T | undefined>;
  /**
   * Whether an error of a repeated attempt proves an earlier attempt succeeded, e.g. the app
   * name is taken right after our own ambiguous attempt to take it.
   */
  provesEarlierSuccess?: (error: unknown) => boolean;
  signal?: AbortSignal;
}

/**
 * Runs `spec.create`, adopting what an ambiguous failure left behind instead of repeating it
 * blindly. Attempts and total time are bounded by the client's retry options.
 */
export async function createOrAdopt<T>(ctx: ClientContext, spec: AdoptableCreate<T>): Promise<T> {
  const startedMs = ctx.clock.now();
  let earlierAttemptWasAmbiguous = false;
  for (let retries = 0; ; retries++) {
    let failure: unknown;
    try {
      return await spec.create();
    } catch (error) {
      failure = error;
    }
    if (earlierAttemptWasAmbiguous && spec.provesEarlierSuccess?.(failure) === true) {
      const found = await findOrThrow(spec, failure);
      if (found !== undefined) return found;
      throw failure;
    }
    if (!isFlyApiError(failure) || !isAmbiguousFailure(failure)) throw failure;
    earlierAttemptWasAmbiguous = true;
    await ctx.clock.sleep(ctx.retry.adoptLookupDelayMs, spec.signal);
    const found = await findOrThrow(spec, failure);
    if (found !== undefined) return found;
    if (!isRetryable(failure)) throw failure;
    const state = {
      retriesSoFar: retries,
      elapsedMs: ctx.clock.now() - startedMs,
      retryAfterMs: failure.retryAfterMs,
    };
    const delayMs = nextRetryDelayMs(state, ctx.retry);
    if (delayMs === undefined) throw failure;
    ctx.onRetry?.({
      method: failure.method,
      path: failure.path,
      attempt: retries + 1,
      delayMs,
      status: failure.status,
      kind: failure.kind,
    });
    await ctx.clock.sleep(delayMs, spec.signal);
  }
}

/** A lookup that fails leaves the create's own failure as the error worth reporting. */
async function findOrThrow<T>(spec: AdoptableCreate<T>, failure: unknown): Promise<T | undefined> {
  try {
    return await spec.find();
  } catch {
    if (spec.signal?.aborted) throw spec.signal.reason;
    throw failure;
  }
}
