import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { ManualClock } from '../../../src/infrastructure/clock';
import { SqliteEventStore } from '../../../src/infrastructure/event-store/sqlite-event-store';
import { BullMqJobQueue } from '../../../src/infrastructure/job-queue/bullmq-job-queue';
import { InProcessJobQueue } from '../../../src/infrastructure/job-queue/in-process-job-queue';
import type { JobQueue } from '../../../src/infrastructure/job-queue/job-queue';
import { silentLogger } from '../../../src/infrastructure/logging/logger';
import { MemoryReadStore } from '../../../src/infrastructure/read-store/memory-read-store';
import {
  edenredCaptureKicker,
  startEdenredCaptureWorkers,
} from '../../../src/workers/edenred/edenred-capture-process';
import { edenredServicesFor } from '../../support/edenred-flow';
import { paymentIntentFromStream } from '../../../src/projections/payment-intents/payment-intent.projection';
import type { PaymentIntentDocument } from '../../../src/projections/payment-intents/payment-intent.document';
import { edenredError } from '../../support/fake-edenred-client';
import { InMemoryEventStore } from '../../support/in-memory-event-store';
import { waitUntil } from '../../support/wait-until';

const USER = 'driver@example.com';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Our own prefix: other engineers' specs on the same Redis never meet these keys.
const prefix = `edgepay-edenred-test-${process.pid}-${randomUUID().slice(0, 8)}`;
const FAST_RETRY = { attempts: 5, backoff: { type: 'fixed' as const, delayMs: 20 } };

const deleteKeys = async (pattern: string): Promise<void> => {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } finally {
    await redis.quit();
  }
};

const onQueue = (name: string, openQueue: () => JobQueue) =>
  describe(`Edenred capture on the ${name} queue`, () => {
    let queue: JobQueue;
    let workers: { close: () => Promise<void> } | undefined;
    let crashOnce: boolean;
    let flow: ReturnType<typeof edenredServicesFor>;

    beforeEach(() => {
      queue = openQueue();
      crashOnce = false;
      const clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
      const kick = edenredCaptureKicker({ jobQueue: queue, logger: silentLogger(), retry: FAST_RETRY });
      flow = edenredServicesFor(new InMemoryEventStore(), clock, {
        onIntentChanged: (result) => kick(result),
        hooks: {
          afterOrderRefAssigned: () => {
            if (!crashOnce) return;
            crashOnce = false;
            throw new Error('worker killed between the order_ref and the call');
          },
        },
      });
      workers = startEdenredCaptureWorkers({
        ...flow.captureDeps,
        jobQueue: queue,
        readStore: new MemoryReadStore(),
        sweepIntervalMs: 60_000,
        retry: FAST_RETRY,
      });
    });

    afterEach(async () => {
      await workers?.close();
      await queue.close();
    });

    const capturedOnce = async (id: string) => {
      await waitUntil(async () => (await flow.paymentIntents.load(id)).state.status === 'captured', {
        timeoutMs: 10_000,
        message: `${id} captured`,
      });
      assert.equal(flow.edenred.transactions.size, 1);
      assert.equal(flow.edenred.balances.get(USER), 44_000);
    };

    it('captures once when the call times out after Edenred recorded it', async () => {
      const linkId = await flow.linkedWallet(USER, 50_000);
      flow.edenred.failNext('createTransaction', edenredError('retry_later', 'TIMEOUT'), {
        afterRecording: true,
      });
      const id = await flow.pendingCapture(linkId);
      await capturedOnce(id);
      assert.equal(flow.edenred.createCount(), 1, 'the retry found the capture instead of sending it again');
    });

    it('captures once when the worker dies between the order_ref and the call', async () => {
      const linkId = await flow.linkedWallet(USER, 50_000);
      crashOnce = true;
      const id = await flow.pendingCapture(linkId);
      await capturedOnce(id);
      assert.deepEqual(
        flow.edenred.calls.filter((call) => call.method === 'createTransaction').map((call) => call.orderRef),
        [1000],
      );
    });

    it('retries TRY_AGAIN with backoff under the same order_ref', async () => {
      const linkId = await flow.linkedWallet(USER, 50_000);
      flow.edenred.failNext('createTransaction', edenredError('retry_later', 'TRY_AGAIN'), { times: 2 });
      const id = await flow.pendingCapture(linkId);
      await capturedOnce(id);
      const refs = flow.edenred.calls
        .filter((call) => call.method === 'createTransaction')
        .map((c) => c.orderRef);
      assert.deepEqual(refs, [1000, 1000, 1000]);
    });
  });

onQueue('in-process', () => new InProcessJobQueue({ logger: silentLogger() }));

describe('BullMQ (real Redis)', () => {
  after(() => deleteKeys(`${prefix}:*`));
  onQueue('BullMQ', () => new BullMqJobQueue({ redisUrl, prefix, logger: silentLogger() }));
});

describe('Edenred order_ref across a restart of the gateway (same SQLite file)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'edgepay-edenred-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('continues strictly above every order_ref handed out before the restart', async () => {
    const file = path.join(dir, 'edgepay.sqlite');
    const clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
    const first = new SqliteEventStore(file);
    const before = edenredServicesFor(first, clock);
    const linkId = await before.linkedWallet(USER, 50_000);
    for (const amount of [1_000, 2_000]) await before.runCapture(await before.pendingCapture(linkId, amount));
    await first.close();

    const reopened = new SqliteEventStore(file);
    try {
      const after = edenredServicesFor(reopened, clock, { edenred: before.edenred });
      await after.runCapture(await after.pendingCapture(linkId, 3_000));
      const refs = before.edenred.calls
        .filter((call) => call.method === 'createTransaction')
        .map((call) => call.orderRef);
      assert.deepEqual(refs, [1000, 1001, 1002]);
      assert.equal(before.edenred.transactions.size, 3);
    } finally {
      await reopened.close();
    }
  });
});

describe('Edenred capture sweep', () => {
  it('captures an intent whose kick was lost, from the read model', async () => {
    const store = new InMemoryEventStore();
    const queue = new InProcessJobQueue({ logger: silentLogger() });
    const readStore = new MemoryReadStore();
    const flow = edenredServicesFor(store, new ManualClock(new Date('2026-06-01T09:00:00.000Z')));
    const id = await flow.pendingCapture(await flow.linkedWallet(USER, 50_000));
    const doc = paymentIntentFromStream(await store.readStream(`payment_intent-${id}`));
    assert.equal(doc?.status, 'capture_pending');
    await readStore
      .collection<PaymentIntentDocument>('payment_intents')
      .replaceOne({ _id: id }, doc!, { upsert: true });
    const workers = startEdenredCaptureWorkers({
      ...flow.captureDeps,
      jobQueue: queue,
      readStore,
      sweepIntervalMs: 20,
      retry: FAST_RETRY,
    });
    try {
      await waitUntil(async () => (await flow.paymentIntents.load(id)).state.status === 'captured', {
        message: 'captured by the sweep',
      });
      assert.equal(flow.edenred.transactions.size, 1);
    } finally {
      await workers.close();
      await queue.close();
    }
  });
});
