import type { EncryptedSecret } from '../webhook-subscription/webhook-subscription.events';
import type { OcpiConnection } from './ocpi-party.events';

interface CommandBase {
  now: string;
}

export interface IssueRegistrationToken extends CommandBase {
  type: 'IssueRegistrationToken';
  partyRef: string;
  name: string;
  registrationTokenHash: string;
  acceptsUnencodedTokens: boolean;
}

export interface StartOutboundRegistration extends CommandBase {
  type: 'StartOutboundRegistration';
  partyRef: string;
  name: string;
  versionsUrl: string;
  registrationToken: EncryptedSecret;
  pendingTokenHash: string;
  acceptsUnencodedTokens: boolean;
}

export interface CompleteRegistration extends CommandBase {
  type: 'CompleteRegistration';
  direction: 'inbound' | 'outbound';
  connection: OcpiConnection;
}

export interface StartCredentialsUpdate extends CommandBase {
  type: 'StartCredentialsUpdate';
  pendingTokenHash: string;
}

export interface UpdateCredentials extends CommandBase {
  type: 'UpdateCredentials';
  initiatedBy: 'peer' | 'us';
  connection: OcpiConnection;
}

export interface Unregister extends CommandBase {
  type: 'Unregister';
  initiatedBy: 'peer' | 'us';
}

export type OcpiPartyCommand =
  | IssueRegistrationToken
  | StartOutboundRegistration
  | CompleteRegistration
  | StartCredentialsUpdate
  | UpdateCredentials
  | Unregister;
