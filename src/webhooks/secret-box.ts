import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedSecret } from '../domain/webhook-subscription/webhook-subscription.events';

const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * Signing secrets are kept encrypted (AES-256-GCM) in the event streams: the worker needs the plain
 * secret to sign, so a hash would not do, and streams are exported and replayed by auditors.
 * The subscription id is authenticated data, so a ciphertext copied to another subscription fails.
 */
export interface SecretBox {
  readonly keyId: string;
  /** True when no key was configured and the fixed development key is in use. */
  readonly developmentKey: boolean;
  encrypt(secret: string, subscriptionId: string): EncryptedSecret;
  decrypt(encrypted: EncryptedSecret, subscriptionId: string): string;
}

/** Only for development: anyone with this source can read secrets encrypted with it. */
const DEVELOPMENT_KEY = createHash('sha256').update('edgepay development webhook secret key').digest();

export const parseEncryptionKey = (base64: string): Buffer => {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the key must be ${KEY_BYTES} bytes, base64 encoded`);
  return key;
};

export const createSecretBox = (keyBase64: string | undefined): SecretBox => {
  const key = keyBase64 === undefined ? DEVELOPMENT_KEY : parseEncryptionKey(keyBase64);
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return {
    keyId,
    developmentKey: keyBase64 === undefined,
    encrypt(secret, subscriptionId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(subscriptionId));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return {
        alg: 'A256GCM',
        keyId,
        iv: iv.toString('base64'),
        ciphertext: ciphertext.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      };
    },
    decrypt(encrypted, subscriptionId) {
      if (encrypted.keyId !== keyId) {
        throw new Error(
          `the signing secret of ${subscriptionId} was encrypted with key ${encrypted.keyId}, not the configured ${keyId}`,
        );
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(encrypted.iv, 'base64'));
      decipher.setAAD(Buffer.from(subscriptionId));
      decipher.setAuthTag(Buffer.from(encrypted.tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(encrypted.ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
};
