import {
  webhookSubscriptionDecider,
  webhookSubscriptionStreamName,
} from '../../domain/webhook-subscription/webhook-subscription.decider';
import { webhookSubscriptionEventCodec } from '../../domain/webhook-subscription/webhook-subscription.events';
import type { EncryptedSecret } from '../../domain/webhook-subscription/webhook-subscription.events';
import type { WebhookSubscriptionState } from '../../domain/webhook-subscription/webhook-subscription.state';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import type { SecretBox } from '../../webhooks/secret-box';

interface Folded {
  state: WebhookSubscriptionState;
  /** Revision of the last event folded in; -1 for none. */
  revision: number;
}

/**
 * The delivery worker's view of its subscriptions: each attempt reads only the events appended to the
 * subscription's stream since the last attempt, and none when the stream's head is where the state ends
 * (usually), instead of folding the whole stream again; it decrypts a signing secret once rather than
 * per attempt. The stream stays the truth: a rotation or a disable reaches the next attempt, at once from
 * this process and within the SQLite head cache's interval from another (decision 0026), as an API key's
 * revocation does. Bounded: the least recently used subscription goes first.
 */
export class SubscriptionStates {
  private readonly folded = new Map<string, Folded>();
  /** Keyed by the encrypted secret object of a folded state, so a secret lives no longer than its state. */
  private readonly plaintexts = new WeakMap<EncryptedSecret, string>();

  constructor(
    private readonly eventStore: EventStore,
    private readonly secretBox: SecretBox,
    private readonly capacity = 10_000,
  ) {}

  async load(subscriptionId: string): Promise<WebhookSubscriptionState> {
    const known = this.folded.get(subscriptionId);
    let { state, revision } = known ?? { state: webhookSubscriptionDecider.initialState(), revision: -1 };
    const streamName = webhookSubscriptionStreamName(subscriptionId);
    const head = known && (await this.eventStore.streamHead(streamName));
    const newer =
      known && head?.revision === revision
        ? []
        : await this.eventStore.readStream(streamName, { fromRevision: revision + 1 });
    for (const event of newer) {
      state = webhookSubscriptionDecider.evolve(state, webhookSubscriptionEventCodec.parse(event));
      revision = event.revision;
    }
    this.folded.delete(subscriptionId);
    this.folded.set(subscriptionId, { state, revision });
    if (this.folded.size > this.capacity) {
      const [oldest] = this.folded.keys();
      if (oldest !== undefined) this.folded.delete(oldest);
    }
    return state;
  }

  decrypt(secret: EncryptedSecret, subscriptionId: string): string {
    let plaintext = this.plaintexts.get(secret);
    if (plaintext === undefined) {
      plaintext = this.secretBox.decrypt(secret, subscriptionId);
      this.plaintexts.set(secret, plaintext);
    }
    return plaintext;
  }
}
