import type { Clock } from '../infrastructure/clock';
import type { EventStore, NewEvent } from '../infrastructure/event-store/event-store';
import { newUuid } from '../infrastructure/ids';
import { auditEventSchemas } from './audit.events';
import { ChainVerifier, type ChainBreak } from './chain-verifier';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  signCheckpoint,
  type SignedCheckpoint,
} from './checkpoint';
import { scanStore, type ScanProgress } from './scan-store';
import type { AuditSigningKey } from './signing-key';

export class ChainBrokenError extends Error {
  constructor(readonly breaks: readonly ChainBreak[]) {
    super(
      `refusing to sign a checkpoint over a broken chain: ${breaks
        .slice(0, 5)
        .map((b) => `${b.streamName ?? ''}@${b.revision ?? ''} ${b.kind}`)
        .join('; ')}`,
    );
  }
}

export interface CheckpointDeps {
  eventStore: EventStore;
  signingKey: AuditSigningKey;
  clock: Clock;
  onProgress?: (progress: ScanProgress) => void;
}

/**
 * Verifies every stream's chain from the start and signs the heads it reached, then appends the signed
 * checkpoint as an event. A full scan each time, not an increment from the last checkpoint: only a full
 * scan notices a stream deleted since.
 */
export const createCheckpoint = async (deps: CheckpointDeps): Promise<SignedCheckpoint> => {
  const verifier = new ChainVerifier();
  let position: bigint | undefined;
  for await (const event of scanStore(deps.eventStore, deps.onProgress)) {
    verifier.add(event);
    position = event.position;
  }
  const breaks = verifier.finish();
  if (breaks.length > 0) throw new ChainBrokenError(breaks);
  const heads = verifier.heads();
  const checkpoint = signCheckpoint(
    {
      developmentKey: deps.signingKey.developmentKey,
      signedAt: deps.clock.now().toISOString(),
      position: String(position ?? 0n),
      eventCount: verifier.eventCount,
      streamCount: heads.length,
      heads,
    },
    deps.signingKey,
  );
  const event: NewEvent = {
    id: newUuid(),
    type: CHECKPOINT_EVENT_TYPE,
    data: { ...checkpoint },
    metadata: {
      correlationId: `audit-checkpoint-${checkpoint.position}`,
      actor: { id: 'audit-checkpointer', kind: 'system' },
      occurredAt: checkpoint.signedAt,
      schemaVersion: 1,
    },
  };
  const previous = verifier.head(CHECKPOINT_STREAM);
  await deps.eventStore.appendToStream(CHECKPOINT_STREAM, [event], previous?.revision ?? 'no_stream');
  return checkpoint;
};

/** The newest signed checkpoint in the store, if any. */
export const latestCheckpoint = async (eventStore: EventStore): Promise<SignedCheckpoint | undefined> => {
  const events = await eventStore.readStream(CHECKPOINT_STREAM);
  const last = events.filter((event) => event.type === CHECKPOINT_EVENT_TYPE).at(-1);
  return last ? (auditEventSchemas.AuditCheckpointSigned.parse(last.data) as SignedCheckpoint) : undefined;
};
