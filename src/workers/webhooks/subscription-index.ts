import { matchesAny } from '../../domain/webhook-subscription/event-type-pattern';
import { webhookSubscriptionEventCodec } from '../../domain/webhook-subscription/webhook-subscription.events';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { evolveWebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.projection';

/** A subscription as the index keeps it: the document plus the position of the last event folded in. */
type Indexed = WebhookSubscriptionDocument & { _position?: string };

/**
 * The webhook subscriptions as the dispatcher routes with them, in memory: seeded once from the read model
 * (as of the dispatcher's checkpoint or later), then kept by folding the subscriptions' own events as the
 * dispatcher passes them, with the projection's function. So routing an event needs no read-store query,
 * and an event no subscription could want is dropped before its stream is read or folded.
 */
export class SubscriptionIndex {
  private readonly byId = new Map<string, Indexed>();
  private readonly byMerchant = new Map<string, Set<string>>();
  /** Per public type: could any subscription receive it? Cleared whenever a subscription changes. */
  private readonly wanted = new Map<string, boolean>();

  seed(documents: readonly Indexed[]): void {
    for (const doc of documents) this.put(doc);
  }

  /** Folds a subscription event in; any other event is ignored. Idempotent by position. */
  apply(event: RecordedEvent): void {
    if (!webhookSubscriptionEventCodec.handles(event.type)) return;
    const id = (event.data as { subscriptionId?: unknown }).subscriptionId;
    if (typeof id !== 'string') return;
    const current = this.byId.get(id) ?? null;
    if (current?._position !== undefined && BigInt(current._position) >= event.position) return;
    const next = evolveWebhookSubscriptionDocument(current, event);
    if (next === null) return;
    this.put({ ...next, _position: event.position.toString() });
  }

  /**
   * Whether any subscription, in any routing it ever had, takes this public type (or, for an event sent to
   * one subscription whatever it asked for, whether any subscription is not deactivated).
   */
  couldWant(publicType: string, targeted: boolean): boolean {
    const key = `${targeted ? '!' : ''}${publicType}`;
    let answer = this.wanted.get(key);
    if (answer === undefined) {
      answer = [...this.byId.values()].some((doc) =>
        doc.routing.some(
          (entry) => entry.status !== 'deactivated' && (targeted || matchesAny(entry.eventTypes, publicType)),
        ),
      );
      this.wanted.set(key, answer);
    }
    return answer;
  }

  forMerchant(merchantId: string): WebhookSubscriptionDocument[] {
    const ids = this.byMerchant.get(merchantId);
    return ids ? [...ids].flatMap((id) => this.byId.get(id) ?? []) : [];
  }

  private put(doc: Indexed): void {
    this.byId.set(doc.id, doc);
    let ids = this.byMerchant.get(doc.merchantId);
    if (ids === undefined) this.byMerchant.set(doc.merchantId, (ids = new Set()));
    ids.add(doc.id);
    this.wanted.clear();
  }
}
