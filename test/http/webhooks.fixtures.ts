import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import type { ReceivedWebhook } from '../support/webhook-receiver';
import type { TestGateway } from '../support/test-gateway';
import { authorizeBody, createBody } from './payment-intents.fixtures';

export const WEBHOOK_SCOPES = ['webhooks:read', 'webhooks:write', 'payments:read', 'payments:write'];

export const subscribe = async (
  api: TestGateway,
  key: string,
  url: string,
  eventTypes: string[] = ['payment_intent.*'],
): Promise<{ id: string; secret: string }> => {
  const response = await api.request('POST', '/api/v1/webhooks', { key, body: { url, eventTypes } });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { id: response.body.id, secret: response.body.secret };
};

/** Creates and authorizes an intent: two events, payment_intent.created and payment_intent.authorized. */
export const authorizedIntent = async (api: TestGateway, key: string, amount = 10_000): Promise<string> => {
  const created = await api.request('POST', '/v1/payment-intents', { key, body: createBody(amount) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const authorized = await api.request('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
    key,
    body: authorizeBody(amount),
  });
  assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
  return created.body.id as string;
};

/** Verified by the standardwebhooks package, a client nobody here wrote; returns the parsed payload. */
export const verified = (secret: string, webhook: ReceivedWebhook): any =>
  new Webhook(secret).verify(webhook.body, webhook.headers);

export const byWebhookId = (received: readonly ReceivedWebhook[]): Map<string, ReceivedWebhook[]> => {
  const groups = new Map<string, ReceivedWebhook[]>();
  for (const webhook of received) {
    const id = webhook.headers['webhook-id'] ?? '';
    groups.set(id, [...(groups.get(id) ?? []), webhook]);
  }
  return groups;
};

export const deliveriesOf = async (api: TestGateway, key: string, subscriptionId: string) => {
  const response = await api.request('GET', `/api/v1/webhooks/${subscriptionId}/deliveries?limit=100`, {
    key,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.data as any[];
};
