import {
  webhookSubscriptionDecider,
  webhookSubscriptionStreamName,
} from '../../domain/webhook-subscription/webhook-subscription.decider';
import type { WebhookSubscriptionCommand } from '../../domain/webhook-subscription/webhook-subscription.commands';
import { webhookSubscriptionEventCodec } from '../../domain/webhook-subscription/webhook-subscription.events';
import type { WebhookSubscriptionState } from '../../domain/webhook-subscription/webhook-subscription.state';
import {
  webhookTestDecider,
  webhookTestEventCodec,
  webhookTestStreamName,
} from '../../domain/webhook-subscription/webhook-test';
import { conflict, forbidden, invalid, notFound } from '../../domain/shared/domain-error';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId, newId } from '../../infrastructure/ids';
import type { PublicEventCatalogue } from '../../public-events/catalogue';
import type { SecretBox } from '../../webhooks/secret-box';
import { generateSigningSecret } from '../../webhooks/signing-secret';
import { checkUrl, UrlRefusedError, type Resolver, type UrlPolicy } from '../../webhooks/url-guard';
import type { AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import type { WebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.document';
import { evolveWebhookSubscriptionDocument } from '../../projections/webhooks/webhook-subscription.projection';
import { commandHandlerFor, type CommandResult } from '../command-handler';
import { deliveryIdFor } from './delivery-ids';

export interface WebhookSubscriptionServiceDeps {
  eventStore: EventStore;
  clock: Clock;
  secretBox: SecretBox;
  urlPolicy: UrlPolicy;
  resolve: Resolver;
  catalogue: PublicEventCatalogue;
  /** How long the previous secret keeps signing after a rotation, unless the request says otherwise. */
  defaultSecretGracePeriodMs: number;
}

export interface CreateWebhookSubscriptionInput {
  url: string;
  eventTypes: string[];
  description?: string | null;
}

export interface UpdateWebhookSubscriptionInput {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  status?: 'active' | 'disabled';
}

type Result = CommandResult<WebhookSubscriptionState, WebhookSubscriptionDocument>;
/** A command answer that shows the signing secret: the only time it is ever shown. */
export type ResultWithSecret = Result & { secret: string };

export const webhookSubscriptionAggregate = {
  decider: webhookSubscriptionDecider,
  codec: webhookSubscriptionEventCodec,
  streamName: webhookSubscriptionStreamName,
  view: evolveWebhookSubscriptionDocument,
};
const webhookTestAggregate = {
  decider: webhookTestDecider,
  codec: webhookTestEventCodec,
  streamName: webhookTestStreamName,
};

const reachableBy = (scope: AccessScope, id: string) => (state: WebhookSubscriptionState) => {
  if (state.status === 'empty' || state.merchantId !== scope.merchantId) {
    throw notFound('webhook_subscription_not_found', `no webhook subscription ${id}`);
  }
};

/** Subscriptions are the merchant's: a terminal's credential manages none. */
const requireMerchantCredential = (scope: AccessScope): void => {
  if (scope.terminalId !== undefined) {
    throw forbidden('terminal_credential', 'a terminal credential cannot manage webhook subscriptions');
  }
};

export const webhookSubscriptionService = (deps: WebhookSubscriptionServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const handler = commandHandlerFor(deps.eventStore, webhookSubscriptionAggregate);
  // One stream per test request: nothing worth caching.
  const tests = commandHandlerFor(deps.eventStore, webhookTestAggregate, { cachedStreams: 1 });

  const checkEventTypes = (eventTypes: readonly string[]): void => {
    const unknown = eventTypes.find((pattern) => !deps.catalogue.isKnownPattern(pattern));
    if (unknown !== undefined) {
      throw invalid('unknown_event_type', `no public event type matches ${unknown}`, 'eventTypes');
    }
  };

  const checkTarget = async (url: string): Promise<void> => {
    try {
      await checkUrl(url, deps.urlPolicy, deps.resolve);
    } catch (error) {
      if (error instanceof UrlRefusedError) throw invalid(error.code, error.message, 'url');
      throw error;
    }
  };

  /** The secret as stored: a retried request whose first attempt was applied shows the same secret. */
  const currentSecret = (result: Result): string => {
    if (result.state.status === 'empty')
      throw new Error('a webhook subscription command left no subscription');
    return deps.secretBox.decrypt(result.state.secret, result.state.subscriptionId);
  };

  const onExisting = (
    id: string,
    command: WebhookSubscriptionCommand,
    scope: AccessScope,
    context: CommandContext,
    expectedVersion?: number,
  ): Promise<Result> => {
    requireMerchantCredential(scope);
    return handler.handle(id, command, context, {
      guard: reachableBy(scope, id),
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
  };

  return {
    create: async (
      input: CreateWebhookSubscriptionInput,
      scope: AccessScope,
      context: CommandContext,
    ): Promise<ResultWithSecret> => {
      requireMerchantCredential(scope);
      checkEventTypes(input.eventTypes);
      await checkTarget(input.url);
      const subscriptionId = context.idempotency
        ? deterministicId('wh', context.idempotency.scope, context.idempotency.key)
        : newId('wh');
      const result = await handler.handle(
        subscriptionId,
        {
          type: 'CreateWebhookSubscription',
          now: now(),
          subscriptionId,
          merchantId: scope.merchantId,
          url: input.url,
          eventTypes: input.eventTypes,
          description: input.description ?? null,
          secret: deps.secretBox.encrypt(generateSigningSecret(), subscriptionId),
        },
        context,
      );
      return { ...result, secret: currentSecret(result) };
    },

    update: async (
      id: string,
      input: UpdateWebhookSubscriptionInput,
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ): Promise<Result> => {
      if (input.eventTypes) checkEventTypes(input.eventTypes);
      if (input.url !== undefined) await checkTarget(input.url);
      return onExisting(
        id,
        {
          type: 'UpdateWebhookSubscription',
          now: now(),
          ...(input.url === undefined ? {} : { url: input.url }),
          ...(input.eventTypes === undefined ? {} : { eventTypes: input.eventTypes }),
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.status === undefined ? {} : { status: input.status }),
        },
        scope,
        context,
        expectedVersion,
      );
    },

    rotateSecret: async (
      id: string,
      gracePeriodMs: number | undefined,
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ): Promise<ResultWithSecret> => {
      const result = await onExisting(
        id,
        {
          type: 'RotateWebhookSubscriptionSecret',
          now: now(),
          secret: deps.secretBox.encrypt(generateSigningSecret(), id),
          gracePeriodMs: gracePeriodMs ?? deps.defaultSecretGracePeriodMs,
        },
        scope,
        context,
        expectedVersion,
      );
      return { ...result, secret: currentSecret(result) };
    },

    deactivate: (id: string, scope: AccessScope, context: CommandContext, expectedVersion?: number) =>
      onExisting(id, { type: 'DeactivateWebhookSubscription', now: now() }, scope, context, expectedVersion),

    /** Queues a `webhook_subscription.test` event for this subscription only. */
    requestTest: async (id: string, scope: AccessScope, context: CommandContext) => {
      requireMerchantCredential(scope);
      const { state } = await handler.load(id);
      reachableBy(scope, id)(state);
      if (state.status !== 'active') {
        throw conflict('webhook_subscription_not_active', `the webhook subscription is ${state.status}`);
      }
      const testId = context.idempotency
        ? deterministicId('wht', context.idempotency.scope, context.idempotency.key)
        : newId('wht');
      await tests.handle(
        testId,
        { type: 'RequestWebhookTest', now: now(), testId, subscriptionId: id, merchantId: scope.merchantId },
        context,
      );
      // The request may be a first attempt's (a retry appends nothing): the stream's first event is it.
      const [requested] = await tests.history(testId);
      if (!requested) throw new Error('requesting a webhook test appended nothing');
      return {
        testId,
        deliveryId: deliveryIdFor(requested.id, id),
        eventId: deterministicId('evt', requested.id),
        requestedAt: requested.metadata.occurredAt,
      };
    },

    /** For the delivery worker: the endpoint is gone or has failed for too long. */
    disable: (
      id: string,
      reason: 'endpoint_gone' | 'failing',
      message: string,
      context: CommandContext,
    ): Promise<Result> =>
      handler.handle(id, { type: 'DisableWebhookSubscription', now: now(), reason, message }, context),
  };
};

export type WebhookSubscriptionService = ReturnType<typeof webhookSubscriptionService>;
