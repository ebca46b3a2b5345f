import assert from 'node:assert/strict';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { corpayAdapterFactory } from '../../../src/integrations/cpms/corpay/corpay-adapter';
import { CorpaySimulator } from '../../../src/integrations/cpms/corpay/simulator/corpay-simulator';
import { longshipAdapterFactory } from '../../../src/integrations/cpms/longship/longship-adapter';
import { longshipWebhookRouter } from '../../../src/integrations/cpms/longship/longship-webhook-router';
import { LongshipSimulator } from '../../../src/integrations/cpms/longship/simulator/longship-simulator';
import type { StationAdapter } from '../../../src/integrations/cpms/station-adapter';
import { capturingLogger } from '../../support/capturing-logger';
import { adapterDeps, corpaySettings, longshipSettings } from './support/adapter-fixtures';

const longshipKeys = {
  tenantKey: 'TENANT-KEY-leak-check-7f3a',
  applicationKey: 'APP-KEY-leak-check-91cc',
  webhookSecret: 'WEBHOOK-SECRET-leak-check-55de',
};
const corpayCredentials = { clientId: 'edgepay-leak-check', clientSecret: 'CLIENT-SECRET-leak-check-c0ff' };
const wrongKeys = [
  'WRONG-APP-KEY-leak-check-1234',
  'WRONG-CLIENT-SECRET-leak-check-abcd',
  'WRONG-WEBHOOK-leak-check-9876',
];

/** Everything that could leave: error messages and objects, results, health snapshots, HTTP answers. */
const outputs: string[] = [];
const keep = (value: unknown) => outputs.push(typeof value === 'string' ? value : JSON.stringify(value));
const attempt = async (action: () => Promise<unknown>) => {
  try {
    keep(await action());
  } catch (error) {
    keep((error as Error).message);
    keep(error);
    keep(String(error));
  }
};

