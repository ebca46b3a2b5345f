import type { WebhookDeliveryDocument } from '../../projections/webhooks/webhook-delivery.document';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';

/** The subscription as the API shows it: field by field, so routing and storage fields never leak. */
export const subscriptionView = (doc: WebhookSubscriptionDocument) => ({
  id: doc.id,
  object: doc.object,
  url: doc.url,
  eventTypes: doc.eventTypes,
  description: doc.description,
  status: doc.status,
  disabledReason: doc.disabledReason,
  disabledAt: doc.disabledAt,
  secretRotatedAt: doc.secretRotatedAt,
  previousSecretExpiresAt: doc.previousSecretExpiresAt,
  deliveryHealth: doc.deliveryHealth,
  merchantId: doc.merchantId,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  version: doc.version,
});

export const deliveryView = (doc: WebhookDeliveryDocument) => ({
  id: doc.id,
  object: doc.object,
  subscriptionId: doc.subscriptionId,
  eventId: doc.eventId,
  eventType: doc.eventType,
  status: doc.status,
  round: doc.round,
  attemptCount: doc.attempts.length,
  attempts: doc.attempts,
  nextAttemptAt: doc.nextAttemptAt,
  canceledReason: doc.canceledReason,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

/** Lists are newest first; the cursor is the last item's (createdAt, id), opaque to clients. */
export const encodeCursor = (doc: { createdAt: string; id: string }): string =>
  Buffer.from(JSON.stringify([doc.createdAt, doc.id])).toString('base64url');

export const decodeCursor = (cursor: string): { createdAt: string; id: string } | null => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // falls through: not one of ours
  }
  return null;
};

export const afterCursor = (cursor: { createdAt: string; id: string } | null) =>
  cursor
    ? {
        $or: [
          { createdAt: { $lt: cursor.createdAt } },
          { createdAt: cursor.createdAt, _id: { $lt: cursor.id } },
        ],
      }
    : {};

export const listPage = <D extends { createdAt: string; id: string }, V>(
  docs: readonly D[],
  limit: number,
  view: (doc: D) => V,
) => {
  const page = docs.slice(0, limit);
  const last = page.at(-1);
  const hasMore = docs.length > limit;
  return {
    object: 'list' as const,
    data: page.map(view),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(last) : null,
  };
};
