import { apiKeyEventCodec } from '../../domain/api-key/api-key.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { StoredDocument } from '../../infrastructure/read-store/read-store';
import type { Projection } from '../projection';

/** What authentication needs to check a key: looked up by prefix, compared by hash. */
export interface ApiKeyDocument extends StoredDocument {
  prefix: string;
  hash: string;
  name: string;
  merchantId: string;
  terminalId: string | null;
  scopes: string[];
  status: 'active' | 'revoked';
  issuedAt: string;
  revokedAt: string | null;
}

const evolve = (doc: ApiKeyDocument | null, recorded: RecordedEvent): ApiKeyDocument | null => {
  const event = apiKeyEventCodec.decode(recorded);
  switch (event.type) {
    case 'ApiKeyIssued': {
      const { apiKeyId, prefix, hash, name, merchantId, terminalId, scopes, issuedAt } = event.data;
      return {
        _id: apiKeyId,
        prefix,
        hash,
        name,
        merchantId,
        terminalId,
        scopes,
        status: 'active',
        issuedAt,
        revokedAt: null,
      };
    }
    case 'ApiKeyRevoked':
      return doc && { ...doc, status: 'revoked', revokedAt: event.data.revokedAt };
  }
};

export const apiKeyProjection: Projection<ApiKeyDocument> = {
  name: 'api_keys',
  collection: 'api_keys',
  eventTypes: apiKeyEventCodec.eventTypes,
  documentId: (event) => (event.data as { apiKeyId?: string }).apiKeyId ?? null,
  evolve,
  indexes: [{ keys: { prefix: 1 }, unique: true }],
};
