import { ocpiTerminalEventCodec } from '../../domain/ocpi-terminal/ocpi-terminal';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/** A terminal as its CPO lists it (GET /payments/terminals): by party, by last_updated. */
export interface OcpiTerminalDocument extends StoredDocument {
  partyRef: string;
  status: 'active' | 'deactivated';
  terminal: Record<string, unknown> & { terminal_id: string; last_updated: string };
  lastUpdated: string;
}

const evolve = (doc: OcpiTerminalDocument | null, recorded: RecordedEvent): OcpiTerminalDocument | null => {
  const event = ocpiTerminalEventCodec.decode(recorded);
  switch (event.type) {
    case 'OcpiTerminalActivated': {
      const terminal = event.data.terminal as OcpiTerminalDocument['terminal'];
      return {
        _id: event.data.terminalId,
        partyRef: event.data.partyRef,
        status: 'active',
        terminal,
        lastUpdated: terminal.last_updated,
      };
    }
    case 'OcpiTerminalUpdated': {
      const terminal = event.data.terminal as OcpiTerminalDocument['terminal'];
      return doc && { ...doc, terminal, lastUpdated: terminal.last_updated };
    }
    case 'OcpiTerminalDeactivated':
      return doc && { ...doc, status: 'deactivated' };
  }
};

export const ocpiTerminalProjection: Projection<OcpiTerminalDocument> = {
  name: 'ocpi_terminals',
  collection: 'ocpi_terminals',
  eventTypes: ocpiTerminalEventCodec.eventTypes,
  documentId: (event) => (event.data as { terminalId?: string }).terminalId ?? null,
  evolve,
  indexes: [{ keys: { partyRef: 1, lastUpdated: 1 } }],
};
