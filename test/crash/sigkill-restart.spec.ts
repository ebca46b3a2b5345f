import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/commands/api-keys/api-key.service';
import { systemContext } from '../../src/commands/command-context';
import { toResource } from '../../src/http/resource';
import { systemClock } from '../../src/infrastructure/clock';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import type { RecordedEvent } from '../../src/infrastructure/event-store/event-store';
import { paymentIntentFromStream } from '../../src/projections/payment-intents/payment-intent.projection';
import { eventually } from '../support/eventually';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { authorizeBody, createBody } from '../http/payment-intents.fixtures';

interface Sent {
  idempotencyKey: string;
  method: string;
  path: string;
  body: unknown;
}

const call = async (url: string, apiKey: string, sent: Sent) => {
  const response = await fetch(`${url}${sent.path}`, {
    method: sent.method,
    headers: {
      'content-type': 'application/json',
      'x-api-key': apiKey,
      'idempotency-key': sent.idempotencyKey,
    },
    body: JSON.stringify(sent.body),
  });
  return { status: response.status, body: (await response.json()) as any };
};

describe('crash safety: SIGKILL in the middle of a stream of commands (SQLite)', function () {
  this.timeout(120_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-crash-'));
  const env = {
    EDGEPAY_DATA_DIR: dataDir,
    SQLITE_SYNCHRONOUS: 'FULL',
    RATE_LIMIT_PER_MINUTE: '100000',
    IDEMPOTENCY_LOCK_SECONDS: '1',
  };
  let running: GatewayProcess | undefined;

  after(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged command exactly once, and read models equal a rebuild from zero', async () => {
    const setupStore = createEventStore({ dataDir });
    const { apiKeyId, key } = await issueApiKey(
      { eventStore: setupStore, clock: systemClock },
      {
        name: 'crash-test',
        merchantId: 'mer_crash',
        scopes: ['payments:read', 'payments:write'],
        environment: 'test',
      },
      systemContext('crash-test'),
    );
    await setupStore.close();

    running = await spawnGateway(env);
    const first = running;
    const acknowledged: Sent[] = [];
    const unanswered: Sent[] = [];
    let killed = false;

    const send = async (request: Sent) => {
      try {
        const response = await call(first.url, key, request);
        assert.ok(response.status < 300, JSON.stringify(response.body));
        acknowledged.push(request);
        return response.body;
      } catch (error) {
        if (!killed) throw error;
        unanswered.push(request);
        return undefined;
      }
    };
    // Four clients each drive intents through create -> authorize -> capture until the process dies.
    const client = async (clientId: number) => {
      for (let round = 0; !killed; round++) {
        const prefix = `c${clientId}-r${round}`;
        const created = await send({
          idempotencyKey: `${prefix}-create`,
          method: 'POST',
          path: '/v1/payment-intents',
          body: createBody(10_000),
        });
        if (!created) return;
        const intent = `/v1/payment-intents/${created.id}`;
        if (
          !(await send({
            idempotencyKey: `${prefix}-auth`,
            method: 'POST',
            path: `${intent}/authorize`,
            body: authorizeBody(10_000),
          }))
        )
          return;
        if (
          !(await send({
            idempotencyKey: `${prefix}-capture`,
            method: 'POST',
            path: `${intent}/capture`,
            body: { amount: 7_000 },
          }))
        )
          return;
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    while (acknowledged.length < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(clients);
    assert.ok(acknowledged.length >= 60);

    running = await spawnGateway(env);
    const second = running;

    // The clients retry what never got an answer, with the same keys: still one effect each.
    // A claim left in flight by the dead process answers 409 until its lock lapses; clients retry then.
    for (const sent of unanswered) {
      const response = await eventually(
        async () => {
          const answer = await call(second.url, key, sent);
          assert.notEqual(answer.body?.error?.code, 'idempotency_request_in_progress');
          return answer;
        },
        10_000,
        200,
      );
      assert.ok(response.status < 300, JSON.stringify(response.body));
    }

    const reader = createEventStore({ dataDir });
    try {
      const events = await reader.readAll({ limit: 1_000_000 });
      const byKey = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        const idempotencyKey = event.metadata.idempotencyKey;
        if (idempotencyKey && event.metadata.actor.id === apiKeyId) {
          byKey.set(idempotencyKey, [...(byKey.get(idempotencyKey) ?? []), event]);
        }
      }
      for (const sent of [...acknowledged, ...unanswered]) {
        const found = byKey.get(sent.idempotencyKey) ?? [];
        assert.equal(found.length, 1, `${sent.idempotencyKey} has ${found.length} events`);
      }

      const streams = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        if (event.streamName.startsWith('payment_intent-')) {
          streams.set(event.streamName, [...(streams.get(event.streamName) ?? []), event]);
        }
      }
      assert.ok(streams.size >= 20);
      for (const [streamName, stream] of streams) {
        assert.deepEqual(
          stream.map((event) => event.revision),
          stream.map((_, index) => index),
          `${streamName} has gaps`,
        );
        const rebuilt = paymentIntentFromStream(stream);
        assert.ok(rebuilt);
        const response = await fetch(`${second.url}/v1/payment-intents/${rebuilt.id}`, {
          headers: { 'x-api-key': key },
        });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), toResource(rebuilt));
      }
    } finally {
      await reader.close();
    }
  });
});
