import type { StoredDocument } from '../../infrastructure/read-store/read-store';

/** A wallet link as the API shows it: never a token, and only a hint of the Edenred username. */
export interface EdenredLinkDocument extends StoredDocument {
  id: string;
  object: 'edenred_link';
  status: 'pending_login' | 'linked' | 'login_required' | 'removed';
  merchantId: string;
  terminalId: string | null;
  paymentIntentId: string | null;
  name: string | null;
  usernameHint: string | null;
  accessTokenExpiresAt: string | null;
  lastLoginError: { code: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const EDENRED_LINKS_COLLECTION = 'edenred_links';
