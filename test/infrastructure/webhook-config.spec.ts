import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/infrastructure/config';

const auditKey = generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

const production = {
  EDGEPAY_ENV: 'production',
  JWT_JWKS_URL: 'https://auth.example.com/jwks.json',
  AUDIT_SIGNING_KEY: auditKey,
};
const key = Buffer.alloc(32, 1).toString('base64');

describe('configuration: webhooks', () => {
  it('defaults to the Standard Webhooks behaviour, private addresses refused', () => {
    const config = loadConfig({});
    assert.deepEqual(
      [config.WEBHOOK_ALLOW_PRIVATE_URLS, config.WEBHOOK_TIMEOUT_MS, config.WEBHOOK_DISABLE_AFTER_HOURS],
      [false, 15_000, 120],
    );
    assert.equal(config.WEBHOOK_RETRY_SCHEDULE_MS, undefined);
    assert.deepEqual(
      loadConfig({ WEBHOOK_RETRY_SCHEDULE_MS: '0,100,250' }).WEBHOOK_RETRY_SCHEDULE_MS,
      [0, 100, 250],
    );
  });

  it('requires an encryption key for signing secrets in production', () => {
    assert.throws(() => loadConfig(production), /WEBHOOK_SECRET_ENCRYPTION_KEY/);
    assert.equal(loadConfig({ ...production, WEBHOOK_SECRET_ENCRYPTION_KEY: key }).EDGEPAY_ENV, 'production');
  });

  it('refuses webhooks to private addresses in production', () =>
    assert.throws(
      () =>
        loadConfig({ ...production, WEBHOOK_SECRET_ENCRYPTION_KEY: key, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }),
      /WEBHOOK_ALLOW_PRIVATE_URLS/,
    ));

  it('refuses a key that is not 32 bytes and a malformed schedule', () => {
    assert.throws(() => loadConfig({ WEBHOOK_SECRET_ENCRYPTION_KEY: 'c2hvcnQ=' }), ConfigError);
    assert.throws(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE_MS: '0,5s' }), ConfigError);
  });
});
