import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock, startTestGateway, type ApiResponse, type TestGateway } from '../support/test-gateway';
import { authorizeBody } from './payment-intents.fixtures';
import { operatorKey, registerTerminal } from './terminals.fixtures';

const VECTORS = path.resolve(__dirname, '../fixtures/android-key-attestation');
const NORMAL_CHAIN = readFileSync(path.join(VECTORS, 'normal_cert_chain.pem'), 'utf8');
const CHAIN_WITH_ATTEST_KEYS = readFileSync(path.join(VECTORS, 'cert_chain_with_attest_keys.pem'), 'utf8');
/** Inside the window where every certificate of the two chains above is valid. */
const INSIDE_WINDOW = new Date('2023-03-01T12:00:00.000Z');
const MINUTE = 60_000;

/** The leaf's last signature byte flipped: the chain still parses, its signature no longer holds. */
const tampered = (pem: string): string => {
  const [leaf, ...rest] = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const der = Buffer.from((leaf ?? '').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return [`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`, ...rest].join('\n');
};

describe('HTTP: terminal attestation, end to end', () => {
  const clock = new ManualClock(INSIDE_WINDOW);
  /** What the next challenge will be: the recorded evidence carries the challenge "challenge". */
  let challengeBytes = Buffer.from('challenge');
  let api: TestGateway;
  let operator: string;

  before(async () => {
    api = await startTestGateway({ clock, attestationChallengeBytes: () => challengeBytes });
    operator = await operatorKey(api);
    const policy = await api.request('PUT', '/v1/attestation-policy', {
      key: operator,
      body: { requireAttestation: true },
    });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
  });
  after(() => api.close());
  beforeEach(() => {
    clock.set(INSIDE_WINDOW);
    challengeBytes = Buffer.from('challenge');
  });

  const challenge = async (terminalId: string, key: string): Promise<string> => {
    const response = await api.request('POST', `/v1/terminals/${terminalId}/attestation/challenge`, { key });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.id;
  };
  const submit = (terminalId: string, key: string, challengeId: string, certificateChain: string) =>
    api.request('POST', `/v1/terminals/${terminalId}/attestation`, {
      key,
      body: { challengeId, certificateChain },
    });
  const pay = async (key: string): Promise<ApiResponse> => {
    const created = await api.request('POST', '/v1/payment-intents', {
      key,
      body: { amount: 5_000, paymentMethodType: 'card_present' },
    });
    if (created.status !== 201) return created;
    return api.request('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
      key,
      body: authorizeBody(5_000),
    });
  };
  const refusedWithoutEffect = async (send: () => Promise<ApiResponse>, status: number, code: string) => {
    const before = (await api.allEvents()).length;
    const response = await send();
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(response.body.error.code, code);
    assert.equal((await api.allEvents()).length, before, 'an event was appended');
    return response;
  };

  it('trusts normal_cert_chain.pem answering its own challenge, and payments go through while it holds', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-OK');
    const refused = await pay(apiKey);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'terminal_attestation_required');
    assert.match(refused.body.error.message, /no attestation verdict/);

    const issued = await api.request('POST', `/v1/terminals/${terminal.id}/attestation/challenge`, {
      key: apiKey,
    });
    assert.equal(issued.status, 201);
    assert.equal(issued.body.challenge, Buffer.from('challenge').toString('base64'));
    assert.equal(issued.body.expiresAt, new Date(INSIDE_WINDOW.getTime() + 5 * MINUTE).toISOString());

    clock.advance(MINUTE);
    const verdict = await submit(terminal.id, apiKey, issued.body.id, NORMAL_CHAIN);
    assert.equal(verdict.status, 200, JSON.stringify(verdict.body));
    assert.equal(verdict.body.status, 'trusted');
    assert.equal(verdict.body.trusted, true);
    assert.deepEqual(verdict.body.verdict.reasons, []);
    assert.equal(verdict.body.verdict.expiresAt, new Date(clock.now().getTime() + 60 * MINUTE).toISOString());
    assert.equal(verdict.body.verdict.facts.securityLevel, 'TrustedEnvironment');
    assert.equal(verdict.body.pendingChallenge, null);

    const paid = await pay(apiKey);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.status, 'authorized');

    const read = await api.request('GET', `/v1/terminals/${terminal.id}/attestation`, { key: operator });
    assert.deepEqual(read.body, verdict.body);
    const recorded = (await api.allEvents()).filter(
      (event) => event.streamName === `terminal_attestation-${terminal.id}`,
    );
    assert.deepEqual(
      recorded.map((event) => event.type),
      ['TerminalAttestationChallengeIssued', 'TerminalAttested'],
    );

    // An hour later the verdict no longer vouches for the terminal, even for an intent created before.
    const pending = await api.request('POST', '/v1/payment-intents', {
      key: apiKey,
      body: { amount: 5_000, paymentMethodType: 'card_present' },
    });
    assert.equal(pending.status, 201);
    clock.advance(60 * MINUTE);
    const before = (await api.allEvents()).length;
    const late = await api.request('POST', `/v1/payment-intents/${pending.body.id}/authorize`, {
      key: apiKey,
      body: authorizeBody(5_000),
    });
    assert.equal(late.status, 403);
    assert.equal(late.body.error.code, 'terminal_attestation_required');
    assert.match(late.body.error.message, /expired/);
    assert.equal((await api.allEvents()).length, before);
    assert.equal((await pay(apiKey)).status, 403);
    const expired = await api.request('GET', `/v1/terminals/${terminal.id}/attestation`, { key: apiKey });
    assert.equal(expired.body.status, 'expired');
    assert.equal(expired.body.trusted, false);
  });

  it('also trusts the chain with attest-key certificates', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-KEYS');
    const verdict = await submit(
      terminal.id,
      apiKey,
      await challenge(terminal.id, apiKey),
      CHAIN_WITH_ATTEST_KEYS,
    );
    assert.equal(verdict.body.status, 'trusted', JSON.stringify(verdict.body.verdict));
  });

  it('records tampered evidence as an untrusted verdict with its reasons, and payments stay refused', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-TAMPER');
    const verdict = await submit(
      terminal.id,
      apiKey,
      await challenge(terminal.id, apiKey),
      tampered(NORMAL_CHAIN),
    );
    assert.equal(verdict.status, 200, JSON.stringify(verdict.body));
    assert.equal(verdict.body.status, 'untrusted');
    assert.ok(verdict.body.verdict.reasons.length > 0);
    const codes = verdict.body.verdict.reasons.map((reason: any) => reason.code);
    const refused = await pay(apiKey);
    assert.equal(refused.status, 403);
    assert.ok(
      codes.every((code: string) => refused.body.error.message.includes(code)),
      refused.body.error.message,
    );
    const recorded = (await api.allEvents()).filter(
      (event) => event.streamName === `terminal_attestation-${terminal.id}`,
    );
    assert.equal(recorded.at(-1)?.type, 'TerminalAttestationFailed');
    assert.deepEqual((recorded.at(-1)?.data as any).reasons, verdict.body.verdict.reasons);
  });

  it('a failed verdict replaces an earlier trusted one', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-REPLACE');
    await submit(terminal.id, apiKey, await challenge(terminal.id, apiKey), NORMAL_CHAIN);
    assert.equal((await pay(apiKey)).status, 200);
    await submit(terminal.id, apiKey, await challenge(terminal.id, apiKey), tampered(NORMAL_CHAIN));
    assert.equal((await pay(apiKey)).status, 403);
  });

  it('evidence that is not a certificate chain is an untrusted verdict, never a 500', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-JUNK');
    const verdict = await submit(
      terminal.id,
      apiKey,
      await challenge(terminal.id, apiKey),
      'not a PEM at all',
    );
    assert.equal(verdict.status, 200, JSON.stringify(verdict.body));
    assert.equal(verdict.body.status, 'untrusted');
  });

  it('evidence answering another challenge is untrusted (challenge mismatch)', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-OTHER');
    challengeBytes = Buffer.from('a different challenge');
    const verdict = await submit(terminal.id, apiKey, await challenge(terminal.id, apiKey), NORMAL_CHAIN);
    assert.equal(verdict.body.status, 'untrusted');
    assert.ok(verdict.body.verdict.reasons.some((reason: any) => reason.code === 'challenge_mismatch'));
  });

  it('evidence checked outside the window of its certificates is untrusted', async () => {
    clock.set(new Date('2026-01-10T00:00:00.000Z'));
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-WINDOW');
    const verdict = await submit(terminal.id, apiKey, await challenge(terminal.id, apiKey), NORMAL_CHAIN);
    assert.equal(verdict.body.status, 'untrusted');
    assert.ok(verdict.body.verdict.reasons.some((reason: any) => reason.code === 'certificate_expired'));
  });

  it('refuses a reused challenge with 409, recording nothing', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-REUSE');
    const challengeId = await challenge(terminal.id, apiKey);
    assert.equal((await submit(terminal.id, apiKey, challengeId, NORMAL_CHAIN)).status, 200);
    await refusedWithoutEffect(
      () => submit(terminal.id, apiKey, challengeId, NORMAL_CHAIN),
      409,
      'attestation_challenge_used',
    );
  });

  it('refuses an expired challenge with 409, recording nothing', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-EXPIRED');
    const challengeId = await challenge(terminal.id, apiKey);
    clock.advance(5 * MINUTE);
    await refusedWithoutEffect(
      () => submit(terminal.id, apiKey, challengeId, NORMAL_CHAIN),
      409,
      'attestation_challenge_expired',
    );
  });

  it('refuses a challenge replaced by a newer one, or never issued, with 409', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-UNKNOWN');
    const first = await challenge(terminal.id, apiKey);
    await challenge(terminal.id, apiKey);
    await refusedWithoutEffect(
      () => submit(terminal.id, apiKey, first, NORMAL_CHAIN),
      409,
      'attestation_challenge_unknown',
    );
    await refusedWithoutEffect(
      () => submit(terminal.id, apiKey, 'tac_01ARZ3NDEKTSV4RRFFQ69G5FAV', NORMAL_CHAIN),
      409,
      'attestation_challenge_unknown',
    );
  });

  it('only the terminal itself may ask for a challenge or present evidence', async () => {
    const { terminal } = await registerTerminal(api, operator, 'SN-ATT-OPERATOR');
    await refusedWithoutEffect(
      () => api.request('POST', `/v1/terminals/${terminal.id}/attestation/challenge`, { key: operator }),
      403,
      'terminal_credential_required',
    );
  });

  it('operators see why a terminal is untrusted; merchants without the policy are not affected', async () => {
    const { terminal } = await registerTerminal(api, operator, 'SN-ATT-NONE');
    const none = await api.request('GET', `/v1/terminals/${terminal.id}/attestation`, { key: operator });
    assert.equal(none.status, 200);
    assert.deepEqual([none.body.status, none.body.verdict, none.body.version], ['none', null, 0]);

    const otherOperator = await operatorKey(api, 'mer_relaxed');
    const { apiKey } = await registerTerminal(api, otherOperator, 'SN-ATT-RELAXED');
    assert.equal((await pay(apiKey)).status, 200);
  });
});

