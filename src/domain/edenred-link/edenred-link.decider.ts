import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import type { CompleteEdenredLogin, EdenredLinkCommand } from './edenred-link.commands';
import type { EdenredLinkEvent } from './edenred-link.events';
import { evolveEdenredLink, initialEdenredLinkState, type EdenredLinkState } from './edenred-link.state';

type Existing = Exclude<EdenredLinkState, { status: 'empty' }>;

const existing = (state: EdenredLinkState): Existing => {
  if (state.status === 'empty') throw conflict('edenred_link_not_started', 'the Edenred link does not exist');
  return state;
};

const refuseRemoved = (state: Existing): Existing => {
  if (state.status === 'removed') throw conflict('edenred_link_removed', 'the Edenred link was removed');
  return state;
};

/**
 * The callback is not authenticated by an API key, only by the state we issued: a state that is not the
 * link's one open login (unknown, already used, or replaced by a newer login) is refused the same way.
 */
const completeLogin = (command: CompleteEdenredLogin, current: EdenredLinkState): EdenredLinkEvent[] => {
  const state = existing(current);
  if (state.stateHash === null || state.stateHash !== command.stateHash) {
    throw conflict('login_state_invalid', 'this login link is unknown, expired or already used');
  }
  const { linkId } = state;
  if ('tokens' in command.outcome) {
    return [
      {
        type: 'EdenredLinkLoggedIn',
        data: { linkId, tokens: command.outcome.tokens, loggedInAt: command.now },
      },
    ];
  }
  const { code, reason } = command.outcome.failure;
  return [{ type: 'EdenredLinkLoginRequired', data: { linkId, code, reason, at: command.now } }];
};

export const decideEdenredLink = (
  command: EdenredLinkCommand,
  state: EdenredLinkState,
): EdenredLinkEvent[] => {
  switch (command.type) {
    case 'StartEdenredLink': {
      if (state.status !== 'empty') throw conflict('edenred_link_exists', 'the Edenred link already exists');
      const { linkId, merchantId, terminalId, paymentIntentId, name, stateHash, now } = command;
      return [
        {
          type: 'EdenredLinkStarted',
          data: { linkId, merchantId, terminalId, paymentIntentId, name, stateHash, startedAt: now },
        },
      ];
    }
    case 'RestartEdenredLogin': {
      const link = refuseRemoved(existing(state));
      if (link.status === 'linked')
        throw conflict('edenred_link_active', 'the Edenred link is already logged in');
      return [
        {
          type: 'EdenredLinkLoginRestarted',
          data: { linkId: link.linkId, stateHash: command.stateHash, restartedAt: command.now },
        },
      ];
    }
    case 'CompleteEdenredLogin':
      return completeLogin(command, state);
    case 'RecordEdenredTokensRefreshed': {
      const link = refuseRemoved(existing(state));
      if (link.status !== 'linked')
        throw conflict('edenred_login_required', 'the Edenred user must log in again');
      return [
        {
          type: 'EdenredLinkTokensRefreshed',
          data: { linkId: link.linkId, tokens: command.tokens, refreshedAt: command.now },
        },
      ];
    }
    case 'RequireEdenredLogin': {
      const link = existing(state);
      if (link.status !== 'linked') return [];
      return [
        {
          type: 'EdenredLinkLoginRequired',
          data: { linkId: link.linkId, code: command.code, reason: command.reason, at: command.now },
        },
      ];
    }
    case 'RemoveEdenredLink': {
      const link = existing(state);
      if (link.status === 'removed') return [];
      return [
        {
          type: 'EdenredLinkRemoved',
          data: { linkId: link.linkId, sessionEnded: command.sessionEnded, removedAt: command.now },
        },
      ];
    }
    default: {
      const unreachable: never = command;
      throw new Error(`unknown edenred link command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const edenredLinkDecider: Decider<EdenredLinkState, EdenredLinkCommand, EdenredLinkEvent> = {
  initialState: initialEdenredLinkState,
  decide: decideEdenredLink,
  evolve: evolveEdenredLink,
};

export const edenredLinkStreamName = (linkId: string): string => `edenred_link-${linkId}`;
