import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/infrastructure/config';

describe('configuration', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 3000);
    assert.equal(config.EDGEPAY_ENV, 'development');
    assert.equal(config.EVENTSTORE_URL, undefined);
    assert.equal(config.SQLITE_SYNCHRONOUS, 'FULL');
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ JWT_JWKS_URL: '', PORT: '' }).PORT, 3000);
  });

  it('refuses bad values with a message naming each variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', EVENTSTORE_URL: 'postgres://x', JWT_SECRET: 'short' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /PORT/.test(error.message) &&
        /EVENTSTORE_URL/.test(error.message) &&
        /JWT_SECRET/.test(error.message),
    );
  });

  it('refuses an HS256 secret as the only JWT key in production', () => {
    assert.throws(() => loadConfig({ EDGEPAY_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }), ConfigError);
  });
});
