import assert from 'node:assert/strict';
import type { StationAdapterFactories } from '../../src/integrations/cpms/station-adapter-registry';
import type { StationBehaviour } from '../../src/integrations/cpms/simulator/cpms-simulator';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import { ManualClock } from '../../src/infrastructure/clock';
import type { EdenredClient } from '../../src/integrations/edenred/edenred-port';
import type { Logger } from '../../src/infrastructure/logging/logger';
import { eventually } from '../support/eventually';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { authorizeBody, createBody } from './payment-intents.fixtures';

export const CHARGING_SCOPES = [
  'payments:read',
  'payments:write',
  'charges:read',
  'charges:write',
  'tariffs:read',
  'tariffs:write',
];

export const MINUTE = 60_000;

/** 7.50 TRY/kWh, 6.00 TRY per charging hour (per minute), 5.00 TRY start fee; VAT from the default (20%). */
export const standardTariff = {
  currency: 'TRY',
  type: 'AD_HOC_PAYMENT',
  elements: [
    {
      priceComponents: [
        { type: 'FLAT', price: 5, stepSize: 1 },
        { type: 'ENERGY', price: 7.5, stepSize: 1 },
        { type: 'TIME', price: 6, stepSize: 60 },
      ],
    },
  ],
};

/** Energy only: 7.50 TRY/kWh, 9.00 TRY/kWh with VAT. */
export const energyTariff = {
  currency: 'TRY',
  elements: [{ priceComponents: [{ type: 'ENERGY', price: 7.5, stepSize: 1 }] }],
};

export interface ChargingHarness {
  api: TestGateway;
  clock: ManualClock;
  key: string;
  configureStation(stationId: string, behaviour: Partial<StationBehaviour>): void;
  putTariff(id: string, body?: unknown, key?: string): Promise<void>;
  authorizedIntent(amount: number, key?: string): Promise<string>;
  start(body: Record<string, unknown>, key?: string): Promise<any>;
  waitForCharge(id: string, check: (charge: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Sends a reading `minutes` after activation, moving the clock there first. */
  reading(
    charge: { id: string; activatedAt: string },
    minutes: number,
    meterWh: number,
    extra?: object,
  ): Promise<any>;
  complete(id: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  streamEvents(streamName: string): Promise<RecordedEvent[]>;
  intentEvents(paymentIntentId: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export const startChargingHarness = async (
  env: Record<string, string> = {},
  options: {
    stationAdapterFactories?: StationAdapterFactories;
    edenredClient?: (clock: ManualClock) => EdenredClient;
    /** The gateway's clock, when a simulator of the test must share it. */
    clock?: ManualClock;
    logger?: Logger;
  } = {},
): Promise<ChargingHarness> => {
  const clock = options.clock ?? new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const api = await startTestGateway({
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.stationAdapterFactories ? { stationAdapterFactories: options.stationAdapterFactories } : {}),
    ...(options.edenredClient ? { edenredClient: options.edenredClient(clock) } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    env: {
      CHARGE_SWEEP_INTERVAL_MS: '25',
      CPMS_POLL_INTERVAL_MS: '25',
      CHARGE_START_TIMEOUT_SECONDS: '120',
      CHARGE_STOP_MARGIN_MINOR: '500',
      ...env,
    },
  });
  const key = await api.issueKey({ scopes: CHARGING_SCOPES });
  const simulator = api.gateway.cpmsSimulator;
  assert.ok(simulator, 'the embedded default runs the CPMS simulator in process');

  const harness: ChargingHarness = {
    api,
    clock,
    key,
    configureStation: (stationId, behaviour) => simulator.configure(behaviour, stationId),
    async putTariff(id, body = standardTariff, withKey = key) {
      const response = await api.request('PUT', `/v1/tariffs/${id}`, { key: withKey, body });
      assert.ok(response.status === 201 || response.status === 200, JSON.stringify(response.body));
    },
    async authorizedIntent(amount, withKey = key) {
      const created = await api.request('POST', '/v1/payment-intents', {
        key: withKey,
        body: createBody(amount),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const authorized = await api.request('POST', `/v1/payment-intents/${created.body.id}/authorize`, {
        key: withKey,
        body: authorizeBody(amount),
      });
      assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
      return created.body.id as string;
    },
    async start(body, withKey = key) {
      const response = await api.request('POST', '/v1/adhoc-charges/start', { key: withKey, body });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body;
    },
    waitForCharge: (id, check, timeoutMs = 10_000) =>
      eventually(async () => {
        const response = await api.request('GET', `/v1/adhoc-charges/${id}`, { key });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.ok(check(response.body), `charge ${id}: ${JSON.stringify(response.body)}`);
        return response.body;
      }, timeoutMs),
    async reading(charge, minutes, meterWh, extra = {}) {
      const measuredAt = new Date(Date.parse(charge.activatedAt) + minutes * MINUTE);
      if (clock.now() < measuredAt) clock.set(measuredAt);
      return api.request('PUT', `/v1/adhoc-charges/${charge.id}/progress`, {
        key,
        body: { meterWh, measuredAt: measuredAt.toISOString(), ...extra },
      });
    },
    complete: (id, body, headers = {}) =>
      api.request('POST', `/v1/adhoc-charges/${id}/complete`, {
        key,
        ...(body === undefined ? {} : { body }),
        headers,
      }),
    streamEvents: async (streamName) =>
      (await api.allEvents()).filter((event) => event.streamName === streamName),
    intentEvents: (paymentIntentId) => harness.streamEvents(`payment_intent-${paymentIntentId}`),
    close: () => api.close(),
  };
  return harness;
};

export const types = (events: readonly RecordedEvent[]): string[] => events.map((event) => event.type);
