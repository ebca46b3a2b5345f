import type { TerminalAttestationEvent } from './terminal-attestation.events';

/** How many answered challenges a terminal remembers, to tell a reused challenge from an unknown one. */
export const REMEMBERED_CHALLENGES = 20;

export interface PendingChallenge {
  challengeId: string;
  challenge: string;
  expiresAt: string;
}

export type AttestationVerdictRecord =
  | { outcome: 'trusted'; challengeId: string; verifiedAt: string; expiresAt: string }
  | {
      outcome: 'untrusted';
      challengeId: string;
      verifiedAt: string;
      reasons: { code: string; message: string }[];
    };

interface Tracked {
  terminalId: string;
  merchantId: string;
  /** The latest verdict: a failure replaces an earlier success. */
  verdict: AttestationVerdictRecord | null;
  usedChallengeIds: readonly string[];
}

export type TerminalAttestationState =
  | { status: 'empty' }
  | ({ status: 'challenge_pending'; challenge: PendingChallenge } & Tracked)
  | ({ status: 'idle' } & Tracked);

export const initialTerminalAttestationState = (): TerminalAttestationState => ({ status: 'empty' });

/** A verdict vouches for the terminal only while trusted and unexpired. */
export const isTrustedAt = (verdict: AttestationVerdictRecord | null, now: string): boolean =>
  verdict?.outcome === 'trusted' && Date.parse(now) < Date.parse(verdict.expiresAt);

const tracked = (state: TerminalAttestationState): Tracked => {
  if (state.status === 'empty') throw new Error('attestation verdict recorded before any challenge');
  const { terminalId, merchantId, verdict, usedChallengeIds } = state;
  return { terminalId, merchantId, verdict, usedChallengeIds };
};

const answered = (state: TerminalAttestationState, challengeId: string): readonly string[] =>
  [...tracked(state).usedChallengeIds, challengeId].slice(-REMEMBERED_CHALLENGES);

export const evolveTerminalAttestation = (
  state: TerminalAttestationState,
  event: TerminalAttestationEvent,
): TerminalAttestationState => {
  switch (event.type) {
    case 'TerminalAttestationChallengeIssued': {
      const { terminalId, merchantId, challengeId, challenge, expiresAt } = event.data;
      return {
        status: 'challenge_pending',
        terminalId,
        merchantId,
        verdict: state.status === 'empty' ? null : state.verdict,
        usedChallengeIds: state.status === 'empty' ? [] : state.usedChallengeIds,
        challenge: { challengeId, challenge, expiresAt },
      };
    }
    case 'TerminalAttested': {
      const { challengeId, verifiedAt, expiresAt } = event.data;
      return {
        status: 'idle',
        ...tracked(state),
        verdict: { outcome: 'trusted', challengeId, verifiedAt, expiresAt },
        usedChallengeIds: answered(state, challengeId),
      };
    }
    case 'TerminalAttestationFailed': {
      const { challengeId, verifiedAt, reasons } = event.data;
      return {
        status: 'idle',
        ...tracked(state),
        verdict: { outcome: 'untrusted', challengeId, verifiedAt, reasons },
        usedChallengeIds: answered(state, challengeId),
      };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown terminal attestation event ${JSON.stringify(unreachable)}`);
    }
  }
};
