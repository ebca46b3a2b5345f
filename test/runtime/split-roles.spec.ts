import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/infrastructure/config';
import { assertRolesCanShare } from '../../src/runtime/split-roles';

describe('running only some roles', () => {
  it('is fine for all three roles on the embedded default', () => {
    assertRolesCanShare(['api', 'projector', 'worker'], loadConfig({}));
  });

  it('refuses a lone role without shared read models and queue, naming what is missing', () => {
    assert.throws(
      () => assertRolesCanShare(['api'], loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })),
      (error: unknown) =>
        error instanceof ConfigError && /MONGODB_URL/.test(error.message) && !/REDIS_URL/.test(error.message),
    );
    assert.throws(
      () => assertRolesCanShare(['worker'], loadConfig({ MONGODB_URL: 'mongodb://db:27017' })),
      /REDIS_URL/,
    );
  });

  it('accepts a lone role with MongoDB and Redis', () => {
    assertRolesCanShare(
      ['projector'],
      loadConfig({ MONGODB_URL: 'mongodb://db:27017', REDIS_URL: 'redis://r:6379' }),
    );
  });
});
