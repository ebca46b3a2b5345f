import { terminalAttestationProjection } from '../../../src/projections/terminals/terminal-attestation.projection';
import { givenProjection, recordedEvent } from '../../support/projection-spec';

const ids = { terminalId: 'trm_1', merchantId: 'mer_1' };
const at = (occurredAt: string) => ({
  metadata: {
    correlationId: 'c',
    actor: { id: 'key_1', kind: 'api_key' as const },
    occurredAt,
    schemaVersion: 1,
  },
});
const issued = (challengeId: string, issuedAt: string) =>
  recordedEvent(
    'terminal_attestation-trm_1',
    'TerminalAttestationChallengeIssued',
    { ...ids, challengeId, challenge: 'AAAA', issuedAt, expiresAt: '2026-03-01T10:05:00.000Z' },
    at(issuedAt),
  );
const reasons = [{ code: 'boot_not_verified', message: 'verified boot state is Unverified' }];

describe('terminal attestation projection', () => {
  it('shows the latest verdict with its reasons, and no challenge once answered', () =>
    givenProjection(terminalAttestationProjection)
      .given([
        issued('tac_1', '2026-03-01T10:00:00.000Z'),
        recordedEvent(
          'terminal_attestation-trm_1',
          'TerminalAttested',
          {
            ...ids,
            challengeId: 'tac_1',
            verifiedAt: '2026-03-01T10:01:00.000Z',
            expiresAt: '2026-03-01T11:01:00.000Z',
            facts: null,
          },
          at('2026-03-01T10:01:00.000Z'),
        ),
        issued('tac_2', '2026-03-01T10:30:00.000Z'),
        recordedEvent(
          'terminal_attestation-trm_1',
          'TerminalAttestationFailed',
          { ...ids, challengeId: 'tac_2', verifiedAt: '2026-03-01T10:31:00.000Z', reasons, facts: null },
          at('2026-03-01T10:31:00.000Z'),
        ),
      ])
      .then({
        _id: 'trm_1',
        object: 'terminal_attestation',
        ...ids,
        verdict: {
          outcome: 'untrusted',
          challengeId: 'tac_2',
          verifiedAt: '2026-03-01T10:31:00.000Z',
          expiresAt: null,
          reasons,
          facts: null,
        },
        pendingChallenge: null,
        updatedAt: '2026-03-01T10:31:00.000Z',
        version: 4,
      }));
});
