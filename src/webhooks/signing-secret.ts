import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes, which are the HMAC key. */
export const generateSigningSecret = (): string => `${PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;

export const signingKeyOf = (secret: string): Buffer => {
  if (!secret.startsWith(PREFIX)) throw new Error('a signing secret starts with whsec_');
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  if (key.length === 0) throw new Error('empty signing secret');
  return key;
};
