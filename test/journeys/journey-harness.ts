import assert from 'node:assert/strict';
import { CorpaySimulator } from '../../src/integrations/cpms/corpay/simulator/corpay-simulator';
import { LONGSHIP_WEBHOOK_MOUNT_PATH } from '../../src/integrations/cpms/longship/longship-webhook-router';
import { LongshipSimulator } from '../../src/integrations/cpms/longship/simulator/longship-simulator';
import { ManualClock } from '../../src/infrastructure/clock';
import { startChargingHarness, types, type ChargingHarness } from '../http/adhoc-charges.fixtures';
import { recordingLogger } from '../support/recording-logger';
import type { ApiResponse } from '../support/test-gateway';

export const INFRA = '/v1/charging-infrastructure';

export const LONGSHIP_CREDENTIALS = {
  tenantKey: 'journey-tenant-key-7Hq2Lx9Pz',
  applicationKey: 'journey-application-key-4Rt8Wm1Kc',
  webhookSecret: 'journey-webhook-secret-6Yn3Bv5Dj',
};

export const CORPAY_CREDENTIALS = {
  clientId: 'journey-client',
  clientSecret: 'journey-client-secret-2Fs9Qa7Ue',
};

/** Fast enough for a spec, shaped like production: one try for commands, a breaker that opens. */
export const JOURNEY_SETTINGS = {
  timeouts: { requestMs: 400, startConfirmMs: 30_000 },
  retry: { attempts: 2, backoffMs: 10 },
  circuitBreaker: { failureThreshold: 4, resetMs: 1_000 },
};

/**
 * A whole gateway (API, projector, worker, the real Longship and Corpay adapters, the mounted Longship
 * receiver) on real HTTP, both simulators on port 0 sharing the gateway's manual clock, and every
 * response body and log line kept for the secret scan.
 */
