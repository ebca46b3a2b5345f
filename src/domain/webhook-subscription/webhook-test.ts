import { z } from 'zod';
import type { Decider } from '../shared/decider';
import { conflict } from '../shared/domain-error';
import { zodEventCodec } from '../shared/event-codec';

/**
 * A request to send a test event to one subscription: a one-event stream of its own, so the test goes
 * through the same durable dispatch as every other event without touching the subscription's version.
 */
export const webhookTestEventSchemas = {
  WebhookTestRequested: z.object({
    testId: z.string(),
    subscriptionId: z.string(),
    merchantId: z.string(),
    requestedAt: z.iso.datetime(),
  }),
};

export const webhookTestEventCodec = zodEventCodec(webhookTestEventSchemas);

export type WebhookTestEvent = ReturnType<typeof webhookTestEventCodec.parse>;

export interface RequestWebhookTest {
  type: 'RequestWebhookTest';
  now: string;
  testId: string;
  subscriptionId: string;
  merchantId: string;
}

type WebhookTestState = { status: 'empty' } | { status: 'requested' };

export const webhookTestDecider: Decider<WebhookTestState, RequestWebhookTest, WebhookTestEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide: (command, state) => {
    if (state.status !== 'empty') throw conflict('webhook_test_exists', 'the test was already requested');
    const { testId, subscriptionId, merchantId, now } = command;
    return [{ type: 'WebhookTestRequested', data: { testId, subscriptionId, merchantId, requestedAt: now } }];
  },
  evolve: () => ({ status: 'requested' }),
};

export const webhookTestStreamName = (testId: string): string => `webhook_test-${testId}`;
