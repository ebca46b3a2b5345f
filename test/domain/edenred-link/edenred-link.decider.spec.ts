import { edenredLinkDecider } from '../../../src/domain/edenred-link/edenred-link.decider';
import type { EdenredLinkCommand } from '../../../src/domain/edenred-link/edenred-link.commands';
import type {
  EdenredLinkEvent,
  EdenredLinkTokens,
} from '../../../src/domain/edenred-link/edenred-link.events';
import {
  edenredOrderRefDecider,
  type EdenredOrderRefEvent,
} from '../../../src/domain/edenred-order-ref/edenred-order-ref';
import { deciderSpec } from '../../support/decider-spec';

const given = deciderSpec(edenredLinkDecider);
const T0 = '2026-05-01T10:00:00.000Z';
const T1 = '2026-05-01T10:02:00.000Z';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

const tokens: EdenredLinkTokens = {
  sealed: { alg: 'A256GCM', keyId: '0123abcd', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' },
  accessTokenExpiresAt: '2026-05-01T11:00:00.000Z',
  usernameHint: 'dr***',
};

const started: EdenredLinkEvent = {
  type: 'EdenredLinkStarted',
  data: {
    linkId: 'edl_1',
    merchantId: 'mer_1',
    terminalId: null,
    paymentIntentId: null,
    name: 'fleet',
    stateHash: HASH_A,
    startedAt: T0,
  },
};
const loggedIn: EdenredLinkEvent = {
  type: 'EdenredLinkLoggedIn',
  data: { linkId: 'edl_1', tokens, loggedInAt: T1 },
};
const loginRequired: EdenredLinkEvent = {
  type: 'EdenredLinkLoginRequired',
  data: { linkId: 'edl_1', code: 'INVALID_GRANT', reason: 'the login expired', at: T1 },
};

const complete = (stateHash: string, ok = true): EdenredLinkCommand => ({
  type: 'CompleteEdenredLogin',
  now: T1,
  stateHash,
  outcome: ok ? { tokens } : { failure: { code: 'INVALID_GRANT', reason: 'the login expired' } },
});

describe('edenred link decider', () => {
  it('starts a link pending login', () =>
    given([])
      .when({
        type: 'StartEdenredLink',
        now: T0,
        linkId: 'edl_1',
        merchantId: 'mer_1',
        terminalId: null,
        paymentIntentId: null,
        name: 'fleet',
        stateHash: HASH_A,
      })
      .then([started]));

  it('a callback with the issued state stores the sealed tokens', () =>
    given([started]).when(complete(HASH_A)).then([loggedIn]));

  it('a failed code exchange asks the user to log in again', () =>
    given([started]).when(complete(HASH_A, false)).then([loginRequired]));

  it('refuses a state it did not issue', () =>
    given([started]).when(complete(HASH_B)).thenRefuses('login_state_invalid', 'conflict'));

  it('refuses a state already used, whether the login worked or not', () => {
    given([started, loggedIn]).when(complete(HASH_A)).thenRefuses('login_state_invalid');
    given([started, loginRequired]).when(complete(HASH_A)).thenRefuses('login_state_invalid');
  });

  it('a new login replaces the old state: only the newest is accepted', () => {
    const restarted: EdenredLinkEvent = {
      type: 'EdenredLinkLoginRestarted',
      data: { linkId: 'edl_1', stateHash: HASH_B, restartedAt: T1 },
    };
    given([started, loginRequired])
      .when({ type: 'RestartEdenredLogin', now: T1, stateHash: HASH_B })
      .then([restarted]);
    given([started, loginRequired, restarted]).when(complete(HASH_A)).thenRefuses('login_state_invalid');
    given([started, loginRequired, restarted]).when(complete(HASH_B)).then([loggedIn]);
  });

  it('refreshes only a linked link', () => {
    given([started, loggedIn])
      .when({ type: 'RecordEdenredTokensRefreshed', now: T1, tokens })
      .then([{ type: 'EdenredLinkTokensRefreshed', data: { linkId: 'edl_1', tokens, refreshedAt: T1 } }]);
    given([started, loginRequired])
      .when({ type: 'RecordEdenredTokensRefreshed', now: T1, tokens })
      .thenRefuses('edenred_login_required');
  });

  it('requiring a login twice records it once', () => {
    const command: EdenredLinkCommand = {
      type: 'RequireEdenredLogin',
      now: T1,
      code: 'INVALID_GRANT',
      reason: 'the login expired',
    };
    given([started, loggedIn]).when(command).then([loginRequired]);
    given([started, loggedIn, loginRequired]).when(command).then([]);
  });

  it('removes once; a removed link takes no new login', () => {
    const removed: EdenredLinkEvent = {
      type: 'EdenredLinkRemoved',
      data: { linkId: 'edl_1', sessionEnded: true, removedAt: T1 },
    };
    given([started, loggedIn])
      .when({ type: 'RemoveEdenredLink', now: T1, sessionEnded: true })
      .then([removed]);
    given([started, loggedIn, removed])
      .when({ type: 'RemoveEdenredLink', now: T1, sessionEnded: true })
      .then([]);
    given([started, loggedIn, removed])
      .when({ type: 'RestartEdenredLogin', now: T1, stateHash: HASH_B })
      .thenRefuses('edenred_link_removed');
  });
});

describe('edenred order_ref counter', () => {
  const counter = deciderSpec(edenredOrderRefDecider);
  const allocated = (orderRef: number, paymentIntentId = 'pi_1'): EdenredOrderRefEvent => ({
    type: 'EdenredOrderRefAllocated',
    data: { orderRef, paymentIntentId, allocatedAt: T0 },
  });
  const allocate = (paymentIntentId = 'pi_2') =>
    ({ type: 'AllocateOrderRef', now: T0, paymentIntentId, first: 1000 }) as const;

  it('starts at the configured first number', () =>
    counter([])
      .when(allocate('pi_1'))
      .then([allocated(1000)]));

  it('hands out the next number after the last one written', () =>
    counter([allocated(1000), allocated(1001, 'pi_x')])
      .when(allocate())
      .then([allocated(1002, 'pi_2')]));

  it('stops below 2,147,483,647', () =>
    counter([allocated(2_147_483_646)])
      .when(allocate())
      .thenRefuses('order_ref_exhausted'));
});
