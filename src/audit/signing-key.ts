import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** True when no key was configured and the fixed development key is in use: it proves nothing. */
  developmentKey: boolean;
}

/** PKCS8 DER of an Ed25519 key is this prefix and the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Only for development: anyone with this source can sign checkpoints with it. */
const developmentPrivateKey = (): KeyObject =>
  createPrivateKey({
    key: Buffer.concat([
      ED25519_PKCS8_PREFIX,
      createHash('sha256').update('edgepay development audit signing key').digest(),
    ]),
    format: 'der',
    type: 'pkcs8',
  });

const assertEd25519 = (key: KeyObject): KeyObject => {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the audit key must be an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  }
  return key;
};

/** A PEM text, or base64 of the DER bytes (PKCS8 for a private key, SPKI for a public one). */
const isPem = (text: string): boolean => text.includes('-----BEGIN');

export const parsePrivateKey = (text: string): KeyObject =>
  assertEd25519(
    isPem(text)
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' }),
  );

export const parsePublicKey = (text: string): KeyObject => {
  if (isPem(text) && text.includes('PRIVATE KEY'))
    return assertEd25519(createPublicKey(parsePrivateKey(text)));
  return assertEd25519(
    isPem(text)
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' }),
  );
};

/** Names a public key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);

export const publicKeyPem = (publicKey: KeyObject): string =>
  publicKey.export({ format: 'pem', type: 'spki' }).toString();

export const loadAuditSigningKey = (configured: string | undefined): AuditSigningKey => {
  const privateKey = configured ? parsePrivateKey(configured) : developmentPrivateKey();
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), developmentKey: !configured };
};
