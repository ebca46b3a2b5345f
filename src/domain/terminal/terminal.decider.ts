import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import type {
  ChangeTerminalStatus,
  MarkTerminalOffline,
  RegisterTerminal,
  ReportTerminalHealth,
  RotateTerminalCredential,
  TerminalCommand,
} from './terminal.commands';
import type { TerminalEvent, TerminalEventOf } from './terminal.events';
import { applyHealthReport, sameProblems } from './terminal-health';
import { evolveTerminal, initialTerminalState, type TerminalState } from './terminal.state';

const requireRegistered = (state: TerminalState) => {
  if (state.status === 'unregistered')
    throw conflict('terminal_not_registered', 'the terminal does not exist');
  return state;
};

/** Decommissioning is final: nothing more happens to such a terminal. */
const requireInService = (current: TerminalState) => {
  const state = requireRegistered(current);
  if (state.status === 'decommissioned') {
    throw conflict('terminal_decommissioned', 'the terminal is decommissioned');
  }
  return state;
};

const earlier = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);
const later = (a: string | null, b: string): string => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

const register = (command: RegisterTerminal, state: TerminalState): TerminalEvent[] => {
  if (state.status !== 'unregistered') {
    throw conflict('terminal_exists', 'a terminal with this serial number is already registered');
  }
  const { now, type: _type, ...data } = command;
  return [{ type: 'TerminalRegistered', data: { ...data, registeredAt: now } }];
};

const reportHealth = (command: ReportTerminalHealth, current: TerminalState): TerminalEvent[] => {
  const state = requireInService(current);
  if (state.recentHealthEventIds.includes(command.eventId)) return [];
  // A device clock running ahead cannot push last-seen into the future.
  const occurredAt = earlier(command.occurredAt, command.now);
  const after = applyHealthReport(state.health, state.firmwareVersion, command.readings, occurredAt);
  const previousAttributes: TerminalEventOf<'TerminalHealthReported'>['data']['previousAttributes'] = {};
  if (after.firmwareVersion !== state.firmwareVersion)
    previousAttributes.firmwareVersion = state.firmwareVersion;
  if (after.health.status !== state.health.status) previousAttributes.healthStatus = state.health.status;
  if (!sameProblems(after.health.problems, state.health.problems)) {
    previousAttributes.problems = state.health.problems;
  }
  const lastSeenAt = later(state.lastSeenAt, occurredAt);
  const events: TerminalEvent[] = [
    {
      type: 'TerminalHealthReported',
      data: {
        terminalId: state.terminalId,
        merchantId: state.merchantId,
        eventId: command.eventId,
        type: command.reportType,
        occurredAt,
        receivedAt: command.now,
        readings: command.readings,
        lastSeenAt,
        firmwareVersion: after.firmwareVersion,
        health: after.health,
        previousAttributes,
      },
    },
  ];
  // Only a recent report proves the terminal is reachable; a late one from its buffer does not.
  const fresh = Date.parse(command.now) - Date.parse(occurredAt) < command.offlineAfterMs;
  if (state.connectivity === 'offline' && fresh) {
    events.push({
      type: 'TerminalCameOnline',
      data: {
        terminalId: state.terminalId,
        merchantId: state.merchantId,
        lastSeenAt,
        cameOnlineAt: command.now,
      },
    });
  }
  return events;
};

const changeStatus = (command: ChangeTerminalStatus, current: TerminalState): TerminalEvent[] => {
  const registered = requireRegistered(current);
  if (registered.status === command.status) return [];
  const state = requireInService(registered);
  return [
    {
      type: 'TerminalStatusChanged',
      data: {
        terminalId: state.terminalId,
        merchantId: state.merchantId,
        status: command.status,
        previousStatus: state.status,
        reason: command.reason,
        attributes: {
          model: state.model,
          firmwareVersion: state.firmwareVersion,
          connectivity: state.connectivity,
          healthStatus: state.health.status,
          problems: state.health.problems,
        },
        changedAt: command.now,
      },
    },
  ];
};

const rotateCredential = (command: RotateTerminalCredential, current: TerminalState): TerminalEvent[] => {
  const state = requireInService(current);
  if (state.credentialId === command.credentialId) return [];
  return [
    {
      type: 'TerminalCredentialRotated',
      data: {
        terminalId: state.terminalId,
        merchantId: state.merchantId,
        credentialId: command.credentialId,
        previousCredentialId: state.credentialId,
        rotatedAt: command.now,
      },
    },
  ];
};

const markOffline = (command: MarkTerminalOffline, state: TerminalState): TerminalEvent[] => {
  if (state.status === 'unregistered' || state.status === 'decommissioned') return [];
  if (state.connectivity !== 'online' || state.lastSeenAt === null) return [];
  if (Date.parse(command.now) - Date.parse(state.lastSeenAt) < command.offlineAfterMs) return [];
  return [
    {
      type: 'TerminalWentOffline',
      data: {
        terminalId: state.terminalId,
        merchantId: state.merchantId,
        lastSeenAt: state.lastSeenAt,
        detectedAt: command.now,
      },
    },
  ];
};

export const decideTerminal = (command: TerminalCommand, state: TerminalState): TerminalEvent[] => {
  switch (command.type) {
    case 'RegisterTerminal':
      return register(command, state);
    case 'ReportTerminalHealth':
      return reportHealth(command, state);
    case 'ChangeTerminalStatus':
      return changeStatus(command, state);
    case 'RotateTerminalCredential':
      return rotateCredential(command, state);
    case 'MarkTerminalOffline':
      return markOffline(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown terminal command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const terminalDecider: Decider<TerminalState, TerminalCommand, TerminalEvent> = {
  initialState: initialTerminalState,
  decide: decideTerminal,
  evolve: evolveTerminal,
};

export const terminalStreamName = (terminalId: string): string => `terminal-${terminalId}`;
