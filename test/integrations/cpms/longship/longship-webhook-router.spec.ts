import assert from 'node:assert/strict';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../../../src/infrastructure/logging/logger';
import { longshipAdapterFactory } from '../../../../src/integrations/cpms/longship/longship-adapter';
import {
  LONGSHIP_WEBHOOK_MOUNT_PATH,
  longshipWebhookRouter,
} from '../../../../src/integrations/cpms/longship/longship-webhook-router';
import { LongshipSimulator } from '../../../../src/integrations/cpms/longship/simulator/longship-simulator';
import { eventually } from '../../../support/eventually';
import { RecordingSink, adapterDeps, longshipSettings } from '../support/adapter-fixtures';

const keys = { tenantKey: 'tenant-key-webhook-0001', applicationKey: 'application-key-webhook-0001' };
const webhookSecret = 'webhook-secret-for-longship-pushes';

describe('Longship webhook router: CloudEvents pushes from the simulator, over HTTP', () => {
  const sink = new RecordingSink();
  let secret: string | undefined = webhookSecret;
  let server: Server;
  let receiverUrl: string;

  before(async () => {
    const app = express();
    app.use(
      LONGSHIP_WEBHOOK_MOUNT_PATH,
      longshipWebhookRouter({ webhookSecret: () => secret, sink, logger: silentLogger() }),
    );
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${LONGSHIP_WEBHOOK_MOUNT_PATH}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    secret = webhookSecret;
    sink.statuses.length = 0;
    sink.sessions.length = 0;
  });

  const simulatorPushingWith = async (pushSecret: string) => {
    const simulator = new LongshipSimulator({ ...keys, webhook: { url: receiverUrl, secret: pushSecret } });
    const url = await simulator.listen();
    return { simulator, url };
  };

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(receiverUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json',
        'x-longship-webhook-secret': webhookSecret,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const event = (type: string, data: unknown, time = '2026-01-15T10:00:00Z') => ({
    specversion: '1.0',
    id: `evt-${Math.random()}`,
    source: 'https://api.longship.io/v1',
    type,
    time,
    data,
  });

  it('delivers pushes released out of order to the sink with their source times, so the newest can win', async () => {
    const { simulator } = await simulatorPushingWith(webhookSecret);
    try {
      simulator.addChargePoint('CP-OOO', 1);
      simulator.holdPushes();
      simulator.setConnectorStatus('CP-OOO', 1, 'Preparing', '2026-01-15T10:00:01.000Z');
      simulator.setConnectorStatus('CP-OOO', 1, 'Charging', '2026-01-15T10:00:02.000Z');
      simulator.setConnectorStatus('CP-OOO', 1, 'Finishing', '2026-01-15T10:00:03.000Z');
      await simulator.releasePushes('reversed');
      assert.deepEqual(
        sink.statuses.map((item) => [item.status, item.observedAt, item.source]),
        [
          ['Finishing', '2026-01-15T10:00:03.000Z', 'push'],
          ['Charging', '2026-01-15T10:00:02.000Z', 'push'],
          ['Preparing', '2026-01-15T10:00:01.000Z', 'push'],
        ],
      );
      assert.ok(simulator.pushes().every((push) => push.answer === 204));
    } finally {
      await simulator.close();
    }
  });

  it('turns a session started and stopped through the adapter into pushed session and connector observations', async () => {
    const { simulator, url } = await simulatorPushingWith(webhookSecret);
    try {
      simulator.configure({ startConfirmDelayMs: 10, stopConfirmDelayMs: 10, powerKw: 3600 });
      simulator.addChargePoint('CP-PUSH', 1);
      const adapter = longshipAdapterFactory(
        longshipSettings(url, { ...keys, webhookSecret }),
        adapterDeps().deps,
      );
      const target = { chargePointId: 'CP-PUSH', connectorNumber: 1 };
      const started = await adapter.startSession({ chargeId: 'ch_push', target });
      await new Promise((resolve) => setTimeout(resolve, 30));
      await adapter.stopSession({
        chargeId: 'ch_push',
        target,
        cpmsSessionId: started.outcome === 'accepted' ? started.cpmsSessionId : null,
      });
      await simulator.settlePushes();
      await eventually(async () =>
        assert.deepEqual(
          sink.sessions.map((item) => item.status),
          ['STARTED', 'STOPPED', 'COMPLETE'],
        ),
      );
      assert.ok((sink.sessions[2]?.energyWh ?? 0) > 0);
      assert.deepEqual(
        sink.statuses.map((item) => item.status),
        ['Charging', 'Available'],
      );
    } finally {
      await simulator.close();
    }
  });

  it('refuses a wrong or missing secret with 401 in the error envelope, and everything when no secret is configured', async () => {
    const { simulator } = await simulatorPushingWith('not-the-webhook-secret');
    try {
      simulator.addChargePoint('CP-BAD', 1);
      simulator.setConnectorStatus('CP-BAD', 1, 'Faulted');
      await simulator.settlePushes();
      assert.deepEqual(
        simulator.pushes().map((push) => push.answer),
        [401],
      );
    } finally {
      await simulator.close();
    }
    const missing = await post(event('OperationalStatusChanged', {}), { 'x-longship-webhook-secret': '' });
    assert.equal(missing.status, 401);
    const body = (await missing.json()) as { error: { type: string; code: string } };
    assert.deepEqual([body.error.type, body.error.code], ['authentication_error', 'invalid_webhook_secret']);
    secret = undefined;
    assert.equal((await post(event('Unknown', {}))).status, 401);
    assert.equal(sink.statuses.length, 0);
  });

  it('answers malformed pushes with 400 and delivers nothing of a batch holding one bad event', async () => {
    const good = event('OperationalStatusChanged', {
      chargePointId: 'CP-1',
      connectorNumber: 1,
      status: 'Available',
    });
    for (const bad of [
      '{not json',
      { ...good, specversion: '0.3' },
      { ...good, id: undefined },
      event('OperationalStatusChanged', { chargePointId: 'CP-1', connectorNumber: 1, status: 'Sleeping' }),
      event('SessionStart', { chargePointId: 'CP-1' }),
      { ...good, time: undefined },
      [good, event('ConnectivityStatusChanged', { chargePointId: 'CP-1', status: 'MAYBE' })],
      [],
      42,
    ]) {
      const answer = await post(bad);
      assert.equal(answer.status, 400, JSON.stringify(bad));
      const body = (await answer.json()) as { error: { type: string } };
      assert.equal(body.error.type, 'invalid_request_error');
    }
    assert.equal((await post('{}', { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('{}', { 'content-type': 'application/json; charset=latin-9' })).status, 415);
    assert.equal(sink.statuses.length, 0);
  });

  it('accepts and ignores event types it does not use; takes a batch whole', async () => {
    assert.equal((await post(event('ChargePointBooted', { anything: true }))).status, 204);
    assert.equal((await post(event('toString', {}))).status, 204);
    assert.equal(sink.statuses.length + sink.sessions.length, 0);
    const batch = [
      event(
        'ConnectivityStatusChanged',
        { chargePointId: 'CP-9', status: 'OFFLINE' },
        '2026-01-15T10:00:05+03:00',
      ),
      event('CdrCreated', { sessionId: 's-1', chargePointId: 'CP-9', totalEnergyInKwh: 12.345 }),
    ];
    assert.equal((await post(batch, { 'content-type': 'application/cloudevents-batch+json' })).status, 204);
    assert.deepEqual(
      sink.statuses.map((item) => [item.connectorNumber, item.status, item.connectivity, item.observedAt]),
      [[0, 'Unavailable', 'offline', '2026-01-15T07:00:05.000Z']],
    );
    assert.deepEqual(
      sink.sessions.map((item) => [item.status, item.energyWh]),
      [['COMPLETE', 12345]],
    );
  });

  it('answers 503 (not 500) in the envelope when the sink cannot record a push', async () => {
    const failing = express();
    failing.use(
      longshipWebhookRouter({
        webhookSecret: () => webhookSecret,
        sink: {
          connectorStatus: () => Promise.reject(new Error('store down')),
          session: () => Promise.resolve(),
        },
        logger: silentLogger(),
      }),
    );
    const failingServer = createServer(failing);
    await new Promise<void>((resolve) => failingServer.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(failingServer.address() as AddressInfo).port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-longship-webhook-secret': webhookSecret },
        body: JSON.stringify(
          event('OperationalStatusChanged', {
            chargePointId: 'CP-1',
            connectorNumber: 1,
            status: 'Available',
          }),
        ),
      });
      assert.equal(answer.status, 503);
      assert.equal(((await answer.json()) as { error: { type: string } }).error.type, 'dependency_error');
    } finally {
      await new Promise<void>((resolve) => failingServer.close(() => resolve()));
    }
  });
});
