import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  checkpointSignatureProblem,
  signCheckpoint,
  type SignedCheckpoint,
} from '../../src/audit/checkpoint';
import { loadAuditSigningKey, parsePublicKey, publicKeyPem } from '../../src/audit/signing-key';
import { ConfigError, loadConfig } from '../../src/infrastructure/config';

const production = { EDGEPAY_ENV: 'production', JWT_JWKS_URL: 'https://auth.example.com/jwks.json' };
const webhookKey = Buffer.alloc(32, 7).toString('base64');

const body = {
  developmentKey: false,
  signedAt: '2026-03-02T09:00:00.000Z',
  position: '42',
  eventCount: 42,
  streamCount: 2,
  heads: [
    { streamName: 'terminal-trm_2', revision: 3, hash: 'b'.repeat(64) },
    { streamName: 'payment_intent-pi_1', revision: 1, hash: 'a'.repeat(64) },
  ],
};

describe('audit signing key and checkpoint signatures', () => {
  const pair = generateKeyPairSync('ed25519');
  const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

  it('reads the key as PEM or as base64 DER, and refuses other key types', () => {
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    assert.equal(loadAuditSigningKey(pem).keyId, loadAuditSigningKey(der).keyId);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    assert.throws(() => loadAuditSigningKey(rsa.toString()), /Ed25519/);
  });

  it('uses a marked development key when none is configured, and refuses that in production', () => {
    const development = loadAuditSigningKey(undefined);
    assert.equal(development.developmentKey, true);
    assert.equal(loadAuditSigningKey(undefined).keyId, development.keyId, 'the same every start');
    assert.throws(
      () => loadConfig({ ...production, WEBHOOK_SECRET_ENCRYPTION_KEY: webhookKey }),
      /AUDIT_SIGNING_KEY/,
    );
    const config = loadConfig({
      ...production,
      WEBHOOK_SECRET_ENCRYPTION_KEY: webhookKey,
      AUDIT_SIGNING_KEY: pem,
    });
    assert.equal(config.AUDIT_SIGNING_KEY, pem);
    assert.throws(() => loadConfig({ AUDIT_SIGNING_KEY: 'bm90IGEga2V5' }), ConfigError);
  });

  it('signs a checkpoint that only its public key verifies, and notices any change', () => {
    const key = loadAuditSigningKey(pem);
    const checkpoint = signCheckpoint(body, key);
    assert.deepEqual(
      checkpoint.heads.map((head) => head.streamName),
      ['payment_intent-pi_1', 'terminal-trm_2'],
    );
    const publicOnly = parsePublicKey(publicKeyPem(key.publicKey));
    assert.equal(checkpointSignatureProblem(checkpoint, publicOnly), undefined);

    const edited: SignedCheckpoint = {
      ...checkpoint,
      heads: checkpoint.heads.filter((head) => head.streamName !== 'terminal-trm_2'),
    };
    assert.match(checkpointSignatureProblem(edited, publicOnly)!, /does not match/);
    const other = loadAuditSigningKey(undefined);
    assert.match(checkpointSignatureProblem(checkpoint, other.publicKey)!, /not the trusted key/);
    assert.equal(
      checkpointSignatureProblem(checkpoint, [other.publicKey, publicOnly]),
      undefined,
      'rotation',
    );
  });
});
