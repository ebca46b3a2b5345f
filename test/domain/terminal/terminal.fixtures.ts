import type { TerminalCommand } from '../../../src/domain/terminal/terminal.commands';
import type { TerminalEvent, TerminalEventOf } from '../../../src/domain/terminal/terminal.events';
import { UNKNOWN_HEALTH } from '../../../src/domain/terminal/terminal-health';

export const T0 = '2026-03-01T10:00:00.000Z';
export const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();
export const OFFLINE_AFTER_MS = 300_000;
const ids = { terminalId: 'trm_1', merchantId: 'mer_1' };

export const register = (): Extract<TerminalCommand, { type: 'RegisterTerminal' }> => ({
  type: 'RegisterTerminal',
  now: T0,
  ...ids,
  serialNumber: 'SN-1',
  model: 'A920',
  manufacturer: 'PAX',
  stationId: 'IST-001',
  label: null,
  firmwareVersion: '1.0.0',
  metadata: {},
  credentialId: 'key_1',
});

export const registered = (): TerminalEventOf<'TerminalRegistered'> => ({
  type: 'TerminalRegistered',
  data: {
    ...ids,
    serialNumber: 'SN-1',
    model: 'A920',
    manufacturer: 'PAX',
    stationId: 'IST-001',
    label: null,
    firmwareVersion: '1.0.0',
    metadata: {},
    credentialId: 'key_1',
    registeredAt: T0,
  },
});

export const report = (
  eventId: string,
  occurredAt: string,
  readings: Extract<TerminalCommand, { type: 'ReportTerminalHealth' }>['readings'] = {},
  now = occurredAt,
): Extract<TerminalCommand, { type: 'ReportTerminalHealth' }> => ({
  type: 'ReportTerminalHealth',
  now,
  eventId,
  reportType: readings.battery ? 'battery' : readings.firmwareVersion ? 'firmware' : 'heartbeat',
  occurredAt,
  readings,
  offlineAfterMs: OFFLINE_AFTER_MS,
});

/** A heartbeat's events, as the decider records them for a terminal that was offline with unknown health. */
export const heartbeatFromOffline = (eventId: string, occurredAt: string): TerminalEvent[] => [
  {
    type: 'TerminalHealthReported',
    data: {
      ...ids,
      eventId,
      type: 'heartbeat',
      occurredAt,
      receivedAt: occurredAt,
      readings: {},
      lastSeenAt: occurredAt,
      firmwareVersion: '1.0.0',
      health: { ...UNKNOWN_HEALTH, status: 'ok' },
      previousAttributes: { healthStatus: 'unknown' },
    },
  },
  { type: 'TerminalCameOnline', data: { ...ids, lastSeenAt: occurredAt, cameOnlineAt: occurredAt } },
];

export const statusChanged = (
  status: TerminalEventOf<'TerminalStatusChanged'>['data']['status'],
  previousStatus: TerminalEventOf<'TerminalStatusChanged'>['data']['previousStatus'] = 'active',
): TerminalEventOf<'TerminalStatusChanged'> => ({
  type: 'TerminalStatusChanged',
  data: {
    ...ids,
    status,
    previousStatus,
    reason: null,
    attributes: {
      model: 'A920',
      firmwareVersion: '1.0.0',
      connectivity: 'offline',
      healthStatus: 'unknown',
      problems: [],
    },
    changedAt: at(60),
  },
});
