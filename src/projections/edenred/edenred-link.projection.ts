import { edenredLinkEventCodec, type EdenredLinkEvent } from '../../domain/edenred-link/edenred-link.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { Projection } from '../projection';
import { EDENRED_LINKS_COLLECTION, type EdenredLinkDocument } from './edenred-link.document';

const apply = (doc: EdenredLinkDocument | null, event: EdenredLinkEvent): EdenredLinkDocument | null => {
  if (event.type === 'EdenredLinkStarted') {
    const { data } = event;
    return {
      _id: data.linkId,
      id: data.linkId,
      object: 'edenred_link',
      status: 'pending_login',
      merchantId: data.merchantId,
      terminalId: data.terminalId,
      paymentIntentId: data.paymentIntentId,
      name: data.name,
      usernameHint: null,
      accessTokenExpiresAt: null,
      lastLoginError: null,
      createdAt: data.startedAt,
      updatedAt: data.startedAt,
      version: 0,
    };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'EdenredLinkLoginRestarted':
      return { ...doc, status: 'login_required' };
    case 'EdenredLinkLoggedIn':
    case 'EdenredLinkTokensRefreshed':
      return {
        ...doc,
        status: 'linked',
        usernameHint: event.data.tokens.usernameHint,
        accessTokenExpiresAt: event.data.tokens.accessTokenExpiresAt,
        lastLoginError: null,
      };
    case 'EdenredLinkLoginRequired':
      return {
        ...doc,
        status: 'login_required',
        accessTokenExpiresAt: null,
        lastLoginError: { code: event.data.code, reason: event.data.reason },
      };
    case 'EdenredLinkRemoved':
      return { ...doc, status: 'removed', accessTokenExpiresAt: null };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
};

export const evolveEdenredLinkDocument = (
  doc: EdenredLinkDocument | null,
  recorded: RecordedEvent,
): EdenredLinkDocument | null => {
  const next = apply(doc, edenredLinkEventCodec.decode(recorded));
  if (next === null) return null;
  next.updatedAt = recorded.metadata.occurredAt;
  next.version = recorded.revision + 1;
  return next;
};

export const edenredLinkProjection: Projection<EdenredLinkDocument> = {
  name: EDENRED_LINKS_COLLECTION,
  collection: EDENRED_LINKS_COLLECTION,
  eventTypes: edenredLinkEventCodec.eventTypes,
  documentId: (event) => (event.data as { linkId?: string }).linkId ?? null,
  evolve: evolveEdenredLinkDocument,
  indexes: [{ keys: { merchantId: 1, createdAt: -1 } }],
};
