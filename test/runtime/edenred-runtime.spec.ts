import assert from 'node:assert/strict';
import { systemClock } from '../../src/infrastructure/clock';
import { ConfigError, loadConfig } from '../../src/infrastructure/config';
import { InProcessJobQueue } from '../../src/infrastructure/job-queue/in-process-job-queue';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import { edenredRuntime } from '../../src/runtime/edenred';
import { FakeEdenred } from '../support/fake-edenred-client';
import { InMemoryEventStore } from '../support/in-memory-event-store';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('Edenred runtime: refuses to start in production without its own settings', () => {
  const runtimeWith = (env: Record<string, string>, production: boolean) => () =>
    edenredRuntime({
      config: {
        ...loadConfig({ EDGEPAY_DATA_DIR: '/tmp/unused', ...env }),
        ...(production ? { EDGEPAY_ENV: 'production' as const } : {}),
      },
      logger: silentLogger(),
      clock: systemClock,
      eventStore: new InMemoryEventStore(),
      readStore: new MemoryReadStore(),
      jobQueue: new InProcessJobQueue({ logger: silentLogger() }),
      client: new FakeEdenred(systemClock),
      roles: ['api'],
      paymentIntents: () => {
        throw new Error('not needed');
      },
    });

  it('needs the token encryption key and the callback URL in production', () => {
    assert.throws(
      runtimeWith({ EDENRED_CALLBACK_URL: 'https://pay.example/v1/edenred/callback' }, true),
      ConfigError,
    );
    assert.throws(runtimeWith({ EDENRED_TOKEN_ENCRYPTION_KEY: KEY }, true), ConfigError);
    assert.doesNotThrow(
      runtimeWith(
        {
          EDENRED_TOKEN_ENCRYPTION_KEY: KEY,
          EDENRED_CALLBACK_URL: 'https://pay.example/v1/edenred/callback',
        },
        true,
      ),
    );
  });

  it('runs on the development key and a local callback outside production', () =>
    assert.doesNotThrow(runtimeWith({}, false)));

  it('validates its variables at start', () => {
    assert.throws(() => loadConfig({ EDENRED_TOKEN_ENCRYPTION_KEY: 'short' }), ConfigError);
    assert.throws(() => loadConfig({ EDENRED_ORDER_REF_START: '2147483647' }), ConfigError);
    assert.throws(() => loadConfig({ EDENRED_CALLBACK_URL: 'not a url' }), ConfigError);
  });

  it('a half-configured Edenred client is a start-up error naming the variables, never their values', () => {
    const secret = 'a-client-secret-never-printed';
    assert.throws(
      () =>
        loadConfig({
          EDENRED_AUTH_URL: 'https://sso.example',
          EDENRED_CLIENT_SECRET: secret,
          EDENRED_MID: 'not digits',
        }),
      (error: Error) =>
        error instanceof ConfigError &&
        /EDENRED_API_URL: required/.test(error.message) &&
        /EDENRED_PAYMENT_CLIENT_SECRET: required/.test(error.message) &&
        /EDENRED_MID: must be digits/.test(error.message) &&
        !error.message.includes(secret) &&
        !error.message.includes('not digits'),
    );
    assert.equal(loadConfig({ EDGEPAY_DATA_DIR: '/tmp/unused' }).EDENRED_SIMULATOR, true);
  });
});
