import type { Connectivity, TerminalHealth, TerminalStatus } from '../../domain/terminal/terminal.events';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';

/** The terminal read model: the API resource plus `_id`. */
export interface TerminalDocument extends StoredDocument {
  id: string;
  object: 'terminal';
  merchantId: string;
  stationId: string;
  serialNumber: string;
  model: string;
  manufacturer: string | null;
  label: string | null;
  firmwareVersion: string | null;
  status: TerminalStatus;
  statusReason: string | null;
  connectivity: Connectivity;
  lastSeenAt: string | null;
  health: TerminalHealth;
  credentialId: string;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  version: number;
}