export interface Journey {
  h: ChargingHarness;
  clock: ManualClock;
  longship: LongshipSimulator;
  corpay: CorpaySimulator;
  longshipUrl: string;
  corpayUrl: string;
  infraKey: string;
  adminKey: string;
  logLines: string[];
  /** Every answer (headers and body) the gateway gave to the journey's requests. */
  bodies: unknown[];
  call(method: string, path: string, key: string, body?: unknown): Promise<ApiResponse>;
  configure(adapterType: 'longship' | 'corpay', body: Record<string, unknown>): Promise<ApiResponse>;
  map(body: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

export const startJourney = async (
  options: { env?: Record<string, string>; corpayTokenLifetimeSeconds?: number } = {},
): Promise<Journey> => {
  const clock = new ManualClock(new Date('2026-11-27T09:00:00.000Z'));
  const { logger, lines } = recordingLogger();
  const h = await startChargingHarness(
    { CPMS_CONNECTOR_POLL_TICK_MS: '50', ...options.env },
    { logger, clock },
  );
  const now = () => clock.now().getTime();
  const longship = new LongshipSimulator({
    tenantKey: LONGSHIP_CREDENTIALS.tenantKey,
    applicationKey: LONGSHIP_CREDENTIALS.applicationKey,
    webhook: {
      url: `${h.api.url}${LONGSHIP_WEBHOOK_MOUNT_PATH}`,
      secret: LONGSHIP_CREDENTIALS.webhookSecret,
    },
    now,
  });
  const corpay = new CorpaySimulator({
    ...CORPAY_CREDENTIALS,
    tokenLifetimeSeconds: options.corpayTokenLifetimeSeconds ?? 300,
    now,
  });
  const longshipUrl = await longship.listen();
  const corpayUrl = await corpay.listen();
  const infraKey = await h.api.issueKey({ scopes: ['infrastructure:read', 'infrastructure:write'] });
  const adminKey = await h.api.issueKey({ scopes: ['admin'] });
  const bodies: unknown[] = [];
  const request = h.api.request.bind(h.api);
  h.api.request = async (method, path, requestOptions) => {
    const response = await request(method, path, requestOptions);
    bodies.push({ headers: Object.fromEntries(response.headers), body: response.body });
    return response;
  };
  const call = (method: string, path: string, key: string, body?: unknown) =>
    h.api.request(method, path, { key, ...(body === undefined ? {} : { body }) });
  return {
    h,
    clock,
    longship,
    corpay,
    longshipUrl,
    corpayUrl,
    infraKey,
    adminKey,
    logLines: lines,
    bodies,
    call,
    configure: (adapterType, body) => call('PATCH', `${INFRA}/config/${adapterType}`, adminKey, body),
    async map(body) {
      const response = await call('POST', `${INFRA}/mappings`, infraKey, body);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body;
    },
    async close() {
      await h.close();
      await longship.close();
      await corpay.close();
    },
  };
};

export const configureLongship = async (journey: Journey, extra: Record<string, unknown> = {}) => {
  const response = await journey.configure('longship', {
    baseUrl: journey.longshipUrl,
    credentials: LONGSHIP_CREDENTIALS,
    ...JOURNEY_SETTINGS,
    ...extra,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
};

export const configureCorpay = async (journey: Journey, extra: Record<string, unknown> = {}) => {
  const response = await journey.configure('corpay', {
    baseUrl: journey.corpayUrl,
    credentials: CORPAY_CREDENTIALS,
    ...JOURNEY_SETTINGS,
    ...extra,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
};

export const startCharge = async (j: Journey, stationId: string, connectorId: string, amount = 50_000) => {
  const intentId = await j.h.authorizedIntent(amount);
  const charge = await j.h.start({ paymentIntentId: intentId, tariffId: 'standard', stationId, connectorId });
  return { intentId, charge };
};

/** A second charge on a connector already charging: the first once active, the second once settled. */
export const startOnBusyConnector = async (j: Journey, stationId: string, connectorId: string) => {
  const first = await startCharge(j, stationId, connectorId);
  await j.h.waitForCharge(first.charge.id, (charge) => charge.status === 'active');
  const second = await startCharge(j, stationId, connectorId, 20_000);
  const failed = await j.h.waitForCharge(second.charge.id, (charge) => charge.settlement !== null);
  return { first, second, failed };
};

/** The refused second start of `startOnBusyConnector`: failed as cpms_refused, its intent voided. */
export const assertRefusedAndVoided = async (
  j: Journey,
  { second, failed }: Awaited<ReturnType<typeof startOnBusyConnector>>,
  why: RegExp,
) => {
  assert.deepEqual(
    [failed.status, failed.failure.reason, failed.settlement.outcome],
    ['failed', 'cpms_refused', 'voided'],
  );
  assert.match(failed.failure.message, why);
  assert.equal(types(await j.h.intentEvents(second.intentId)).at(-1), 'PaymentIntentVoided');
};

export const capturesOf = async (j: Journey, intentId: string) =>
  (await j.h.intentEvents(intentId)).filter((event) => event.type === 'PaymentIntentCaptured').length;

/**
 * The rest of a started charge: active, a progress reading at 10 minutes, stop at 20 minutes with the
 * final reading, settled; the intent captured exactly the amount due, once. `beforeStop` runs between.
 */
export const runToCapture = async (
  j: Journey,
  chargeId: string,
  intentId: string,
  beforeStop?: () => Promise<void>,
) => {
  const active = await j.h.waitForCharge(chargeId, (charge) => charge.status === 'active');
  assert.equal((await j.h.reading(active, 10, 4_000)).status, 200);
  await beforeStop?.();
  const end = new Date(Date.parse(active.activatedAt) + 20 * 60_000);
  j.clock.set(end);
  const completed = await j.h.complete(chargeId, {
    reading: { meterWh: 8_000, measuredAt: end.toISOString() },
  });
  assert.equal(completed.status, 200, JSON.stringify(completed.body));
  const settled = await j.h.waitForCharge(chargeId, (charge) => charge.settlement !== null);
  assert.deepEqual(
    [settled.settlement.outcome, settled.settlement.amountCaptured],
    ['captured', completed.body.amountDue],
  );
  assert.equal(await capturesOf(j, intentId), 1);
  return active;
};
