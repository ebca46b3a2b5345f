import { computeEventHash, streamAnchor, type ChainContent } from '../infrastructure/event-store/hash-chain';

/** How a stream's history differs from what its chain (or a checkpoint) says it was. */
export type ChainBreakKind =
  'edited' | 'reordered' | 'deleted' | 'inserted' | 'stream_deleted' | 'rewritten' | 'bad_signature';

export interface ChainBreak {
  kind: ChainBreakKind;
  streamName?: string;
  revision?: number;
  detail: string;
}

export interface StreamHead {
  streamName: string;
  revision: number;
  hash: string;
}

/** An event as the verifier needs it: its chain content plus, when stored, the hashes it carries. */
export type VerifiableEvent = ChainContent;

interface StreamState {
  nextRevision: number;
  previousHash: string;
  chained: boolean;
  /** Events written before the chain existed, at the start of the stream. */
  unchained: number;
  /** After a break: the hashes since just before it, any of which the next event may rightly chain on. */
  recent?: Set<string>;
}

/** How far to look for the revision an event was really written at, when its hash matches another one. */
const REORDER_SEARCH = 16;

const short = (hash: string | undefined): string => (hash ? hash.slice(0, 12) : 'none');

/**
 * Recomputes the chain of every stream from events fed in stream order (streams may interleave, as in $all).
 * Each break is reported once, then the chain resumes from the event's own stored hash, so one edit does not
 * make every later event of the stream look broken.
 */
export class ChainVerifier {
  private readonly streams = new Map<string, StreamState>();
  /** Heads a signed checkpoint holds: the chain must pass through each of them. */
  private readonly expected = new Map<string, StreamHead>();
  private expectedFrom = '';
  readonly breaks: ChainBreak[] = [];
  eventCount = 0;

  /** `partial`: the events may start after revision 0 (an export cut by time); the first one is trusted as a start. */
  constructor(private readonly options: { partial?: boolean } = {}) {}

  add(event: VerifiableEvent): void {
    this.eventCount += 1;
    const state = this.streams.get(event.streamName) ?? this.startStream(event);
    const breaksBefore = this.breaks.length;
    const previousBefore = state.previousHash;
    const stored = event.metadata.hash;
    if (event.revision < state.nextRevision) {
      this.report(
        event,
        'reordered',
        `revision ${event.revision} comes after revision ${state.nextRevision - 1}`,
      );
    } else if (event.revision > state.nextRevision) {
      const missing =
        event.revision - 1 === state.nextRevision
          ? `revision ${state.nextRevision} is missing`
          : `revisions ${state.nextRevision}..${event.revision - 1} are missing`;
      this.report(event, 'deleted', missing);
    } else if (stored === undefined) {
      if (state.chained) this.report(event, 'inserted', 'an event without a chain hash after chained events');
      else state.unchained += 1;
    } else {
      this.checkChained(event, state, stored);
    }
    state.chained ||= stored !== undefined;
    state.nextRevision = Math.max(state.nextRevision, event.revision + 1);
    state.previousHash =
      stored ??
      computeEventHash({ ...event, metadata: { ...event.metadata, previousHash: state.previousHash } });
    if (this.breaks.length > breaksBefore) {
      state.recent ??= new Set([previousBefore]);
      state.recent.add(state.previousHash);
    } else {
      delete state.recent;
    }
    this.checkExpectedHead(event, state.previousHash);
  }

  private checkExpectedHead(event: VerifiableEvent, hash: string): void {
    const head = this.expected.get(event.streamName);
    if (head?.revision !== event.revision) return;
    this.expected.delete(event.streamName);
    if (head.hash !== hash) {
      this.report(
        event,
        'rewritten',
        `${this.expectedFrom} holds hash ${short(head.hash)} at this revision, the history now gives ${short(hash)}`,
      );
    }
  }

