import type { Connectivity, TerminalEvent, TerminalHealth, TerminalStatus } from './terminal.events';
import { UNKNOWN_HEALTH } from './terminal-health';

/** How many recent health event ids a terminal remembers to recognise a repeat. */
export const REMEMBERED_HEALTH_EVENTS = 100;

interface Registered {
  terminalId: string;
  merchantId: string;
  model: string;
  firmwareVersion: string | null;
  credentialId: string;
  connectivity: Connectivity;
  lastSeenAt: string | null;
  health: TerminalHealth;
  recentHealthEventIds: readonly string[];
}

/** Every registered status carries the same facts; only `unregistered` has none. */
export type TerminalState = { status: 'unregistered' } | ({ status: TerminalStatus } & Registered);
export type RegisteredTerminalState = Extract<TerminalState, Registered>;

export const initialTerminalState = (): TerminalState => ({ status: 'unregistered' });

const registered = (state: TerminalState): RegisteredTerminalState => {
  if (state.status === 'unregistered') throw new Error('terminal event applied before registration');
  return state;
};

export const evolveTerminal = (state: TerminalState, event: TerminalEvent): TerminalState => {
  switch (event.type) {
    case 'TerminalRegistered': {
      const { terminalId, merchantId, model, firmwareVersion, credentialId } = event.data;
      return {
        status: 'active',
        terminalId,
        merchantId,
        model,
        firmwareVersion,
        credentialId,
        connectivity: 'offline',
        lastSeenAt: null,
        health: UNKNOWN_HEALTH,
        recentHealthEventIds: [],
      };
    }
    case 'TerminalHealthReported': {
      const current = registered(state);
      const { eventId, lastSeenAt, firmwareVersion, health } = event.data;
      return {
        ...current,
        lastSeenAt,
        firmwareVersion,
        health,
        recentHealthEventIds: [...current.recentHealthEventIds, eventId].slice(-REMEMBERED_HEALTH_EVENTS),
      };
    }
    case 'TerminalWentOffline':
      return { ...registered(state), connectivity: 'offline' };
    case 'TerminalCameOnline':
      return { ...registered(state), connectivity: 'online' };
    case 'TerminalStatusChanged':
      return { ...registered(state), status: event.data.status };
    case 'TerminalCredentialRotated':
      return { ...registered(state), credentialId: event.data.credentialId };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown terminal event ${JSON.stringify(unreachable)}`);
    }
  }
};
