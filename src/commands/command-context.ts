import type { EventMetadata } from '../infrastructure/event-store/event-store';

/** Who asked, and why: becomes each event's metadata. */
export interface CommandContext {
  correlationId: string;
  causationId?: string;
  actor: EventMetadata['actor'];
  /** The request's Idempotency-Key, scoped to the credential; makes event ids deterministic. */
  idempotency?: { scope: string; key: string };
}

export const systemContext = (correlationId: string, causationId?: string): CommandContext => ({
  correlationId,
  ...(causationId ? { causationId } : {}),
  actor: { id: 'system', kind: 'system' },
});
