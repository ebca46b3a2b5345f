import { ocpiCommandEventCodec } from '../../domain/ocpi-command/ocpi-command';
import { ocpiSessionEventCodec } from '../../domain/ocpi-session/ocpi-session';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/** An OCPI session by the payment intent it charges to (its authorization_reference). */
export interface OcpiSessionDocument extends StoredDocument {
  partyRef: string;
  sessionId: string;
  status: string;
  kwh: number;
  authorizationReference: string | null;
  lastUpdated: string;
}

export const ocpiSessionProjection: Projection<OcpiSessionDocument> = {
  name: 'ocpi_sessions',
  collection: 'ocpi_sessions',
  eventTypes: ocpiSessionEventCodec.eventTypes,
  documentId: (event) => (event.data as { sessionRef?: string }).sessionRef ?? null,
  evolve: (_doc, recorded: RecordedEvent) => {
    const { data } = ocpiSessionEventCodec.decode(recorded);
    const { sessionRef, partyRef, sessionId, status, kwh, authorizationReference, lastUpdated } = data;
    return { _id: sessionRef, partyRef, sessionId, status, kwh, authorizationReference, lastUpdated };
  },
  indexes: [{ keys: { authorizationReference: 1 } }],
};

/** A command we sent, by the payment intent it started a session for. */
export interface OcpiCommandDocument extends StoredDocument {
  partyRef: string;
  command: string;
  paymentIntentId: string | null;
  answer: string | null;
  result: string | null;
  requestedAt: string;
}

export const ocpiCommandProjection: Projection<OcpiCommandDocument> = {
  name: 'ocpi_commands',
  collection: 'ocpi_commands',
  eventTypes: ocpiCommandEventCodec.eventTypes,
  documentId: (event) => (event.data as { commandRef?: string }).commandRef ?? null,
  evolve: (doc, recorded: RecordedEvent) => {
    const event = ocpiCommandEventCodec.decode(recorded);
    switch (event.type) {
      case 'OcpiCommandRequested': {
        const { commandRef, partyRef, command, paymentIntentId, requestedAt } = event.data;
        return {
          _id: commandRef,
          partyRef,
          command,
          paymentIntentId,
          answer: null,
          result: null,
          requestedAt,
        };
      }
      case 'OcpiCommandAnswered':
        return doc && { ...doc, answer: event.data.result };
      case 'OcpiCommandResultReceived':
        return doc && { ...doc, result: event.data.result };
    }
  },
  indexes: [{ keys: { paymentIntentId: 1 } }],
};
