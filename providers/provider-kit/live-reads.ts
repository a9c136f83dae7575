/**
 * What the diffs of one provider host read of Fly, shared: one list of an app's machines (or
 * volumes) serves every diff of a machine (or volume) of that app, and what a refresh's Read
 * just read serves the Diff the engine asks right after it.
 *
 * Why sharing is needed at all: the engine asks Diff one resource at a time (Pulumi's step
 * generator calls it serially as each registration arrives, and so does `engine/`), so the diffs
 * of one app never overlap and a list shared only while in flight would serve one diff.
 *
 * Why a kept answer is as good as a read made by the diff itself:
 * - A kept answer is used only while this process has made no write since the read was sent
 *   that could change it (`fly-client/write-marks.ts`: the transport marks every write as it is
 *   sent and as it settles, on the machine it addresses or else on the whole app). So everything
 *   this stack itself did before the diff is in the answer, or the answer is not used.
 * - What anyone else changes on Fly between the read and the diff (a machine stopped by hand, a
 *   check turning critical) is missed exactly as if the diff had read a moment earlier; a change
 *   after any read is missed the same way. The next `up` sees it. `update` reads live again
 *   before it acts, so nothing is ever written from a kept answer.
 * - A list is only trusted to say that nothing needs doing (`settled`). A record it lacks, one on
 *   its way out, or one that differs from the program is read again with the resource's own GET,
 *   whose answer decides: Fly's lists can lag a write made moments earlier (flyctl waits before
 *   listing after a create for that reason), so a list alone never declares a resource gone or
 *   drifted.
 * - Each answer serves one diff of a resource: a resource diffed again in the same host (the
 *   engine's second look at a dependent of a replacement) reads itself anew.
 * - Never across operations: the answers live in the provider host's memory, and Pulumi starts a
 *   host per operation (preview, up, refresh, destroy), as `engine/` does.
 *
 * The answers live on `globalThis` under a registered symbol, for the reason
 * `fly-client/process-state.ts` gives: every copy of the providers in one host shares them.
 */
import { currentWriteMark, writtenSince } from "../fly-client/write-marks";

/** An answer and the write mark taken just before its request was sent. */
interface Kept {
  readonly mark: number;
  readonly answer: Promise<unknown>;
  /** Set once the answer has arrived: from then on it is an earlier read, not this one. */
  answered?: boolean;
}

interface LiveReads {
  /** Lists by `app kind`; single answers by `app kind id`. */
  readonly lists: Map<string, Kept>;
  readonly singles: Map<string, Kept>;
  /** Resources (`app kind id`) whose diff has been served. */
  readonly served: Set<string>;
}

const LIVE_READS_KEY = "openclaw-fly.provider-kit.live-reads.v1";

function liveReads(): LiveReads {
  const registry = globalThis as unknown as Record<symbol, LiveReads | undefined>;
  const key = Symbol.for(LIVE_READS_KEY);
  return (registry[key] ??= { lists: new Map(), singles: new Map(), served: new Set() });
}

/** The resource a diff reads: what it is, and how to read it. */
export interface LiveRead<T> {
  readonly app: string;
  /** `machines`, `volumes`, `secrets`, ...: answers of one kind serve only that kind. */
  readonly kind: string;
  readonly id: string;
  /** Whether writes to this resource are marked on it alone (machines: see write-marks.ts). */
  readonly machine?: boolean;
  /** The resource's own read: a GET, or undefined when it does not exist. */
  get(): Promise<T | undefined>;
  /** The app's list of this kind (records with an `id`), when one can stand in for the GET. */
  list?(): Promise<readonly T[]>;
  /** Whether a listed record shows nothing to act on; anything else is read again with `get`. */
  settled?(record: T): boolean;
  /**
   * `get` reads the same list (no GET exists for the resource, as for IP assignments): a list
   * this diff asked for itself (or joined in flight) is then already its own read.
   */
  getIsList?: boolean;
}

/**
 * The resource as a diff should judge it: what Read kept of it, else its record in the app's
 * shared list when that shows nothing to act on, else its own GET.
 */
export async function readForDiff<T>(read: LiveRead<T>): Promise<T | undefined> {
  const state = liveReads();
  const key = `${read.app} ${read.kind} ${read.id}`;
  if (state.served.has(key)) return read.get();
  state.served.add(key);
  const scope = read.machine === true ? read.id : undefined;
  const kept = state.singles.get(key);
  if (kept !== undefined) {
    state.singles.delete(key);
    if (!writtenSince(kept.mark, read.app, scope)) return (await kept.answer) as T | undefined;
  }
  if (read.list !== undefined && read.settled !== undefined) {
    const listed = await sharedList(read.app, read.kind, read.list);
    if (listed !== undefined && !writtenSince(listed.mark, read.app, scope)) {
      const record = listed.records.find((candidate) => idOf(candidate) === read.id);
      if (record !== undefined && read.settled(record)) return record;
      if (read.getIsList === true && listed.now) return record;
    }
  }
  return read.get();
}

function idOf(record: unknown): unknown {
  return typeof record === "object" && record !== null
    ? (record as { id?: unknown }).id
    : undefined;
}

/**
 * Read's own read of a resource (`read()` of the provider), kept for the Diff that a refresh
 * asks next. The answer is the caller's either way; a failure is never kept.
 */
export function readAndKeep<T>(
  read: Pick<LiveRead<T>, "app" | "kind" | "id">,
  get: () => Promise<T>,
): Promise<T> {
  const { singles } = liveReads();
  const key = `${read.app} ${read.kind} ${read.id}`;
  const mark = currentWriteMark();
  const answer = get();
  const kept: Kept = { mark, answer };
  singles.set(key, kept);
  answer.catch(() => {
    if (singles.get(key) === kept) singles.delete(key);
  });
  return answer;
}

/**
 * The app's list of `kind` as last read with no write to the app since, or a new read of it
 * (shared while in flight), and whether it was read for this call (`now`: not answered before
 * it); undefined when the list cannot be read (the caller reads itself).
 */
async function sharedList<T>(
  app: string,
  kind: string,
  list: () => Promise<readonly T[]>,
): Promise<{ records: readonly T[]; mark: number; now: boolean } | undefined> {
  const { lists } = liveReads();
  const key = `${app} ${kind}`;
  let kept = lists.get(key);
  if (kept === undefined || writtenSince(kept.mark, app)) {
    const entry: Kept = { mark: currentWriteMark(), answer: list() };
    entry.answer.then(
      () => (entry.answered = true),
      () => undefined,
    );
    lists.set(key, entry);
    kept = entry;
  }
  const now = kept.answered !== true;
  try {
    return { records: (await kept.answer) as readonly T[], mark: kept.mark, now };
  } catch {
    // A failed list is not kept; the diff's own GET says what is wrong, if anything is.
    if (lists.get(key) === kept) lists.delete(key);
    return undefined;
  }
}
