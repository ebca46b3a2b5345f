import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `epk_live_<prefix>_<secret>`: the prefix (12 lowercase base32 characters, 60 bits)
 * finds the stored record, the secret (32 random bytes, base64url) proves possession. Only the hash is
 * stored; the key is shown once.
 */

export type ApiKeyEnvironment = 'live' | 'test';

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

const base32Alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
const prefixLength = 12;
const secretBytes = 32;
// base64url of 32 bytes is 43 characters; longer secrets are accepted, absurd lengths are not hashed.
const keyPattern = /^epk_(live|test)_([a-z2-7]{12})_([A-Za-z0-9_-]{43,128})$/;
const sha256HexPattern = /^[0-9a-f]{64}$/;

const randomBase32 = (length: number, random: (size: number) => Buffer): string =>
  // Each byte picks one of 32 letters by its low 5 bits: 256 is a multiple of 32, so there is no bias.
  Array.from(random(length), (byte) => base32Alphabet[byte & 31]).join('');

export const generateApiKey = (
  env: ApiKeyEnvironment,
  random: (size: number) => Buffer = randomBytes,
): GeneratedApiKey => {
  const prefix = randomBase32(prefixLength, random);
  const key = `epk_${env}_${prefix}_${random(secretBytes).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
};

/**
 * One SHA-256, not bcrypt or scrypt: slow hashes protect guessable passwords, while a 256-bit random
 * secret cannot be brute-forced from its hash anyway, and a fast hash keeps every request cheap.
 */
export const hashApiKey = (key: string): string => hash('sha256', key, 'hex');

export const parseApiKey = (key: string): { env: ApiKeyEnvironment; prefix: string } | null => {
  const match = keyPattern.exec(key);
  if (!match) return null;
  return { env: match[1] as ApiKeyEnvironment, prefix: match[2] as string };
};

export const verifyApiKey = (key: string, storedHash: string): boolean => {
  if (!sha256HexPattern.test(storedHash) || parseApiKey(key) === null) return false;
  return timingSafeEqual(hash('sha256', key, 'buffer'), Buffer.from(storedHash, 'hex'));
};
