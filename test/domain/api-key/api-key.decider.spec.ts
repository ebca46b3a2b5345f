import { apiKeyDecider, type ApiKeyCommand } from '../../../src/domain/api-key/api-key.decider';
import type { ApiKeyEvent } from '../../../src/domain/api-key/api-key.events';
import { deciderSpec } from '../../support/decider-spec';

const NOW = '2026-01-15T10:00:00.000Z';
const HASH = 'a'.repeat(64);
const issue: ApiKeyCommand = {
  type: 'IssueApiKey',
  now: NOW,
  apiKeyId: 'key_1',
  name: 'pos',
  merchantId: 'mer_1',
  terminalId: 'trm_1',
  scopes: ['payments:write'],
  prefix: 'abcdefghijkl',
  hash: HASH,
};
const issued: ApiKeyEvent = {
  type: 'ApiKeyIssued',
  data: {
    apiKeyId: 'key_1',
    name: 'pos',
    merchantId: 'mer_1',
    terminalId: 'trm_1',
    scopes: ['payments:write'],
    prefix: 'abcdefghijkl',
    hash: HASH,
    issuedAt: NOW,
  },
};
const revoke: ApiKeyCommand = { type: 'RevokeApiKey', now: NOW, reason: 'terminal stolen' };

const given = deciderSpec(apiKeyDecider);

describe('API key decider', () => {
  it('issues a key, recording only its hash', () => given([]).when(issue).then([issued]));
  it('refuses to issue the same key twice', () => given([issued]).when(issue).thenRefuses('api_key_exists'));
  it('revokes an active key', () =>
    given([issued])
      .when(revoke)
      .then([
        { type: 'ApiKeyRevoked', data: { apiKeyId: 'key_1', reason: 'terminal stolen', revokedAt: NOW } },
      ]));
  it('refuses to revoke a revoked key', () =>
    given([issued, { type: 'ApiKeyRevoked', data: { apiKeyId: 'key_1', reason: 'x', revokedAt: NOW } }])
      .when(revoke)
      .thenRefuses('api_key_not_active'));
  it('refuses to revoke a key that was never issued, as not found', () =>
    given([]).when(revoke).thenRefuses('api_key_not_found'));
});
