import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { AuthenticationError } from '../../../src/http/auth/authentication-error';
import { signDevelopmentToken } from '../../../src/http/auth/development-token';
import {
  createJwtVerifier,
  JwtVerifierConfigError,
  type JwtVerifier,
} from '../../../src/http/auth/jwt-verifier';
import { ManualClock } from '../../../src/infrastructure/clock';

const secret = 'a-development-secret-of-at-least-32-chars';
const issuer = 'https://id.edgepay.test';
const audience = 'edgepay-gateway';
const start = new Date('2026-01-15T10:00:00.000Z');
const startSeconds = start.getTime() / 1000;

const standardClaims = (overrides: JWTPayload = {}): JWTPayload => ({
  iss: issuer,
  aud: audience,
  sub: 'operator-7',
  mid: 'mer_01',
  scope: 'payments:read payments:write',
  iat: startSeconds,
  exp: startSeconds + 600,
  ...overrides,
});

const sign = (key: CryptoKey | Uint8Array, alg: string, claims: JWTPayload, kid?: string): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) }).sign(key);

const hs256Key = new TextEncoder().encode(secret);
const signHs256 = (overrides: JWTPayload = {}) => sign(hs256Key, 'HS256', standardClaims(overrides));

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Expects verify() to reject with an AuthenticationError of `code` that does not leak the token. */
const rejects = async (verifier: JwtVerifier, token: string, code: string): Promise<AuthenticationError> => {
  const error = await verifier.verify(token).then(
    () => assert.fail(`expected ${code}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof AuthenticationError, `expected an AuthenticationError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (token.length > 0) {
    assert.ok(!error.message.includes(token), 'the message must not contain the token');
    for (const part of token.split('.').filter((p) => p.length > 8)) assert.ok(!error.message.includes(part));
  }
  return error;
};

describe('JWT verifier', () => {
  describe('HS256 with a shared secret', () => {
    let clock: ManualClock;
    let verifier: JwtVerifier;
    beforeEach(async () => {
      clock = new ManualClock(start);
      verifier = await createJwtVerifier({ secret, issuer, audience, clock });
    });

    it('maps a good token to a principal', async () => {
      const principal = await verifier.verify(await signHs256({ tid: 'trm_9' }));
      assert.deepEqual(
        { ...principal, scopes: [...principal.scopes] },
        {
          credentialId: 'jwt:operator-7',
          kind: 'jwt',
          merchantId: 'mer_01',
          terminalId: 'trm_9',
          scopes: ['payments:read', 'payments:write'],
        },
      );
    });

    it('leaves terminalId out and scopes empty when the claims are absent', async () => {
      const principal = await verifier.verify(await signHs256({ scope: undefined }));
      assert.equal('terminalId' in principal, false);
      assert.equal(principal.scopes.size, 0);
    });

    it('accepts tokens from signDevelopmentToken', async () => {
      const token = await signDevelopmentToken({
        secret,
        issuer,
        audience,
        subject: 'cli',
        merchantId: 'mer_02',
        terminalId: 'trm_1',
        scopes: ['admin'],
        issuedAt: startSeconds,
        expiresInSeconds: 60,
      });
      const principal = await verifier.verify(token);
      assert.equal(principal.credentialId, 'jwt:cli');
      assert.equal(principal.merchantId, 'mer_02');
      assert.equal(principal.terminalId, 'trm_1');
      assert.deepEqual([...principal.scopes], ['admin']);
      clock.advance(61_000);
      await rejects(verifier, token, 'token_expired');
    });

    it('refuses an expired token, with no tolerance by default', async () => {
      const token = await signHs256({ exp: startSeconds - 1 });
      await rejects(verifier, token, 'token_expired');
    });

    it('honours the configured clock tolerance', async () => {
      const tolerant = await createJwtVerifier({ secret, issuer, audience, clock, clockToleranceSec: 30 });
      assert.equal((await tolerant.verify(await signHs256({ exp: startSeconds - 20 }))).merchantId, 'mer_01');
      await rejects(tolerant, await signHs256({ exp: startSeconds - 40 }), 'token_expired');
    });

    it('refuses a token that is not valid yet', async () => {
      const error = await rejects(verifier, await signHs256({ nbf: startSeconds + 60 }), 'invalid_token');
      assert.match(error.message, /not valid yet/);
    });

    it('refuses a wrong issuer or audience', async () => {
      assert.match(
        (await rejects(verifier, await signHs256({ iss: 'evil' }), 'invalid_token')).message,
        /issuer/,
      );
      assert.match(
        (await rejects(verifier, await signHs256({ aud: 'other' }), 'invalid_token')).message,
        /audience/,
      );
    });

    it('requires iss, aud, exp and sub', async () => {
      for (const claim of ['iss', 'aud', 'exp', 'sub'] as const) {
        await rejects(verifier, await signHs256({ [claim]: undefined }), 'invalid_token');
      }
    });

    it('requires a merchant and a well-formed terminal and scope', async () => {
      assert.match(
        (await rejects(verifier, await signHs256({ mid: undefined }), 'invalid_token')).message,
        /mid/,
      );
      await rejects(verifier, await signHs256({ mid: '' }), 'invalid_token');
      await rejects(verifier, await signHs256({ mid: 42 }), 'invalid_token');
      await rejects(verifier, await signHs256({ tid: 7 }), 'invalid_token');
      await rejects(verifier, await signHs256({ scope: ['admin'] }), 'invalid_token');
    });

    it('refuses alg none', async () => {
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(standardClaims({ scope: 'admin' }))}.`;
      await rejects(verifier, token, 'invalid_token');
    });

    it('refuses a tampered signature or payload', async () => {
      const token = await signHs256();
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const middle = Math.floor(signature.length / 2);
      const flipped = signature[middle] === 'A' ? 'B' : 'A';
      const tamperedSignature = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
      assert.match((await rejects(verifier, tamperedSignature, 'invalid_token')).message, /signature/);
      const tamperedPayload = `${header}.${base64url(standardClaims({ mid: 'mer_victim' }))}.${signature}`;
      await rejects(verifier, tamperedPayload, 'invalid_token');
    });

    it('refuses a token signed with another secret', async () => {
      const other = new TextEncoder().encode('another-secret-that-is-also-32-chars-long');
      await rejects(verifier, await sign(other, 'HS256', standardClaims()), 'invalid_token');
    });

    it('refuses another HMAC algorithm and asymmetric tokens', async () => {
      await rejects(verifier, await sign(hs256Key, 'HS512', standardClaims()), 'invalid_token');
      const { privateKey } = await generateKeyPair('ES256');
      await rejects(verifier, await sign(privateKey, 'ES256', standardClaims()), 'invalid_token');
    });

    it('refuses garbage and empty tokens', async () => {
      await rejects(verifier, 'not.a.jwt', 'invalid_token');
      await rejects(verifier, 'garbage', 'invalid_token');
      await rejects(verifier, '', 'missing_credentials');
    });
  });

  describe('lifetime: iat required, not in the future, exp - iat bounded per kind', () => {
    const clock = new ManualClock(start);
    const HOUR = 3600;
    let verifier: JwtVerifier;
    before(async () => {
      verifier = await createJwtVerifier({
        secret,
        issuer,
        audience,
        clock,
        clockToleranceSec: 30,
        maxLifetimeSec: { terminal: 24 * HOUR, operator: HOUR },
      });
    });

    it('refuses a token without iat', async () => {
      const error = await rejects(verifier, await signHs256({ iat: undefined }), 'invalid_token');
      assert.match(error.message, /iat/);
    });

    it('refuses iat in the future beyond the leeway, accepts it within', async () => {
      const future = await signHs256({ iat: startSeconds + 31, exp: startSeconds + 600 });
      assert.match((await rejects(verifier, future, 'invalid_token')).message, /issued in the future/);
      const skewed = await signHs256({ iat: startSeconds + 29, exp: startSeconds + 600 });
      assert.equal((await verifier.verify(skewed)).merchantId, 'mer_01');
    });

    it('refuses a 100-year token, for operators and terminals alike', async () => {
      const century = { exp: startSeconds + 100 * 365 * 24 * HOUR };
      await rejects(verifier, await signHs256(century), 'invalid_token');
      await rejects(verifier, await signHs256({ ...century, tid: 'trm_1' }), 'invalid_token');
    });

    it('holds each kind to its own maximum', async () => {
      const day = { exp: startSeconds + 24 * HOUR };
      assert.equal((await verifier.verify(await signHs256({ ...day, tid: 'trm_1' }))).terminalId, 'trm_1');
      const error = await rejects(verifier, await signHs256(day), 'invalid_token');
      assert.match(error.message, /3600 seconds allowed for operator tokens/);
      assert.equal(
        (await verifier.verify(await signHs256({ exp: startSeconds + HOUR }))).merchantId,
        'mer_01',
      );
    });
  });

  describe('a public key in PEM', () => {
    it('verifies ES256 tokens and refuses HS256 tokens keyed by the PEM text (algorithm confusion)', async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const publicKeyPem = await exportSPKI(publicKey);
      const clock = new ManualClock(start);
      const verifier = await createJwtVerifier({ publicKeyPem, issuer, audience, clock });

      const principal = await verifier.verify(
        await sign(privateKey, 'ES256', standardClaims({ tid: 'trm_4' })),
      );
      assert.equal(principal.terminalId, 'trm_4');

      const confused = await sign(new TextEncoder().encode(publicKeyPem), 'HS256', standardClaims());
      await rejects(verifier, confused, 'invalid_token');
      await rejects(
        verifier,
        await sign(privateKey, 'ES256', standardClaims({ exp: startSeconds - 1 })),
        'token_expired',
      );

      const stranger = await generateKeyPair('ES256');
      await rejects(verifier, await sign(stranger.privateKey, 'ES256', standardClaims()), 'invalid_token');
    });

    it('verifies RS256 and EdDSA keys with their own algorithm', async () => {
      const clock = new ManualClock(start);
      for (const alg of ['RS256', 'EdDSA'] as const) {
        const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
        const verifier = await createJwtVerifier({
          publicKeyPem: await exportSPKI(publicKey),
          issuer,
          audience,
          clock,
        });
        assert.equal(
          (await verifier.verify(await sign(privateKey, alg, standardClaims()))).merchantId,
          'mer_01',
        );
      }
    });
  });

  describe('a JWKS endpoint', () => {
    let server: Server;
    let jwksUrl: string;
    let privateKey: CryptoKey;
    let jwks: { keys: JWK[] };
    let failing: boolean;
    const clock = new ManualClock(start);

    before(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }] };
      server = createServer((_request, response) => {
        if (failing) {
          response.writeHead(500).end();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    beforeEach(() => {
      failing = false;
    });
    after(async () => {
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    });

    it('verifies tokens signed by a published key', async () => {
      const verifier = await createJwtVerifier({ jwksUrl, issuer, audience, clock });
      const principal = await verifier.verify(await sign(privateKey, 'ES256', standardClaims(), 'key-1'));
      assert.equal(principal.credentialId, 'jwt:operator-7');
    });

    it('refuses tokens whose key is not published', async () => {
      const verifier = await createJwtVerifier({ jwksUrl, issuer, audience, clock });
      const stranger = await generateKeyPair('ES256');
      await rejects(
        verifier,
        await sign(stranger.privateKey, 'ES256', standardClaims(), 'key-2'),
        'invalid_token',
      );
      await rejects(
        verifier,
        await sign(stranger.privateKey, 'ES256', standardClaims(), 'key-1'),
        'invalid_token',
      );
      await rejects(verifier, await signHs256(), 'invalid_token');
    });

    it('reports an unreachable JWKS as verifier_unavailable, not as a bad token', async () => {
      failing = true;
      const verifier = await createJwtVerifier({ jwksUrl, issuer, audience, clock });
      await rejects(
        verifier,
        await sign(privateKey, 'ES256', standardClaims(), 'key-1'),
        'verifier_unavailable',
      );
    });
  });

  describe('configuration', () => {
    it('needs exactly one key source', async () => {
      await assert.rejects(createJwtVerifier({ issuer, audience }), JwtVerifierConfigError);
      await assert.rejects(
        createJwtVerifier({ secret, jwksUrl: 'https://id.example/jwks', issuer, audience }),
        JwtVerifierConfigError,
      );
    });

    it('refuses short secrets and unusable public keys', async () => {
      await assert.rejects(createJwtVerifier({ secret: 'short', issuer, audience }), JwtVerifierConfigError);
      await assert.rejects(
        createJwtVerifier({ publicKeyPem: 'not a pem', issuer, audience }),
        JwtVerifierConfigError,
      );
      const { publicKey } = await generateKeyPair('ES384', { extractable: true });
      await assert.rejects(
        createJwtVerifier({ publicKeyPem: await exportSPKI(publicKey), issuer, audience }),
        JwtVerifierConfigError,
      );
    });
  });
});
