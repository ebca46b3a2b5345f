import type { EdenredLinkTokens } from '../../domain/edenred-link/edenred-link.events';
import type { EdenredTokens } from '../../integrations/edenred/edenred-port';
import type { SecretBox } from '../../webhooks/secret-box';

/** What a link needs to call Edenred: kept only inside the sealed box of its events. */
export interface LinkCredentials {
  accessToken: string;
  refreshToken: string;
  idToken: string | null;
  username: string;
}

/** `dr***`: enough for a person to tell two links apart, not enough to name the Edenred user. */
export const usernameHint = (username: string): string => `${username.slice(0, 2)}***`;

/** Tokens and username in one AES-256-GCM box, authenticated with the link id (a copy elsewhere fails). */
export const sealTokens = (box: SecretBox, linkId: string, tokens: EdenredTokens): EdenredLinkTokens => {
  const credentials: LinkCredentials = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    idToken: tokens.idToken,
    username: tokens.username,
  };
  return {
    sealed: box.encrypt(JSON.stringify(credentials), linkId),
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    usernameHint: usernameHint(tokens.username),
  };
};

export const unsealTokens = (box: SecretBox, linkId: string, tokens: EdenredLinkTokens): LinkCredentials =>
  JSON.parse(box.decrypt(tokens.sealed, linkId)) as LinkCredentials;
