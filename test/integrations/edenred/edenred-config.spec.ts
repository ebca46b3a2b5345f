import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/infrastructure/config';
import { edenredConfigSummary, loadEdenredConfig } from '../../../src/integrations/edenred/edenred-config';

const VALID = {
  EDENRED_AUTH_URL: 'https://sso.sbx.edenred.io',
  EDENRED_API_URL: 'https://directpayment.stg.eu.edenred.io',
  EDENRED_CLIENT_ID: 'sso-client',
  EDENRED_CLIENT_SECRET: 'sso-client-secret-value',
  EDENRED_PAYMENT_CLIENT_ID: 'payment-client',
  EDENRED_PAYMENT_CLIENT_SECRET: 'payment-client-secret-value',
  EDENRED_MID: '17',
  EDENRED_BATCH_NO: '1000',
  EDENRED_SERVICE_ID: '300051',
  EDENRED_TERMINAL_NO: '17',
  EDENRED_TRANSACTION_SOURCE: 'WCE6nGxCKdxtCR(',
  EDENRED_HASH_SECRET: 'merchant-hash-secret',
};

describe('Edenred configuration (EDENRED_*)', () => {
  it('is off (undefined) when no EDENRED_ variable is set, empty ones included', () => {
    assert.equal(loadEdenredConfig({ PORT: '3000', EDENRED_MID: '' }), undefined);
  });

  it('reads a complete set with its defaults', () => {
    const config = loadEdenredConfig({ ...VALID, OTHER: 'x' });
    assert.equal(config?.EDENRED_MID, '17');
    assert.equal(config?.EDENRED_SCOPES, 'openid offline_access');
    assert.equal(config?.EDENRED_USERNAME_CLAIM, 'sub');
    assert.equal(config?.EDENRED_TIMEOUT_MS, 10_000);
    assert.equal(config?.EDENRED_TRANSACTION_TIMEOUT_MS, 30_000);
    assert.equal(config?.EDENRED_RETRY_ATTEMPTS, 2);
    assert.equal(config?.EDENRED_TRANSACTION_LOOKUP, false);
    assert.equal(
      loadEdenredConfig({ ...VALID, EDENRED_TRANSACTION_LOOKUP: 'true' })?.EDENRED_TRANSACTION_LOOKUP,
      true,
    );
  });

  it('names every missing or invalid variable, never a value', () => {
    const env = {
      ...VALID,
      EDENRED_API_URL: 'not a url',
      EDENRED_MID: 'M17',
      EDENRED_TERMINAL_NO: '17|18',
      EDENRED_CLIENT_SECRET: 'short',
      EDENRED_RETRY_ATTEMPTS: '9',
      EDENRED_TRANSACTION_LOOKUP: 'yes',
    } as Record<string, string>;
    delete env.EDENRED_HASH_SECRET;
    try {
      loadEdenredConfig(env);
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      for (const name of [
        'EDENRED_API_URL',
        'EDENRED_MID',
        'EDENRED_TERMINAL_NO',
        'EDENRED_CLIENT_SECRET',
        'EDENRED_RETRY_ATTEMPTS',
        'EDENRED_TRANSACTION_LOOKUP',
        'EDENRED_HASH_SECRET',
      ]) {
        assert.match(error.message, new RegExp(name));
      }
      assert.doesNotMatch(error.message, /short|M17|not a url/);
    }
  });

  it('summarises itself for a log line without its secrets', () => {
    const config = loadEdenredConfig(VALID);
    assert.ok(config);
    const summary = JSON.stringify(edenredConfigSummary(config));
    for (const secret of [
      VALID.EDENRED_CLIENT_SECRET,
      VALID.EDENRED_PAYMENT_CLIENT_SECRET,
      VALID.EDENRED_HASH_SECRET,
    ]) {
      assert.ok(!summary.includes(secret));
    }
    assert.match(summary, /"EDENRED_MID":"17"/);
    assert.match(summary, /"EDENRED_HASH_SECRET":"\[set\]"/);
  });
});
