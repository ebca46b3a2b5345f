import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MongoClient } from 'mongodb';
import { createIdempotencyStore } from '../../src/infrastructure/idempotency/create-idempotency-store';
import { MongoIdempotencyStore } from '../../src/infrastructure/idempotency/mongo-idempotency-store';
import { SqliteIdempotencyStore } from '../../src/infrastructure/idempotency/sqlite-idempotency-store';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { responseJson } from '../../src/infrastructure/idempotency/idempotency-store';
import fc from 'fast-check';

import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';

const claim = { key: 'idem-1', requestHash: 'h', lockMs: 60_000, ttlMs: 86_400_000 };

idempotencyStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgepay-idem-'));
  const store = new SqliteIdempotencyStore(join(dir, 'edgepay.sqlite'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

idempotencyStoreContract("SQLite, in the event store's file", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgepay-idem-'));
  const events = new SqliteEventStore(join(dir, 'edgepay.sqlite'));
  const store = await createIdempotencyStore({
    eventStoreFile: events.file,
    database: 'unused',
    sqlitePath: '/nonexistent/unused',
  });
  return {
    store,
    dispose: async () => {
      await store.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("SqliteIdempotencyStore in the event store's file", () => {
  it('is closed on its own, leaving the file to the event store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgepay-idem-'));
    const events = new SqliteEventStore(join(dir, 'edgepay.sqlite'));
    try {
      const store = new SqliteIdempotencyStore(events.file);
      await store.close();
      await assert.rejects(store.ping(), /closed/);
      await events.ping();
    } finally {
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteIdempotencyStore on a shared file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgepay-idem-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets two instances on one file see each other’s claims and completions', async () => {
    const path = join(dir, 'shared.sqlite');
    const first = new SqliteIdempotencyStore(path);
    const second = new SqliteIdempotencyStore(path, { synchronous: 'NORMAL' });
    try {
      const now = Date.now();
      assert.equal((await first.claim({ ...claim, scope: 's', now })).outcome, 'claimed');
      assert.equal((await second.claim({ ...claim, scope: 's', now })).outcome, 'in_flight');
      await first.complete('s', 'idem-1', { status: 200, body: { ok: true }, headers: {} });
      const seen = await second.claim({ ...claim, scope: 's', now: now + 1 });
      assert.ok(seen.outcome === 'completed');
      assert.deepEqual(seen.record.response?.body, { ok: true });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keeps records across a reopen', async () => {
    const path = join(dir, 'durable.sqlite');
    const now = Date.now();
    const before = new SqliteIdempotencyStore(path);
    await before.claim({ ...claim, scope: 's', now });
    await before.close();
    const after = new SqliteIdempotencyStore(path);
    try {
      assert.equal((await after.claim({ ...claim, scope: 's', now })).outcome, 'in_flight');
    } finally {
      await after.close();
    }
  });

  it('completes the answers of one turn together, and writes those still pending when it closes', async () => {
    const path = join(dir, 'batched.sqlite');
    const now = Date.now();
    const before = new SqliteIdempotencyStore(path);
    for (const key of ['a', 'b', 'c']) await before.claim({ ...claim, key, scope: 's', now });
    const completed = ['a', 'b'].map((key) =>
      before.complete('s', key, { status: 201, body: { key }, headers: {} }),
    );
    await Promise.all(completed);
    const pending = before.complete('s', 'c', { status: 201, body: { key: 'c' }, headers: {} });
    await before.close();
    await pending;
    const after = new SqliteIdempotencyStore(path);
    try {
      for (const key of ['a', 'b', 'c']) {
        const seen = await after.claim({ ...claim, key, scope: 's', now: now + 1 });
        assert.ok(seen.outcome === 'completed', key);
        assert.deepEqual(seen.record.response?.body, { key });
      }
    } finally {
      await after.close();
    }
  });
});

// Each worker thread opens its own connection, waits at a barrier, then claims the same keys as the others.
const claimingWorker = `
require('tsx/cjs');
const { workerData, parentPort } = require('node:worker_threads');
const { SqliteIdempotencyStore } = require(workerData.module);
(async () => {
  const store = new SqliteIdempotencyStore(workerData.path);
  const barrier = new Int32Array(workerData.barrier);
  Atomics.add(barrier, 0, 1);
  while (Atomics.load(barrier, 0) < workerData.workers) Atomics.wait(barrier, 0, Atomics.load(barrier, 0), 50);
  const claimed = [];
  for (let i = 0; i < workerData.keys; i += 1) {
    const input = { scope: 's', key: 'k' + i, requestHash: 'h', now: workerData.now, lockMs: 60000, ttlMs: 86400000 };
    if ((await store.claim(input)).outcome === 'claimed') claimed.push(i);
  }
  await store.close();
  parentPort.postMessage(claimed);
})().catch((error) => { throw error; });
`;

const runClaimingWorkers = (path: string, workers: number, keys: number): Promise<number[][]> => {
  const barrier = new SharedArrayBuffer(4);
  const module = require.resolve('../../src/infrastructure/idempotency/sqlite-idempotency-store');
  const now = Date.now();
  return Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(claimingWorker, {
            eval: true,
            workerData: { module, path, barrier, workers, keys, now },
          });
          worker.once('message', (claimed: number[]) => resolve(claimed));
          worker.once('error', reject);
          worker.once('exit', (code) =>
            code === 0 ? undefined : reject(new Error(`worker exited with ${code}`)),
          );
        }),
    ),
  );
};

