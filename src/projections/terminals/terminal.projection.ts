import { terminalEventCodec, type TerminalEvent } from '../../domain/terminal/terminal.events';
import { UNKNOWN_HEALTH } from '../../domain/terminal/terminal-health';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import type { TerminalDocument } from './terminal.document';

const apply = (doc: TerminalDocument | null, event: TerminalEvent): TerminalDocument | null => {
  if (event.type === 'TerminalRegistered') {
    const { data } = event;
    return {
      _id: data.terminalId,
      id: data.terminalId,
      object: 'terminal',
      merchantId: data.merchantId,
      stationId: data.stationId,
      serialNumber: data.serialNumber,
      model: data.model,
      manufacturer: data.manufacturer,
      label: data.label,
      firmwareVersion: data.firmwareVersion,
      status: 'active',
      statusReason: null,
      connectivity: 'offline',
      lastSeenAt: null,
      health: UNKNOWN_HEALTH,
      credentialId: data.credentialId,
      metadata: data.metadata,
      createdAt: data.registeredAt,
      updatedAt: data.registeredAt,
      version: 0,
    };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'TerminalHealthReported': {
      const { lastSeenAt, firmwareVersion, health } = event.data;
      return { ...doc, lastSeenAt, firmwareVersion, health };
    }
    case 'TerminalWentOffline':
      return { ...doc, connectivity: 'offline' };
    case 'TerminalCameOnline':
      return { ...doc, connectivity: 'online', lastSeenAt: event.data.lastSeenAt };
    case 'TerminalStatusChanged':
      return { ...doc, status: event.data.status, statusReason: event.data.reason };
    case 'TerminalCredentialRotated':
      return { ...doc, credentialId: event.data.credentialId };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

export const evolveTerminalDocument = (
  doc: TerminalDocument | null,
  recorded: RecordedEvent,
): TerminalDocument | null => {
  const next = apply(doc, terminalEventCodec.decode(recorded));
  return next && { ...next, updatedAt: recorded.metadata.occurredAt, version: recorded.revision + 1 };
};

export const TERMINALS_COLLECTION = 'terminals';

export const terminalProjection: Projection<TerminalDocument> = {
  name: 'terminals',
  collection: TERMINALS_COLLECTION,
  eventTypes: terminalEventCodec.eventTypes,
  documentId: (event) => (event.data as { terminalId?: string }).terminalId ?? null,
  evolve: evolveTerminalDocument,
  indexes: [
    { keys: { merchantId: 1, createdAt: -1, _id: -1 } },
    { keys: { merchantId: 1, stationId: 1 } },
    { keys: { merchantId: 1, status: 1 } },
    { keys: { connectivity: 1, lastSeenAt: 1 } },
  ],
};

/** Renders the resource straight from its stream, with the same pure function the projection uses. */
export const terminalFromStream = (stream: readonly RecordedEvent[]): TerminalDocument | null =>
  stream.reduce<TerminalDocument | null>(evolveTerminalDocument, null);
