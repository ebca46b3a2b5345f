import assert from 'node:assert/strict';
import { unverifiedIdTokenClaims } from '../../../src/integrations/edenred/edenred-id-token';
import {
  extraField,
  hmacSha256ExtraFieldHash,
  turkeyTimestamp,
} from '../../../src/integrations/edenred/edenred-transaction-fields';

describe('Edenred transaction fields', () => {
  it('writes tstamp as Turkey wall-clock time (UTC+3) in the guide example shape', () => {
    assert.equal(turkeyTimestamp(new Date('2021-03-12T12:30:54.123Z')), '2021-03-12T15:30:54Z');
  });

  it('moves the date with Turkey, not with UTC, around midnight and the new year', () => {
    assert.equal(turkeyTimestamp(new Date('2026-11-27T22:30:05Z')), '2026-11-28T01:30:05Z');
    assert.equal(turkeyTimestamp(new Date('2026-12-31T21:00:00Z')), '2027-01-01T00:00:00Z');
    assert.equal(turkeyTimestamp(new Date('2026-12-31T20:59:59.999Z')), '2026-12-31T23:59:59Z');
  });

  it('keeps UTC+3 in summer too (Turkey has no daylight saving)', () => {
    assert.equal(turkeyTimestamp(new Date('2026-07-01T09:00:00Z')), '2026-07-01T12:00:00Z');
  });

  it('builds extra_field as BatchNo|ServiceId|TerminalNo|TransactionSource|HMAC-SHA256 hex', () => {
    const parts = { batchNo: '1000', serviceId: '300051', terminalNo: '17', transactionSource: 'EDGEPAY' };
    // Test vector: printf '1000|300051|17|EDGEPAY' | openssl dgst -sha256 -hmac merchant-secret
    assert.equal(
      extraField(parts, hmacSha256ExtraFieldHash('merchant-secret')),
      '1000|300051|17|EDGEPAY|c59d0335c6735242bdbe094f6609229bd6f354941b9a94ec567a219182e056ec',
    );
    assert.notEqual(
      extraField(parts, hmacSha256ExtraFieldHash('another-secret')),
      extraField(parts, hmacSha256ExtraFieldHash('merchant-secret')),
    );
  });

  it('takes a configured hash function instead of the default', () => {
    const parts = { batchNo: '1', serviceId: '2', terminalNo: '3', transactionSource: 'S' };
    assert.equal(
      extraField(parts, (given) => `h(${given.terminalNo})`),
      '1|2|3|S|h(3)',
    );
  });

  it('reads id_token claims and refuses what is not a JWT with a JSON payload', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'user-1' })).toString('base64url');
    assert.deepEqual(unverifiedIdTokenClaims(`e30.${payload}.sig`), { sub: 'user-1' });
    assert.equal(unverifiedIdTokenClaims('not-a-jwt'), undefined);
    assert.equal(unverifiedIdTokenClaims(`e30.${Buffer.from('[1]').toString('base64url')}.sig`), undefined);
    assert.equal(unverifiedIdTokenClaims('e30.%%%.sig'), undefined);
  });
});