describe('HTTP: terminal attestation against configured roots and revocations', () => {
  let dir: string;
  let api: TestGateway;
  let operator: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'edgepay-attestation-'));
    const revocations = path.join(dir, 'status.json');
    // The chain's TEE intermediate, revoked.
    writeFileSync(
      revocations,
      JSON.stringify({
        entries: { d05facf443ed535548d994f6845e6d3c: { status: 'REVOKED', reason: 'KEY_COMPROMISE' } },
      }),
    );
    api = await startTestGateway({
      clock: new ManualClock(INSIDE_WINDOW),
      attestationChallengeBytes: () => Buffer.from('challenge'),
      env: { ATTESTATION_REVOCATION_FILE: revocations },
    });
    operator = await operatorKey(api);
  });
  after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a chain holding a revoked certificate', async () => {
    const { terminal, apiKey } = await registerTerminal(api, operator, 'SN-ATT-REVOKED');
    const issued = await api.request('POST', `/v1/terminals/${terminal.id}/attestation/challenge`, {
      key: apiKey,
    });
    const verdict = await api.request('POST', `/v1/terminals/${terminal.id}/attestation`, {
      key: apiKey,
      body: { challengeId: issued.body.id, certificateChain: NORMAL_CHAIN },
    });
    assert.equal(verdict.body.status, 'untrusted');
    assert.ok(
      verdict.body.verdict.reasons.some((reason: any) => reason.code === 'certificate_revoked'),
      JSON.stringify(verdict.body.verdict.reasons),
    );
  });
});