describe('CPMS adapters, simulators and the webhook router never put a secret in a log line or an error', () => {
  const { logger, lines } = capturingLogger();
  const longship = new LongshipSimulator({
    tenantKey: longshipKeys.tenantKey,
    applicationKey: longshipKeys.applicationKey,
  });
  const corpay = new CorpaySimulator({ ...corpayCredentials, tokenLifetimeSeconds: 300 });
  let receiver: Server;
  let receiverUrl: string;
  let pusher: LongshipSimulator;
  let longshipAdapter: StationAdapter;
  let corpayAdapter: StationAdapter;

  before(async () => {
    const app = express();
    app.use(
      longshipWebhookRouter({
        webhookSecret: () => longshipKeys.webhookSecret,
        sink: { connectorStatus: () => Promise.resolve(), session: () => Promise.resolve() },
        logger,
      }),
    );
    receiver = createServer(app);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    pusher = new LongshipSimulator({ ...longshipKeys, webhook: { url: receiverUrl, secret: wrongKeys[2]! } });
    await pusher.listen();
    const longshipUrl = await longship.listen();
    const corpayUrl = await corpay.listen();
    longship.configure({ startConfirmDelayMs: 10, stopConfirmDelayMs: 10 });
    corpay.configure({ startConfirmDelayMs: 10, stopDelayMs: 10 });
    const settings = {
      timeouts: { requestMs: 400, startConfirmMs: 1000 },
      retry: { attempts: 2, backoffMs: 1 },
    };
    longshipAdapter = longshipAdapterFactory(
      longshipSettings(longshipUrl, longshipKeys, settings),
      adapterDeps(logger).deps,
    );
    corpayAdapter = corpayAdapterFactory(
      corpaySettings(corpayUrl, corpayCredentials, settings),
      adapterDeps(logger).deps,
    );
    const wrongLongship = longshipAdapterFactory(
      longshipSettings(longshipUrl, { ...longshipKeys, applicationKey: wrongKeys[0]! }),
      adapterDeps(logger).deps,
    );
    const wrongCorpay = corpayAdapterFactory(
      corpaySettings(corpayUrl, { ...corpayCredentials, clientSecret: wrongKeys[1]! }),
      adapterDeps(logger).deps,
    );

    longship.addChargePoint('CP-LEAK', 1);
    corpay.addConnector('E-LEAK');
    const longshipTarget = { chargePointId: 'CP-LEAK', connectorNumber: 1 };
    const corpayTarget = { chargePointId: 'CP-C', connectorNumber: 1, cpmsConnectorId: 'E-LEAK' };

    // Journeys that succeed, then every failure path, including a CPMS that echoes credentials back.
    await attempt(() => longshipAdapter.startSession({ chargeId: 'ch_leak_1', target: longshipTarget }));
    await attempt(() =>
      longshipAdapter.stopSession({ chargeId: 'ch_leak_1', target: longshipTarget, cpmsSessionId: null }),
    );
    const echo = `keys ${longshipKeys.tenantKey} ${longshipKeys.applicationKey}`;
    longship.faults.failNext(2, {
      kind: 'status',
      status: 503,
      body: { code: 'Oops', errorDetails: { message: echo } },
    });
    await attempt(() =>
      longshipAdapter.getSession({ chargeId: 'ch_leak_1', target: longshipTarget, cpmsSessionId: null }),
    );
    longship.faults.failNext(2, { kind: 'hang', ms: 2000 });
    await attempt(() => longshipAdapter.pollConnectorStatuses(['CP-LEAK']));
    await attempt(() => longshipAdapter.testStation(longshipTarget));
    await attempt(() => wrongLongship.testStation(longshipTarget));
    await attempt(() => wrongLongship.startSession({ chargeId: 'ch_leak_2', target: longshipTarget }));

    const started = await corpayAdapter.startSession({ chargeId: 'ch_leak_3', target: corpayTarget });
    const cpmsSessionId = started.outcome === 'accepted' ? started.cpmsSessionId : null;
    corpay.revokeTokens();
    await attempt(() =>
      corpayAdapter.getSession({ chargeId: 'ch_leak_3', target: corpayTarget, cpmsSessionId }),
    );
    const token = corpay.issuedTokenValues().at(-1)!;
    corpay.faults.failNext(2, {
      kind: 'status',
      status: 500,
      body: { code: 'ECHO', message: `token ${token} secret ${corpayCredentials.clientSecret}` },
    });
    await attempt(() =>
      corpayAdapter.getSession({ chargeId: 'ch_leak_3', target: corpayTarget, cpmsSessionId }),
    );
    corpay.revokeTokens();
    corpay.faults.failNext(1, { kind: 'status', status: 401 }, /token$/);
    await attempt(() =>
      corpayAdapter.stopSession({ chargeId: 'ch_leak_3', target: corpayTarget, cpmsSessionId }),
    );
    await attempt(() =>
      corpayAdapter.stopSession({ chargeId: 'ch_leak_3', target: corpayTarget, cpmsSessionId }),
    );
    await attempt(() => wrongCorpay.testStation(corpayTarget));
    await attempt(() => wrongCorpay.startSession({ chargeId: 'ch_leak_4', target: corpayTarget }));

    pusher.addChargePoint('CP-PUSH', 1);
    pusher.setConnectorStatus('CP-PUSH', 1, 'Faulted');
    await pusher.settlePushes();
    for (const secret of [longshipKeys.webhookSecret, wrongKeys[2]!]) {
      const answer = await fetch(receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-longship-webhook-secret': secret },
        body: JSON.stringify({
          specversion: '1.0',
          id: '1',
          source: 's',
          type: 'OperationalStatusChanged',
          time: '2026-01-15T10:00:00Z',
          data: { secret },
        }),
      });
      keep(await answer.text());
    }
    for (const adapter of [longshipAdapter, corpayAdapter, wrongLongship, wrongCorpay])
      keep(adapter.health());
  });
  after(async () => {
    await Promise.all([longship.close(), corpay.close(), pusher.close()]);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('exercised the failure paths (there is something to scan)', () => {
    assert.ok(lines.length >= 5, `log lines: ${lines.length}`);
    assert.ok(outputs.some((text) => text.includes('cpms_auth_failed')));
    assert.ok(outputs.some((text) => text.includes('cpms_timeout')));
    assert.ok(
      outputs.some((text) => text.includes('[REDACTED]')),
      'echoed credentials were scrubbed, not dropped silently',
    );
    assert.ok(corpay.issuedTokenValues().length >= 3);
  });

  it('finds none of the keys, secrets or access tokens in any log line, error, result or answer', () => {
    const secrets = [
      longshipKeys.tenantKey,
      longshipKeys.applicationKey,
      longshipKeys.webhookSecret,
      corpayCredentials.clientSecret,
      ...wrongKeys,
      ...corpay.issuedTokenValues(),
    ];
    for (const [where, texts] of [
      ['log', lines],
      ['output', outputs],
    ] as const) {
      for (const text of texts) {
        for (const secret of secrets)
          assert.ok(!text.includes(secret), `a secret in a ${where}: ${text.slice(0, 200)}`);
      }
    }
  });
});
