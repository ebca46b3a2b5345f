import {
  terminalAttestationEventCodec,
  type TerminalAttestationEvent,
} from '../../domain/terminal-attestation/terminal-attestation.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import type { TerminalAttestationDocument } from './terminal-attestation.document';

const apply = (
  doc: TerminalAttestationDocument | null,
  event: TerminalAttestationEvent,
): TerminalAttestationDocument | null => {
  const { terminalId, merchantId } = event.data;
  const current: TerminalAttestationDocument = doc ?? {
    _id: terminalId,
    object: 'terminal_attestation',
    terminalId,
    merchantId,
    verdict: null,
    pendingChallenge: null,
    updatedAt: '',
    version: 0,
  };
  switch (event.type) {
    case 'TerminalAttestationChallengeIssued': {
      const { challengeId, issuedAt, expiresAt } = event.data;
      return { ...current, pendingChallenge: { challengeId, issuedAt, expiresAt } };
    }
    case 'TerminalAttested': {
      const { challengeId, verifiedAt, expiresAt, facts } = event.data;
      return {
        ...current,
        pendingChallenge: null,
        verdict: { outcome: 'trusted', challengeId, verifiedAt, expiresAt, reasons: [], facts },
      };
    }
    case 'TerminalAttestationFailed': {
      const { challengeId, verifiedAt, reasons, facts } = event.data;
      return {
        ...current,
        pendingChallenge: null,
        verdict: { outcome: 'untrusted', challengeId, verifiedAt, expiresAt: null, reasons, facts },
      };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

export const evolveTerminalAttestationDocument = (
  doc: TerminalAttestationDocument | null,
  recorded: RecordedEvent,
): TerminalAttestationDocument | null => {
  const next = apply(doc, terminalAttestationEventCodec.decode(recorded));
  return next && { ...next, updatedAt: recorded.metadata.occurredAt, version: recorded.revision + 1 };
};

export const TERMINAL_ATTESTATIONS_COLLECTION = 'terminal_attestations';

export const terminalAttestationProjection: Projection<TerminalAttestationDocument> = {
  name: 'terminal_attestations',
  collection: TERMINAL_ATTESTATIONS_COLLECTION,
  eventTypes: terminalAttestationEventCodec.eventTypes,
  documentId: (event) => (event.data as { terminalId?: string }).terminalId ?? null,
  evolve: evolveTerminalAttestationDocument,
};

export const terminalAttestationFromStream = (
  stream: readonly RecordedEvent[],
): TerminalAttestationDocument | null =>
  stream.reduce<TerminalAttestationDocument | null>(evolveTerminalAttestationDocument, null);
