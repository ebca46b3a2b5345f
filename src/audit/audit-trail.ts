import type { KeyObject } from 'node:crypto';
import type { EventStore, RecordedEvent } from '../infrastructure/event-store/event-store';
import { latestCheckpoint } from './audit-checkpoints';
import { ChainVerifier, type ChainBreak, type StreamHead } from './chain-verifier';
import { checkpointSignatureProblem, type SignedCheckpoint } from './checkpoint';

/**
 * Whose a stream is: the merchant named by its first event (every aggregate's creation event names it).
 * Streams without one (the audit's own checkpoints) belong to no merchant: only `admin` reads them.
 */
export const streamMerchant = (first: RecordedEvent | undefined): string | undefined => {
  const merchantId = first?.data.merchantId;
  return typeof merchantId === 'string' ? merchantId : undefined;
};

export interface StreamVerification {
  streamName: string;
  ok: boolean;
  eventCount: number;
  head: StreamHead | null;
  checkpoint: {
    signedAt: string;
    position: string;
    keyId: string;
    developmentKey: boolean;
    /** The head the checkpoint holds for this stream, or null when the stream began after it. */
    head: StreamHead | null;
  } | null;
  breaks: ChainBreak[];
}

/** One stream's chain, held against the head the latest validly signed checkpoint has for it. */
export const verifyStream = async (
  eventStore: EventStore,
  events: readonly RecordedEvent[],
  publicKey: KeyObject,
): Promise<StreamVerification> => {
  const streamName = events[0]!.streamName;
  const checkpoint: SignedCheckpoint | undefined = await latestCheckpoint(eventStore);
  const verifier = new ChainVerifier();
  const breaks: ChainBreak[] = [];
  const checkpointHead = checkpoint?.heads.find((head) => head.streamName === streamName) ?? null;
  if (checkpoint) {
    const problem = checkpointSignatureProblem(checkpoint, publicKey);
    if (problem) breaks.push({ kind: 'bad_signature', detail: `the latest checkpoint: ${problem}` });
    else if (checkpointHead)
      verifier.expectHeads([checkpointHead], `the checkpoint signed at ${checkpoint.signedAt}`);
  }
  for (const event of events) verifier.add(event);
  breaks.push(...verifier.finish());
  return {
    streamName,
    ok: breaks.length === 0,
    eventCount: verifier.eventCount,
    head: verifier.head(streamName) ?? null,
    checkpoint: checkpoint
      ? {
          signedAt: checkpoint.signedAt,
          position: checkpoint.position,
          keyId: checkpoint.keyId,
          developmentKey: checkpoint.developmentKey,
          head: checkpointHead,
        }
      : null,
    breaks,
  };
};
