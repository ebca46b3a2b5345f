import type { KeyObject } from 'node:crypto';
import type { RecordedEvent } from '../infrastructure/event-store/event-store';
import { ChainVerifier, type ChainBreak, type StreamHead } from './chain-verifier';
import { CHECKPOINT_EVENT_TYPE, checkpointSignatureProblem, type SignedCheckpoint } from './checkpoint';

export interface CheckpointSummary {
  position: string;
  signedAt: string;
  keyId: string;
  developmentKey: boolean;
  streamCount: number;
}

export interface VerifyReport {
  ok: boolean;
  eventCount: number;
  streamCount: number;
  /** Events written before the chain existed: their hashes are computed, not recorded. */
  unchainedEvents: number;
  /** The checkpoint whose heads the history was held against, if any. */
  checkpoint?: CheckpointSummary;
  heads: StreamHead[];
  breaks: ChainBreak[];
}

export interface VerifyOptions {
  /** Every key whose checkpoints are trusted (more than one across a key rotation). */
  publicKey: KeyObject | readonly KeyObject[];
  /** The checkpoint to hold the history against; its signature is checked first. */
  checkpoint?: SignedCheckpoint;
  /** Which of the checkpoint's streams the history is expected to hold (an export of one category holds few). */
  inScope?: (streamName: string) => boolean;
  /** The history is cut by time (an export with since or until): streams may start late and end early. */
  partial?: boolean;
}

const summary = (checkpoint: SignedCheckpoint): CheckpointSummary => ({
  position: checkpoint.position,
  signedAt: checkpoint.signedAt,
  keyId: checkpoint.keyId,
  developmentKey: checkpoint.developmentKey,
  streamCount: checkpoint.streamCount,
});

/**
 * Recomputes every chain of a history (the store's, or an export's) and every checkpoint signature in it, and
 * holds the history against one trusted checkpoint: its heads must still be there, with the same hashes.
 */
export const verifyHistory = async (
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  options: VerifyOptions,
): Promise<VerifyReport> => {
  const verifier = new ChainVerifier({ partial: options.partial ?? false });
  const signatureBreaks: ChainBreak[] = [];
  if (options.checkpoint) {
    const problem = checkpointSignatureProblem(options.checkpoint, options.publicKey);
    if (problem) {
      signatureBreaks.push({ kind: 'bad_signature', detail: `the checkpoint to verify against: ${problem}` });
    } else {
      const inScope = options.inScope ?? (() => true);
      verifier.expectHeads(
        options.checkpoint.heads.filter((head) => inScope(head.streamName)),
        `the checkpoint signed at ${options.checkpoint.signedAt}`,
      );
    }
  }
  for await (const event of events) {
    verifier.add(event);
    if (event.type !== CHECKPOINT_EVENT_TYPE) continue;
    const problem = checkpointSignatureProblem(event.data as unknown as SignedCheckpoint, options.publicKey);
    if (problem) {
      signatureBreaks.push({
        kind: 'bad_signature',
        streamName: event.streamName,
        revision: event.revision,
        detail: problem,
      });
    }
  }
  const breaks = [...signatureBreaks, ...verifier.finish(!options.partial)];
  const heads = verifier.heads();
  return {
    ok: breaks.length === 0,
    eventCount: verifier.eventCount,
    streamCount: heads.length,
    unchainedEvents: verifier.unchainedEvents(),
    ...(options.checkpoint ? { checkpoint: summary(options.checkpoint) } : {}),
    heads,
    breaks,
  };
};
