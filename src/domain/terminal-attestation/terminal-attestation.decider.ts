import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import type {
  IssueAttestationChallenge,
  RecordAttestationVerdict,
  TerminalAttestationCommand,
} from './terminal-attestation.commands';
import type { TerminalAttestationEvent } from './terminal-attestation.events';
import {
  evolveTerminalAttestation,
  initialTerminalAttestationState,
  type PendingChallenge,
  type TerminalAttestationState,
} from './terminal-attestation.state';

const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** A new challenge replaces one still pending: only the latest can be answered. */
const issueChallenge = (command: IssueAttestationChallenge): TerminalAttestationEvent[] => [
  {
    type: 'TerminalAttestationChallengeIssued',
    data: {
      terminalId: command.terminalId,
      merchantId: command.merchantId,
      challengeId: command.challengeId,
      challenge: command.challenge,
      issuedAt: command.now,
      expiresAt: addMs(command.now, command.ttlMs),
    },
  },
];

/** The challenge the evidence answers must be the pending one, unused and unexpired. */
export const answerableChallenge = (
  state: TerminalAttestationState,
  challengeId: string,
  now: string,
): PendingChallenge => {
  if (state.status !== 'empty' && state.usedChallengeIds.includes(challengeId)) {
    throw conflict('attestation_challenge_used', 'this challenge was already answered; ask for a new one');
  }
  if (state.status !== 'challenge_pending' || state.challenge.challengeId !== challengeId) {
    throw conflict(
      'attestation_challenge_unknown',
      "this is not the terminal's current challenge; ask for a new one",
    );
  }
  if (Date.parse(now) >= Date.parse(state.challenge.expiresAt)) {
    throw conflict(
      'attestation_challenge_expired',
      `the challenge expired at ${state.challenge.expiresAt}; ask for a new one`,
    );
  }
  return state.challenge;
};

const recordVerdict = (
  command: RecordAttestationVerdict,
  state: TerminalAttestationState,
): TerminalAttestationEvent[] => {
  answerableChallenge(state, command.challengeId, command.now);
  if (state.status === 'empty') return [];
  const { terminalId, merchantId } = state;
  const base = { terminalId, merchantId, challengeId: command.challengeId, verifiedAt: command.now };
  if (command.trusted && command.reasons.length === 0) {
    return [
      {
        type: 'TerminalAttested',
        data: { ...base, expiresAt: addMs(command.now, command.verdictTtlMs), facts: command.facts },
      },
    ];
  }
  const reasons =
    command.reasons.length > 0
      ? command.reasons
      : [{ code: 'untrusted', message: 'the verifier did not vouch for the evidence' }];
  return [{ type: 'TerminalAttestationFailed', data: { ...base, reasons, facts: command.facts } }];
};

export const decideTerminalAttestation = (
  command: TerminalAttestationCommand,
  state: TerminalAttestationState,
): TerminalAttestationEvent[] => {
  switch (command.type) {
    case 'IssueAttestationChallenge':
      return issueChallenge(command);
    case 'RecordAttestationVerdict':
      return recordVerdict(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown terminal attestation command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const terminalAttestationDecider: Decider<
  TerminalAttestationState,
  TerminalAttestationCommand,
  TerminalAttestationEvent
> = {
  initialState: initialTerminalAttestationState,
  decide: decideTerminalAttestation,
  evolve: evolveTerminalAttestation,
};

export const terminalAttestationStreamName = (terminalId: string): string =>
  `terminal_attestation-${terminalId}`;
