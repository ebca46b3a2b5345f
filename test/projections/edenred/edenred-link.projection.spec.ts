import assert from 'node:assert/strict';
import { evolveEdenredLinkDocument } from '../../../src/projections/edenred/edenred-link.projection';
import type { EdenredLinkDocument } from '../../../src/projections/edenred/edenred-link.document';
import { recordedEvent, sequenced } from '../../support/projection-spec';

const T0 = '2026-05-01T10:00:00.000Z';
const tokens = {
  sealed: { alg: 'A256GCM', keyId: '0123abcd', iv: 'aXY=', ciphertext: 'c2VhbGVk', tag: 'dGFn' },
  accessTokenExpiresAt: '2026-05-01T11:00:00.000Z',
  usernameHint: 'dr***',
};

const fold = (events: [string, Record<string, unknown>][]) =>
  sequenced(
    events.map(([type, data]) => recordedEvent('edenred_link-edl_1', type, data)),
  ).reduce<EdenredLinkDocument | null>(evolveEdenredLinkDocument, null);

describe('edenred link projection', () => {
  const started: [string, Record<string, unknown>] = [
    'EdenredLinkStarted',
    {
      linkId: 'edl_1',
      merchantId: 'mer_1',
      terminalId: null,
      paymentIntentId: null,
      name: 'fleet',
      stateHash: 'a'.repeat(64),
      startedAt: T0,
    },
  ];

  it('shows a linked wallet by its hint and expiry, never the sealed tokens or the state hash', () => {
    const doc = fold([started, ['EdenredLinkLoggedIn', { linkId: 'edl_1', tokens, loggedInAt: T0 }]]);
    assert.deepEqual(
      [doc?.status, doc?.usernameHint, doc?.accessTokenExpiresAt, doc?.version],
      ['linked', 'dr***', '2026-05-01T11:00:00.000Z', 2],
    );
    const text = JSON.stringify(doc);
    assert.ok(!text.includes('c2VhbGVk') && !text.includes('a'.repeat(64)));
  });

  it('a login required keeps the reason and drops the expiry; removal is the last word', () => {
    const required = fold([
      started,
      ['EdenredLinkLoggedIn', { linkId: 'edl_1', tokens, loggedInAt: T0 }],
      ['EdenredLinkLoginRequired', { linkId: 'edl_1', code: 'INVALID_GRANT', reason: 'expired', at: T0 }],
    ]);
    assert.deepEqual(
      [required?.status, required?.accessTokenExpiresAt, required?.lastLoginError],
      ['login_required', null, { code: 'INVALID_GRANT', reason: 'expired' }],
    );
    const removed = fold([
      started,
      ['EdenredLinkRemoved', { linkId: 'edl_1', sessionEnded: true, removedAt: T0 }],
    ]);
    assert.equal(removed?.status, 'removed');
  });
});
