import type { Decider } from '../shared/decider';
import { conflict, invalid } from '../shared/domain-error';
import type {
  CreateWebhookSubscription,
  DeactivateWebhookSubscription,
  DisableWebhookSubscription,
  RotateWebhookSubscriptionSecret,
  UpdateWebhookSubscription,
  WebhookSubscriptionCommand,
} from './webhook-subscription.commands';
import { isEventTypePattern } from './event-type-pattern';
import type { WebhookSubscriptionEvent } from './webhook-subscription.events';
import {
  evolveWebhookSubscription,
  initialWebhookSubscriptionState,
  type WebhookSubscriptionState,
} from './webhook-subscription.state';

type Existing = Exclude<WebhookSubscriptionState, { status: 'empty' }>;

const MAX_EVENT_TYPES = 50;

const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

const requireExisting = (state: WebhookSubscriptionState): Existing => {
  if (state.status === 'empty')
    throw conflict('webhook_subscription_not_created', 'the webhook subscription does not exist');
  return state;
};

/** A deactivated (deleted) subscription keeps its history but takes no further changes. */
const requireNotDeactivated = (state: WebhookSubscriptionState): Existing => {
  const existing = requireExisting(state);
  if (existing.status === 'deactivated') {
    throw conflict('webhook_subscription_deactivated', 'the webhook subscription is deactivated');
  }
  return existing;
};

const checkEventTypes = (eventTypes: readonly string[]): string[] => {
  const unique = [...new Set(eventTypes)];
  if (unique.length === 0 || unique.length > MAX_EVENT_TYPES) {
    throw invalid('invalid_event_types', `give 1 to ${MAX_EVENT_TYPES} event types`, 'eventTypes');
  }
  const bad = unique.find((type) => !isEventTypePattern(type));
  if (bad !== undefined) throw invalid('invalid_event_types', `not an event type: ${bad}`, 'eventTypes');
  return unique;
};

const create = (command: CreateWebhookSubscription, state: WebhookSubscriptionState) => {
  if (state.status !== 'empty')
    throw conflict('webhook_subscription_exists', 'the webhook subscription already exists');
  const { subscriptionId, merchantId, url, description, secret, now } = command;
  return [
    {
      type: 'WebhookSubscriptionCreated' as const,
      data: {
        subscriptionId,
        merchantId,
        url,
        eventTypes: checkEventTypes(command.eventTypes),
        description,
        secret,
        createdAt: now,
      },
    },
  ];
};

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item, index) => item === b[index]);

const update = (command: UpdateWebhookSubscription, current: WebhookSubscriptionState) => {
  const state = requireNotDeactivated(current);
  const events: WebhookSubscriptionEvent[] = [];
  const url = command.url ?? state.url;
  const eventTypes = command.eventTypes ? checkEventTypes(command.eventTypes) : state.eventTypes;
  const description = command.description === undefined ? state.description : command.description;
  if (url !== state.url || !sameList(eventTypes, state.eventTypes) || description !== state.description) {
    events.push({
      type: 'WebhookSubscriptionUpdated',
      data: { subscriptionId: state.subscriptionId, url, eventTypes, description, updatedAt: command.now },
    });
  }
  if (command.status === 'disabled' && state.status === 'active') {
    events.push({
      type: 'WebhookSubscriptionDisabled',
      data: {
        subscriptionId: state.subscriptionId,
        reason: 'manual',
        message: 'disabled by request',
        disabledAt: command.now,
      },
    });
  }
  if (command.status === 'active' && state.status === 'disabled') {
    events.push({
      type: 'WebhookSubscriptionReactivated',
      data: { subscriptionId: state.subscriptionId, reactivatedAt: command.now },
    });
  }
  return events;
};

const rotate = (command: RotateWebhookSubscriptionSecret, current: WebhookSubscriptionState) => {
  const state = requireNotDeactivated(current);
  return [
    {
      type: 'WebhookSubscriptionSecretRotated' as const,
      data: {
        subscriptionId: state.subscriptionId,
        secret: command.secret,
        previousSecretExpiresAt: addMs(command.now, command.gracePeriodMs),
        rotatedAt: command.now,
      },
    },
  ];
};

/** A system command: a no-op unless the subscription is active, so a repeated job changes nothing. */
const disable = (command: DisableWebhookSubscription, state: WebhookSubscriptionState) => {
  if (state.status !== 'active') return [];
  return [
    {
      type: 'WebhookSubscriptionDisabled' as const,
      data: {
        subscriptionId: state.subscriptionId,
        reason: command.reason,
        message: command.message,
        disabledAt: command.now,
      },
    },
  ];
};

const deactivate = (command: DeactivateWebhookSubscription, current: WebhookSubscriptionState) => {
  const state = requireExisting(current);
  if (state.status === 'deactivated') return [];
  return [
    {
      type: 'WebhookSubscriptionDeactivated' as const,
      data: { subscriptionId: state.subscriptionId, deactivatedAt: command.now },
    },
  ];
};

export const decideWebhookSubscription = (
  command: WebhookSubscriptionCommand,
  state: WebhookSubscriptionState,
): WebhookSubscriptionEvent[] => {
  switch (command.type) {
    case 'CreateWebhookSubscription':
      return create(command, state);
    case 'UpdateWebhookSubscription':
      return update(command, state);
    case 'RotateWebhookSubscriptionSecret':
      return rotate(command, state);
    case 'DisableWebhookSubscription':
      return disable(command, state);
    case 'DeactivateWebhookSubscription':
      return deactivate(command, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unknown webhook subscription command ${JSON.stringify(unreachable)}`);
    }
  }
};

export const webhookSubscriptionDecider: Decider<
  WebhookSubscriptionState,
  WebhookSubscriptionCommand,
  WebhookSubscriptionEvent
> = {
  initialState: initialWebhookSubscriptionState,
  decide: decideWebhookSubscription,
  evolve: evolveWebhookSubscription,
};

export const webhookSubscriptionStreamName = (subscriptionId: string): string =>
  `webhook_subscription-${subscriptionId}`;
