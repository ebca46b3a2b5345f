import type {
  DisabledReason,
  EncryptedSecret,
  WebhookSubscriptionEvent,
} from './webhook-subscription.events';

interface Details {
  subscriptionId: string;
  merchantId: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  secret: EncryptedSecret;
  /** The secret a rotation replaced, still signed with until `expiresAt`. */
  previousSecret: { secret: EncryptedSecret; expiresAt: string } | null;
}

export type WebhookSubscriptionState =
  | { status: 'empty' }
  | ({ status: 'active' } & Details)
  | ({ status: 'disabled'; reason: DisabledReason } & Details)
  | ({ status: 'deactivated' } & Details);

export type WebhookSubscriptionStatus = WebhookSubscriptionState['status'];

export const initialWebhookSubscriptionState = (): WebhookSubscriptionState => ({ status: 'empty' });

const details = (state: WebhookSubscriptionState): Details => {
  if (state.status === 'empty') throw new Error('webhook subscription event applied before creation');
  const { subscriptionId, merchantId, url, eventTypes, description, secret, previousSecret } = state;
  return { subscriptionId, merchantId, url, eventTypes, description, secret, previousSecret };
};

/** Keeps the status (and a disabled subscription's reason) while details change. */
const withDetails = (state: WebhookSubscriptionState, next: Details): WebhookSubscriptionState => {
  switch (state.status) {
    case 'empty':
      throw new Error('webhook subscription event applied before creation');
    case 'disabled':
      return { status: 'disabled', reason: state.reason, ...next };
    default:
      return { status: state.status, ...next };
  }
};

export const evolveWebhookSubscription = (
  state: WebhookSubscriptionState,
  event: WebhookSubscriptionEvent,
): WebhookSubscriptionState => {
  switch (event.type) {
    case 'WebhookSubscriptionCreated': {
      const { subscriptionId, merchantId, url, eventTypes, description, secret } = event.data;
      return {
        status: 'active',
        subscriptionId,
        merchantId,
        url,
        eventTypes,
        description,
        secret,
        previousSecret: null,
      };
    }
    case 'WebhookSubscriptionUpdated': {
      const { url, eventTypes, description } = event.data;
      return withDetails(state, { ...details(state), url, eventTypes, description });
    }
    case 'WebhookSubscriptionSecretRotated': {
      const current = details(state);
      return withDetails(state, {
        ...current,
        secret: event.data.secret,
        previousSecret: { secret: current.secret, expiresAt: event.data.previousSecretExpiresAt },
      });
    }
    case 'WebhookSubscriptionDisabled':
      return { status: 'disabled', reason: event.data.reason, ...details(state) };
    case 'WebhookSubscriptionReactivated':
      return { status: 'active', ...details(state) };
    case 'WebhookSubscriptionDeactivated':
      return { status: 'deactivated', ...details(state) };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown webhook subscription event ${JSON.stringify(unreachable)}`);
    }
  }
};

/** The secrets to sign with at `now`: the current one first, then the previous one during its grace. */
export const signingSecrets = (
  state: Exclude<WebhookSubscriptionState, { status: 'empty' }>,
  now: string,
): EncryptedSecret[] =>
  state.previousSecret && Date.parse(now) < Date.parse(state.previousSecret.expiresAt)
    ? [state.secret, state.previousSecret.secret]
    : [state.secret];
