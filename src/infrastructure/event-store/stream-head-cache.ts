import type { StreamHead } from './event-store';

/** Enough for every live key and recent resource; past it the cache starts over rather than grow. */
const DEFAULT_MAX_STREAMS = 50_000;

/**
 * How stale a head may be with respect to another process's commits (`edgepay keys revoke` among them):
 * the check for them costs a SQLite read transaction (file-lock system calls), so it runs at most this
 * often instead of on every lookup (docs/decisions/0026).
 */
export const OTHER_WRITERS_CHECK_MS = 20;

export interface StreamHeadCacheOptions {
  /** Changes whenever another connection has committed (SQLite's `PRAGMA data_version`). */
  writesByOthers: () => number;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
  checkEveryMs?: number;
  maxStreams?: number;
}

/**
 * Stream heads read from one SQLite connection, kept while nothing can have moved them. This connection's
 * own appends drop the head of their stream at once; a commit by any other connection (another process)
 * drops them all within `checkEveryMs`, when the next lookup sees `writesByOthers()` changed (data_version
 * ignores the connection's own commits, so the appends of this process never clear the cache).
 */
export class StreamHeadCache {
  /** `null`: the stream has no events; one lookup answers both questions. */
  private readonly heads = new Map<string, StreamHead | null>();
  private readonly writesByOthers: () => number;
  private readonly now: () => number;
  private readonly checkEveryMs: number;
  private readonly maxStreams: number;
  private othersMark: number | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(options: StreamHeadCacheOptions) {
    this.writesByOthers = options.writesByOthers;
    this.now = options.now ?? (() => performance.now());
    this.checkEveryMs = options.checkEveryMs ?? OTHER_WRITERS_CHECK_MS;
    this.maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  }

  headOf(streamName: string, read: () => StreamHead | undefined): StreamHead | undefined {
    this.dropIfOthersWrote();
    const known = this.heads.get(streamName);
    if (known !== undefined) return known ?? undefined;
    const head = read();
    if (this.heads.size >= this.maxStreams) this.heads.clear();
    this.heads.set(streamName, head ?? null);
    return head;
  }

  /** Before this connection appends to the stream: until it knows the outcome, the head is read again. */
  forget(streamName: string): void {
    this.heads.delete(streamName);
  }

  /** After this connection's own append committed at `head`. */
  remember(streamName: string, head: StreamHead): void {
    this.dropIfOthersWrote();
    if (this.heads.size >= this.maxStreams) this.heads.clear();
    this.heads.set(streamName, head);
  }

  private dropIfOthersWrote(): void {
    const now = this.now();
    if (now - this.checkedAt < this.checkEveryMs) return;
    // Read before any head read that follows, so a commit in between is caught by the next check.
    const mark = this.writesByOthers();
    this.checkedAt = now;
    if (mark === this.othersMark) return;
    this.heads.clear();
    this.othersMark = mark;
  }
}
