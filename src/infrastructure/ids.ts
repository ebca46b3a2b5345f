import { createHash, randomUUID } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Resource ids: a type prefix and a ULID, e.g. `pi_01JD...`. Sortable by creation time. */
export const newId = (prefix: string): string => `${prefix}_${nextUlid()}`;

export const newUuid = (): string => randomUUID();

/** A UUID (version 5 layout) derived from the given parts: the same parts always give the same id. */
export const deterministicUuid = (...parts: string[]): string => {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A resource id in the same alphabet and length as newId's, derived from the parts (e.g. credential and
 * Idempotency-Key), so a create retried after a crash names the same resource instead of a second one.
 */
export const deterministicId = (prefix: string, ...parts: string[]): string => {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  const chars = Array.from(hash.subarray(0, 26), (byte) => CROCKFORD[byte & 31]);
  return `${prefix}_${chars.join('')}`;
};
