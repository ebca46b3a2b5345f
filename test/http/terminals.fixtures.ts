import assert from 'node:assert/strict';
import type { TestGateway } from '../support/test-gateway';

export const OPERATOR_SCOPES = ['terminals:read', 'terminals:write', 'payments:read', 'payments:write'];

export const registerBody = (serialNumber: string, extra: Record<string, unknown> = {}) => ({
  serialNumber,
  model: 'Ingenico Move/5000',
  stationId: 'IST-001',
  firmwareVersion: '1.0.0',
  ...extra,
});

export const operatorKey = (api: TestGateway, merchantId = 'mer_test') =>
  api.issueKey({ merchantId, scopes: OPERATOR_SCOPES });

/** Registers a terminal; returns its resource and its own API key. */
export const registerTerminal = async (
  api: TestGateway,
  key: string,
  serialNumber: string,
  extra: Record<string, unknown> = {},
): Promise<{ terminal: any; apiKey: string }> => {
  const response = await api.request('POST', '/v1/terminals', {
    key,
    body: registerBody(serialNumber, extra),
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { terminal: response.body.terminal, apiKey: response.body.credential.apiKey };
};

let counter = 0;
export const heartbeat = (occurredAt: Date, extra: Record<string, unknown> = {}) => ({
  eventId: `evt-${(counter += 1)}`,
  type: 'heartbeat',
  occurredAt: occurredAt.toISOString(),
  ...extra,
});
