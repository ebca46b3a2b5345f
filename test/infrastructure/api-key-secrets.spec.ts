import assert from 'node:assert/strict';
import {
  generateApiKey,
  hashApiKey,
  parseApiKey,
  verifyApiKey,
} from '../../src/infrastructure/api-keys/api-key-secrets';

describe('API keys', () => {
  it('generates a live key in the documented format', () => {
    const { key, prefix, hash } = generateApiKey('live');
    assert.match(key, /^epk_live_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    assert.match(prefix, /^[a-z2-7]{12}$/);
    assert.ok(key.startsWith(`epk_live_${prefix}_`));
    assert.equal(hash, hashApiKey(key));
    assert.match(hash, /^[0-9a-f]{64}$/);
  });

  it('generates test keys, each different', () => {
    const keys = Array.from({ length: 50 }, () => generateApiKey('test'));
    assert.ok(keys.every(({ key }) => key.startsWith('epk_test_')));
    assert.equal(new Set(keys.map(({ key }) => key)).size, 50);
    assert.equal(new Set(keys.map(({ prefix }) => prefix)).size, 50);
  });

  it('draws the secret from 32 random bytes', () => {
    const requested: number[] = [];
    const { key } = generateApiKey('test', (size) => {
      requested.push(size);
      return Buffer.alloc(size, 0xff);
    });
    assert.deepEqual(requested, [12, 32]);
    assert.equal(key, `epk_test_777777777777_${Buffer.alloc(32, 0xff).toString('base64url')}`);
  });

  it('hashes with SHA-256', () => {
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('parses the environment and prefix of a well-formed key, secrets with _ and - included', () => {
    const key = `epk_test_abcdefgh2345_${'_-'.repeat(22)}`;
    assert.deepEqual(parseApiKey(key), { env: 'test', prefix: 'abcdefgh2345' });
    const { key: generated, prefix } = generateApiKey('live');
    assert.deepEqual(parseApiKey(generated), { env: 'live', prefix });
  });

  it('refuses malformed keys', () => {
    const secret = 'A'.repeat(43);
    const malformed = [
      '',
      'epk_live_abcdefgh2345',
      `epk_prod_abcdefgh2345_${secret}`,
      `epk_live_ABCDEFGH2345_${secret}`,
      `epk_live_abcdefgh234_${secret}`,
      `epk_live_abcdefgh23456_${secret}`,
      `epk_live_abcdefgh2345_${'A'.repeat(42)}`,
      `epk_live_abcdefgh2345_${'A'.repeat(129)}`,
      `epk_live_abcdefgh2345_${'A'.repeat(42)}=`,
      `sk_live_abcdefgh2345_${secret}`,
      ` epk_live_abcdefgh2345_${secret}`,
      `epk_live_abcdefgh2345_${secret}\n`,
    ];
    for (const key of malformed) assert.equal(parseApiKey(key), null, JSON.stringify(key));
  });

  it('verifies a key against its stored hash only', () => {
    const { key, hash } = generateApiKey('live');
    const other = generateApiKey('live');
    assert.equal(verifyApiKey(key, hash), true);
    assert.equal(verifyApiKey(other.key, hash), false);
    assert.equal(verifyApiKey(key, other.hash), false);
    assert.equal(verifyApiKey(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, hash), false);
  });

  it('refuses stored hashes that are not SHA-256 hex, and malformed keys', () => {
    const { key, hash } = generateApiKey('test');
    assert.equal(verifyApiKey(key, hash.toUpperCase()), false);
    assert.equal(verifyApiKey(key, hash.slice(0, 62)), false);
    assert.equal(verifyApiKey(key, ''), false);
    assert.equal(verifyApiKey('not-a-key', hashApiKey('not-a-key')), false);
  });
});
