import type { EdenredLinkEvent, EdenredLinkTokens } from './edenred-link.events';

interface Details {
  linkId: string;
  merchantId: string;
  terminalId: string | null;
  paymentIntentId: string | null;
  name: string | null;
}

/** `stateHash` is the one login in progress; a callback consumes it, so it is never accepted twice. */
export type EdenredLinkState =
  | { status: 'empty' }
  | ({ status: 'pending_login'; stateHash: string; tokens: null } & Details)
  | ({ status: 'linked'; stateHash: null; tokens: EdenredLinkTokens } & Details)
  | ({ status: 'login_required'; stateHash: string | null; tokens: null } & Details)
  | ({ status: 'removed'; stateHash: null; tokens: null } & Details);

export type EdenredLinkStatus = EdenredLinkState['status'];

export const initialEdenredLinkState = (): EdenredLinkState => ({ status: 'empty' });

const details = (state: EdenredLinkState): Details => {
  if (state.status === 'empty') throw new Error('edenred link event applied before it started');
  const { linkId, merchantId, terminalId, paymentIntentId, name } = state;
  return { linkId, merchantId, terminalId, paymentIntentId, name };
};

export const evolveEdenredLink = (state: EdenredLinkState, event: EdenredLinkEvent): EdenredLinkState => {
  switch (event.type) {
    case 'EdenredLinkStarted': {
      const { linkId, merchantId, terminalId, paymentIntentId, name, stateHash } = event.data;
      return {
        status: 'pending_login',
        linkId,
        merchantId,
        terminalId,
        paymentIntentId,
        name,
        stateHash,
        tokens: null,
      };
    }
    case 'EdenredLinkLoginRestarted':
      return { status: 'login_required', ...details(state), stateHash: event.data.stateHash, tokens: null };
    case 'EdenredLinkLoggedIn':
    case 'EdenredLinkTokensRefreshed':
      return { status: 'linked', ...details(state), stateHash: null, tokens: event.data.tokens };
    case 'EdenredLinkLoginRequired':
      return { status: 'login_required', ...details(state), stateHash: null, tokens: null };
    case 'EdenredLinkRemoved':
      return { status: 'removed', ...details(state), stateHash: null, tokens: null };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown edenred link event ${JSON.stringify(unreachable)}`);
    }
  }
};
