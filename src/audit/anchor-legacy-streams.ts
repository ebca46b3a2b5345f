import type { Clock } from '../infrastructure/clock';
import type { EventStore } from '../infrastructure/event-store/event-store';
import { newUuid } from '../infrastructure/ids';
import { ChainVerifier, type StreamHead } from './chain-verifier';
import { scanStore, type ScanProgress } from './scan-store';

export const ANCHOR_STREAM = 'audit-anchors';
export const ANCHOR_EVENT_TYPE = 'LegacyStreamsAnchored';

const key = (head: StreamHead): string => `${head.streamName}@${head.revision}`;

/**
 * Streams written before the chain existed carry no hashes; their chain is computed from their content. This
 * records, once, the computed head of each such stream as an event of the (chained) anchor stream, so that
 * their history up to now is fixed by a stored hash and by every checkpoint after it.
 */
export const anchorLegacyStreams = async (deps: {
  eventStore: EventStore;
  clock: Clock;
  onProgress?: (progress: ScanProgress) => void;
}): Promise<StreamHead[]> => {
  const verifier = new ChainVerifier();
  const anchored = new Set<string>();
  for await (const event of scanStore(deps.eventStore, deps.onProgress)) {
    verifier.add(event);
    if (event.type === ANCHOR_EVENT_TYPE) {
      for (const head of (event.data as { heads: StreamHead[] }).heads) anchored.add(key(head));
    }
  }
  const heads = verifier.legacyHeads().filter((head) => !anchored.has(key(head)));
  if (heads.length === 0) return [];
  const occurredAt = deps.clock.now().toISOString();
  await deps.eventStore.appendToStream(
    ANCHOR_STREAM,
    [
      {
        id: newUuid(),
        type: ANCHOR_EVENT_TYPE,
        data: { anchoredAt: occurredAt, heads },
        metadata: {
          correlationId: `audit-anchor-${occurredAt}`,
          actor: { id: 'audit-anchor', kind: 'system' },
          occurredAt,
          schemaVersion: 1,
        },
      },
    ],
    verifier.head(ANCHOR_STREAM)?.revision ?? 'no_stream',
  );
  return heads;
};
