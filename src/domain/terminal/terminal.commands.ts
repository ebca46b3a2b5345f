import type { HealthReadings, HealthReportType, TerminalStatus } from './terminal.events';

/** Every command carries the time it is decided at; deciders never read a clock. */
interface CommandBase {
  now: string;
}

export interface RegisterTerminal extends CommandBase {
  type: 'RegisterTerminal';
  terminalId: string;
  merchantId: string;
  serialNumber: string;
  model: string;
  manufacturer: string | null;
  stationId: string;
  label: string | null;
  firmwareVersion: string | null;
  metadata: Record<string, string>;
  credentialId: string;
}

export interface ReportTerminalHealth extends CommandBase {
  type: 'ReportTerminalHealth';
  eventId: string;
  reportType: HealthReportType;
  occurredAt: string;
  readings: HealthReadings;
  /** A report at most this old brings an offline terminal back online. */
  offlineAfterMs: number;
}

export interface ChangeTerminalStatus extends CommandBase {
  type: 'ChangeTerminalStatus';
  status: TerminalStatus;
  reason: string | null;
}

export interface RotateTerminalCredential extends CommandBase {
  type: 'RotateTerminalCredential';
  credentialId: string;
}

/** Sent by the offline sweep; a no-op unless the terminal is still silent for long enough. */
export interface MarkTerminalOffline extends CommandBase {
  type: 'MarkTerminalOffline';
  offlineAfterMs: number;
}

export type TerminalCommand =
  | RegisterTerminal
  | ReportTerminalHealth
  | ChangeTerminalStatus
  | RotateTerminalCredential
  | MarkTerminalOffline;
