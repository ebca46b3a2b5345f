import assert from 'node:assert/strict';
import express, { Router } from 'express';
import type { StationWebhookReceiver } from '../../src/runtime/station-adapter-factories';
import { FakeStationCpms } from '../support/fake-station-adapter';
import { recordingLogger } from '../support/recording-logger';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

export const INFRA_SCOPES = ['infrastructure:read', 'infrastructure:write'];
export const MAPPINGS = '/v1/charging-infrastructure/mappings';
export const CONFIG = '/v1/charging-infrastructure/config';

export const LONGSHIP_SECRETS = {
  tenantKey: 'tenant-key-SECRET-9f8e7d6c',
  applicationKey: 'application-key-SECRET-5b4a3c2d',
  webhookSecret: 'webhook-secret-SECRET-1a2b3c4d',
};

export const mappingBody = (stationId: string, overrides: Record<string, unknown> = {}) => ({
  stationId,
  adapterType: 'longship',
  chargePointId: `CP-${stationId}`,
  connectors: [
    { connectorId: '1', connectorNumber: 1 },
    { connectorId: '2', connectorNumber: 2, evseUid: `TR*EDG*${stationId}*2` },
  ],
  ...overrides,
});

export const FAKE_RECEIVER_PATH = '/partners/fake-longship/webhooks';

/** A stand-in for the Longship receiver: checks the live header secret, hands the body to the sink. */
const fakeLongshipReceiver: StationWebhookReceiver = ({ sink, longshipWebhookSecret }) => {
  const router = Router();
  router.post(FAKE_RECEIVER_PATH, express.json(), async (req, res) => {
    const secret = longshipWebhookSecret();
    if (!secret || req.get('x-webhook-secret') !== secret) return void res.status(401).end();
    await sink.connectorStatus(req.body);
    res.status(202).end();
  });
  return router;
};

export interface InfraHarness {
  api: TestGateway;
  cpms: FakeStationCpms;
  /** Every line the gateway logged (debug and up). */
  logLines: string[];
  key: string;
  admin: string;
  createMapping(body: unknown, key?: string): Promise<any>;
  configureLongship(extra?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

/** A gateway whose Longship and Corpay adapters are one in-memory fake CPMS. */
export const startInfraHarness = async (env: Record<string, string> = {}): Promise<InfraHarness> => {
  const cpms = new FakeStationCpms();
  const { logger, lines } = recordingLogger();
  const api = await startTestGateway({
    logger,
    stationWebhookReceivers: [fakeLongshipReceiver],
    env: { CPMS_CONNECTOR_POLL_TICK_MS: '50', ...env },
    stationAdapterFactories: { longship: cpms.factory, corpay: cpms.factory },
  });
  const key = await api.issueKey({ scopes: INFRA_SCOPES });
  const admin = await api.issueKey({ scopes: ['admin'] });
  return {
    api,
    cpms,
    logLines: lines,
    key,
    admin,
    async createMapping(body, withKey = key) {
      const response = await api.request('POST', MAPPINGS, { key: withKey, body });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body;
    },
    async configureLongship(extra = {}) {
      const response = await api.request('PATCH', `${CONFIG}/longship`, {
        key: admin,
        body: { baseUrl: 'http://127.0.0.1:9/longship', credentials: LONGSHIP_SECRETS, ...extra },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body;
    },
    close: () => api.close(),
  };
};
