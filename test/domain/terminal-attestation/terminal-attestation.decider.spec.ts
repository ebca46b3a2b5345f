import assert from 'node:assert/strict';
import type { RecordAttestationVerdict } from '../../../src/domain/terminal-attestation/terminal-attestation.commands';
import { terminalAttestationDecider } from '../../../src/domain/terminal-attestation/terminal-attestation.decider';
import type {
  TerminalAttestationEvent,
  TerminalAttestationEventOf,
} from '../../../src/domain/terminal-attestation/terminal-attestation.events';
import { isTrustedAt } from '../../../src/domain/terminal-attestation/terminal-attestation.state';
import { deciderSpec } from '../../support/decider-spec';

const T0 = '2026-03-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const ids = { terminalId: 'trm_1', merchantId: 'mer_1' };
const HOUR_MS = 3_600_000;

const issued = (
  challengeId = 'tac_1',
  issuedAt = T0,
): TerminalAttestationEventOf<'TerminalAttestationChallengeIssued'> => ({
  type: 'TerminalAttestationChallengeIssued',
  data: {
    ...ids,
    challengeId,
    challenge: 'Y2hhbGxlbmdl',
    issuedAt,
    expiresAt: new Date(Date.parse(issuedAt) + 300_000).toISOString(),
  },
});

const verdict = (overrides: Partial<RecordAttestationVerdict> = {}): RecordAttestationVerdict => ({
  type: 'RecordAttestationVerdict',
  now: at(60),
  challengeId: 'tac_1',
  trusted: true,
  reasons: [],
  facts: { securityLevel: 'TrustedEnvironment' },
  verdictTtlMs: HOUR_MS,
  ...overrides,
});

const attested = (challengeId = 'tac_1'): TerminalAttestationEvent => ({
  type: 'TerminalAttested',
  data: {
    ...ids,
    challengeId,
    verifiedAt: at(60),
    expiresAt: at(60 + 3600),
    facts: { securityLevel: 'TrustedEnvironment' },
  },
});

const given = deciderSpec(terminalAttestationDecider);
const revoked = { code: 'certificate_revoked', message: 'the leaf is revoked' };

describe('terminal attestation decider', () => {
  it('issues a challenge that expires', () =>
    given([])
      .when({
        type: 'IssueAttestationChallenge',
        now: T0,
        ...ids,
        challengeId: 'tac_1',
        challenge: 'Y2hhbGxlbmdl',
        ttlMs: 300_000,
      })
      .then([issued()]));

  it('records a trusted verdict that holds for its time', () =>
    given([issued()]).when(verdict()).then([attested()]));

  it('records an untrusted verdict with its reasons', () =>
    given([issued()])
      .when(verdict({ trusted: false, reasons: [revoked], facts: null }))
      .then([
        {
          type: 'TerminalAttestationFailed',
          data: { ...ids, challengeId: 'tac_1', verifiedAt: at(60), reasons: [revoked], facts: null },
        },
      ]));

  it('never records a failure without a reason, nor trust with one', () => {
    given([issued()])
      .when(verdict({ trusted: false, reasons: [] }))
      .then([
        {
          type: 'TerminalAttestationFailed',
          data: {
            ...ids,
            challengeId: 'tac_1',
            verifiedAt: at(60),
            reasons: [{ code: 'untrusted', message: 'the verifier did not vouch for the evidence' }],
            facts: { securityLevel: 'TrustedEnvironment' },
          },
        },
      ]);
    const events = terminalAttestationDecider.decide(
      verdict({ trusted: true, reasons: [revoked] }),
      terminalAttestationDecider.evolve(terminalAttestationDecider.initialState(), issued()),
    );
    assert.equal(events[0]?.type, 'TerminalAttestationFailed');
  });

  it('uses each challenge once', () =>
    given([issued(), attested()]).when(verdict()).thenRefuses('attestation_challenge_used', 'conflict'));

  it('refuses a challenge past its expiry', () =>
    given([issued()])
      .when(verdict({ now: at(300) }))
      .thenRefuses('attestation_challenge_expired', 'conflict'));

  it('refuses a challenge replaced by a newer one, or never issued', () => {
    given([issued('tac_1'), issued('tac_2', at(10))])
      .when(verdict())
      .thenRefuses('attestation_challenge_unknown');
    given([]).when(verdict()).thenRefuses('attestation_challenge_unknown');
  });

  it('a verdict vouches only while trusted and unexpired', () => {
    const fold = (events: TerminalAttestationEvent[]) =>
      events.reduce(terminalAttestationDecider.evolve, terminalAttestationDecider.initialState());
    const trusted = fold([issued(), attested()]);
    assert.ok(trusted.status !== 'empty');
    assert.equal(isTrustedAt(trusted.verdict, at(61)), true);
    assert.equal(isTrustedAt(trusted.verdict, at(60 + 3600)), false);
    const failedLater = fold([
      issued(),
      attested(),
      issued('tac_2', at(100)),
      {
        type: 'TerminalAttestationFailed',
        data: { ...ids, challengeId: 'tac_2', verifiedAt: at(120), reasons: [revoked], facts: null },
      },
    ]);
    assert.ok(failedLater.status !== 'empty' && !isTrustedAt(failedLater.verdict, at(130)));
  });
});
