import { hash } from 'node:crypto';
import type { EventMetadata, NewEvent } from './event-store';

/**
 * The tamper-evident chain every stream carries in its events' metadata: `hash` commits to the event's
 * canonical content, which includes `previousHash`, so a stream's head hash commits to its whole history.
 * Pure: used by both event store adapters when appending, and by audit export and verify.
 */

export type ChainedMetadata = EventMetadata & { previousHash: string; hash: string };

/** What an event's hash covers. `metadata` is everything but `hash` (so it includes `previousHash`). */
export interface ChainContent {
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata & { previousHash?: string; hash?: string };
}

/**
 * Keys repeat from event to event (`deliveryId`, `occurredAt`): each is escaped once. Only short keys are
 * kept, and at most this many, since a caller's metadata can bring keys of its own: about a megabyte at most.
 */
const QUOTED_KEYS_KEPT = 10_000;
const QUOTED_KEY_MAX_LENGTH = 64;
const quotedKeys = new Map<string, string>();
const quotedKey = (key: string): string => {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (key.length <= QUOTED_KEY_MAX_LENGTH && quotedKeys.size < QUOTED_KEYS_KEPT)
      quotedKeys.set(key, quoted);
  }
  return quoted;
};

/**
 * JSON with object keys sorted at every level and undefined members left out, as a stored event reads back.
 * Written with loops and one string rather than map/filter/join: it runs for every appended event. Its
 * output is what every stored hash commits to, so it must never change (test/infrastructure/hash-chain.spec.ts
 * holds it to the reference form).
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  keys.sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = record[key];
    if (item === undefined) continue;
    if (first) first = false;
    else out += ',';
    out += quotedKey(key);
    out += ':';
    out += canonicalJson(item);
  }
  return out + '}';
};

const sha256 = (text: string): string => hash('sha256', text, 'hex');

/** The previousHash of a stream's first event: the stream's name, so an event cannot move to another stream unseen. */
export const streamAnchor = (streamName: string): string => sha256(canonicalJson({ anchor: streamName }));

export const withoutChain = (metadata: ChainContent['metadata']): EventMetadata => {
  const { hash: _hash, previousHash: _previousHash, ...rest } = metadata;
  return rest;
};

export const computeEventHash = (event: ChainContent): string => {
  const { hash: _hash, ...metadata } = event.metadata;
  return sha256(
    canonicalJson({
      streamName: event.streamName,
      revision: event.revision,
      id: event.id,
      type: event.type,
      data: event.data,
      metadata,
    }),
  );
};

/**
 * The events to store for an append: each one's metadata gains `previousHash` (the hash of the event before
 * it, or the stream anchor at revision 0) and its own `hash`. `previousHash` is the stored stream's head hash.
 */
export const chainEvents = (
  streamName: string,
  firstRevision: number,
  previousHash: string | undefined,
  events: readonly NewEvent[],
): NewEvent[] => {
  let previous = previousHash ?? streamAnchor(streamName);
  return events.map((event, i) => {
    const metadata = { ...withoutChain(event.metadata), previousHash: previous };
    const hash = computeEventHash({ ...event, metadata, streamName, revision: firstRevision + i });
    previous = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
};

/**
 * The head hash of stored events (in revision order from 0): the stored hash where there is one, the computed
 * one for events written before the chain existed, so appending to such a stream chains on from its history.
 */
export const headHashOf = (
  streamName: string,
  stored: readonly Omit<ChainContent, 'streamName'>[],
): string => {
  let previous = streamAnchor(streamName);
  for (const event of stored) {
    previous =
      event.metadata.hash ??
      computeEventHash({ ...event, streamName, metadata: { ...event.metadata, previousHash: previous } });
  }
  return previous;
};