describe('SqliteIdempotencyStore across connections', () => {
  it('gives each key to exactly one of several threads claiming it at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgepay-idem-'));
    try {
      const path = join(dir, 'contended.sqlite');
      // Create the file and schema first, so the workers do not race on it.
      await new SqliteIdempotencyStore(path).close();
      const claimedPerWorker = await runClaimingWorkers(path, 4, 25);
      const claimed = claimedPerWorker.flat().sort((a, b) => a - b);
      assert.deepEqual(
        claimed,
        Array.from({ length: 25 }, (_, i) => i),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createIdempotencyStore', () => {
  it('opens SQLite at sqlitePath, creating its folder, when no mongoUrl is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgepay-idem-'));
    const store = await createIdempotencyStore({
      database: 'unused',
      sqlitePath: join(dir, 'nested', 'x.sqlite'),
    });
    try {
      assert.ok(store instanceof SqliteIdempotencyStore);
      await store.ping();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  idempotencyStoreContract('MongoDB', async () => {
    const client = new MongoClient(mongoUrl);
    await client.connect();
    const database = `edgepay_test_idem_${process.pid}_${Date.now()}`;
    const store = await MongoIdempotencyStore.fromDb(client.db(database));
    return {
      store,
      dispose: async () => {
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  });

  describe('createIdempotencyStore with a mongoUrl', () => {
    it('opens MongoDB and owns its client', async () => {
      const database = `edgepay_test_idem_${process.pid}_${Date.now()}`;
      const store = await createIdempotencyStore({ mongoUrl, database, sqlitePath: '/nonexistent/unused' });
      try {
        assert.ok(store instanceof MongoIdempotencyStore);
        await store.ping();
      } finally {
        const client = new MongoClient(mongoUrl);
        await client.db(database).dropDatabase();
        await client.close();
        await store.close();
      }
    });
  });
}

describe('idempotency store: the recorded JSON of a response', () => {
  it('is JSON.stringify of the response, whether or not its body comes serialized (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.jsonValue(),
        fc.dictionary(fc.string(), fc.string()),
        (status, body, headers) => {
          const expected = JSON.stringify({ status, body, headers });
          assert.equal(responseJson({ status, body, headers }), expected);
          assert.equal(responseJson({ status, body, headers, bodyJson: JSON.stringify(body) }), expected);
        },
      ),
      { seed: 20_261_128, numRuns: 2_000 },
    );
  });
});
