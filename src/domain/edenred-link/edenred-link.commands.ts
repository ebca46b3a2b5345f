import type { EdenredLinkTokens } from './edenred-link.events';

interface CommandBase {
  now: string;
}

export interface StartEdenredLink extends CommandBase {
  type: 'StartEdenredLink';
  linkId: string;
  merchantId: string;
  terminalId: string | null;
  paymentIntentId: string | null;
  name: string | null;
  stateHash: string;
}

export interface RestartEdenredLogin extends CommandBase {
  type: 'RestartEdenredLogin';
  stateHash: string;
}

/** The callback came back with our state: the code was exchanged (tokens) or was not (failure). */
export interface CompleteEdenredLogin extends CommandBase {
  type: 'CompleteEdenredLogin';
  stateHash: string;
  outcome: { tokens: EdenredLinkTokens } | { failure: { code: string; reason: string } };
}

export interface RecordEdenredTokensRefreshed extends CommandBase {
  type: 'RecordEdenredTokensRefreshed';
  tokens: EdenredLinkTokens;
}

export interface RequireEdenredLogin extends CommandBase {
  type: 'RequireEdenredLogin';
  code: string;
  reason: string;
}

export interface RemoveEdenredLink extends CommandBase {
  type: 'RemoveEdenredLink';
  sessionEnded: boolean;
}

export type EdenredLinkCommand =
  | StartEdenredLink
  | RestartEdenredLogin
  | CompleteEdenredLogin
  | RecordEdenredTokensRefreshed
  | RequireEdenredLogin
  | RemoveEdenredLink;
