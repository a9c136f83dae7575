/** One API request as the emulator saw and answered it. */
export interface RequestLogEntry {
  seq: number;
  /** Unix ms when the request arrived (emulator clock). */
  time: number;
  method: string;
  path: string;
  /** The spec route template, e.g. `/v1/apps/{app_name}/machines`; `null` for unknown paths. */
  route: string | null;
  status: number;
  duration_ms: number;
  request_id: string;
  /**
   * Tokens Fly's rate-limit bucket for the request's action and scope held when it arrived, when
   * limits are on and the route has one: below 1 means 429, so the least value a client's
   * requests saw is how much room its pacing left.
   */
  rate_tokens?: number;
  /** The injected fault that answered it, if any. */
  fault?: string;
}

/** The request log behind `GET /__emulator/requests`: every API call, with counts per route. */
export class RequestLog {
  private seq = 0;
  private readonly listeners = new Set<(entry: RequestLogEntry) => void>();
  entries: RequestLogEntry[] = [];

  /** Records a request (before its answer is sent). */
  record(entry: Omit<RequestLogEntry, "seq">): void {
    const recorded = { seq: ++this.seq, ...entry };
    this.entries.push(recorded);
    for (const listener of [...this.listeners]) listener(recorded);
  }

  /**
   * Calls `listener` with each request as it is recorded, before its answer is sent, so that a
   * test acts at exactly that point (kills a client that Fly has just answered, for instance).
   * Returns the function that stops it.
   */
  watch(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counts keyed by `METHOD template` (or `METHOD path` for unknown routes). */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) {
      const key = `${e.method} ${e.route ?? e.path}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** The log as the control API returns it. */
  toJSON(): { total: number; counts: Record<string, number>; entries: RequestLogEntry[] } {
    return { total: this.entries.length, counts: this.counts(), entries: this.entries };
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries = [];
  }
}