  /** Checks, while the events go by, that each stream passes through the head `source` recorded for it. */
  expectHeads(heads: readonly StreamHead[], source: string): void {
    this.expectedFrom = source;
    for (const head of heads) this.expected.set(head.streamName, head);
  }

  /**
   * Reports the checkpointed heads the events never reached; call once, after the last event. `reportMissing`
   * false for a history cut by time, which need not reach them.
   */
  finish(reportMissing = true): ChainBreak[] {
    for (const head of reportMissing ? this.expected.values() : []) {
      const state = this.streams.get(head.streamName);
      if (!state) {
        this.breaks.push({
          kind: 'stream_deleted',
          streamName: head.streamName,
          revision: head.revision,
          detail: `${this.expectedFrom} holds the stream up to revision ${head.revision}; it is gone`,
        });
      } else if (state.nextRevision <= head.revision) {
        this.breaks.push({
          kind: 'deleted',
          streamName: head.streamName,
          revision: state.nextRevision,
          detail: `${this.expectedFrom} holds the stream up to revision ${head.revision}; it ends at ${state.nextRevision - 1}`,
        });
      }
    }
    this.expected.clear();
    return this.breaks;
  }

  heads(): StreamHead[] {
    return [...this.streams].map(([streamName, state]) => ({
      streamName,
      revision: state.nextRevision - 1,
      hash: state.previousHash,
    }));
  }

  head(streamName: string): StreamHead | undefined {
    const state = this.streams.get(streamName);
    return state && { streamName, revision: state.nextRevision - 1, hash: state.previousHash };
  }

  /** Heads of the streams whose events were all written before the chain existed (hashes computed). */
  legacyHeads(): StreamHead[] {
    return [...this.streams]
      .filter(([, state]) => !state.chained)
      .map(([streamName, state]) => ({
        streamName,
        revision: state.nextRevision - 1,
        hash: state.previousHash,
      }));
  }

  /** Streams that still hold events written before the chain existed. */
  unchainedEvents(): number {
    return [...this.streams.values()].reduce((sum, state) => sum + state.unchained, 0);
  }

  private startStream(event: VerifiableEvent): StreamState {
    const resumes = this.options.partial && event.revision > 0 && event.metadata.previousHash !== undefined;
    const state: StreamState = {
      nextRevision: resumes ? event.revision : 0,
      previousHash: resumes ? event.metadata.previousHash! : streamAnchor(event.streamName),
      chained: false,
      unchained: 0,
    };
    this.streams.set(event.streamName, state);
    return state;
  }

  private checkChained(event: VerifiableEvent, state: StreamState, stored: string): void {
    const computed = computeEventHash(event);
    if (computed !== stored) {
      const writtenAt = this.revisionWrittenAt(event, stored);
      if (writtenAt !== undefined) {
        this.report(event, 'reordered', `the event found here was written at revision ${writtenAt}`);
      } else {
        this.report(
          event,
          'edited',
          `its content (type, data or metadata) hashes to ${short(computed)}, its recorded hash is ${short(stored)}`,
        );
      }
      return;
    }
    const previous = event.metadata.previousHash;
    if (previous !== state.previousHash && !(previous !== undefined && state.recent?.has(previous))) {
      this.report(
        event,
        state.chained || event.revision > 0 ? 'inserted' : 'rewritten',
        `it was chained on ${short(event.metadata.previousHash)}, the event before it ends the chain at ${short(state.previousHash)}`,
      );
    }
  }

  private revisionWrittenAt(event: VerifiableEvent, stored: string): number | undefined {
    for (let offset = 1; offset <= REORDER_SEARCH; offset += 1) {
      for (const revision of [event.revision + offset, event.revision - offset]) {
        if (revision >= 0 && computeEventHash({ ...event, revision }) === stored) return revision;
      }
    }
    return undefined;
  }

  private report(event: VerifiableEvent, kind: ChainBreakKind, detail: string): void {
    this.breaks.push({ kind, streamName: event.streamName, revision: event.revision, detail });
  }
}
