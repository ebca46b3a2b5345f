/** Every command carries the time it is decided at; deciders never read a clock or make randomness. */
interface CommandBase {
  now: string;
}

export interface IssueAttestationChallenge extends CommandBase {
  type: 'IssueAttestationChallenge';
  terminalId: string;
  merchantId: string;
  challengeId: string;
  /** Base64 of random bytes the service drew. */
  challenge: string;
  ttlMs: number;
}

/** The verifier's outcome for evidence answering `challengeId`, computed by the service. */
export interface RecordAttestationVerdict extends CommandBase {
  type: 'RecordAttestationVerdict';
  challengeId: string;
  trusted: boolean;
  reasons: { code: string; message: string }[];
  facts: Record<string, unknown> | null;
  verdictTtlMs: number;
}

export type TerminalAttestationCommand = IssueAttestationChallenge | RecordAttestationVerdict;
