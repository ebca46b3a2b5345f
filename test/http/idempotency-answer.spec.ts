import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { SqliteIdempotencyStore } from '../../src/infrastructure/idempotency/sqlite-idempotency-store';
import { idempotency } from '../../src/http/middleware/idempotency';
import { silentLogger } from '../../src/infrastructure/logging/logger';

/** A keyed POST's first answer and its replay, with and without something else wrapping res.json. */
describe('HTTP: the idempotency record and the answer are one serialization', () => {
  let store: SqliteIdempotencyStore;
  let server: Server;
  let recorded: unknown[];

  const principal: RequestHandler = (_req, res, next) => {
    res.locals.principal = { kind: 'api_key', credentialId: 'key_1', merchantId: 'mer_1' };
    next();
  };
  /** Stands in for the contract's response validation in tests: it wraps res.json and sees the body. */
  const wrapping: RequestHandler = (req, res, next) => {
    if (req.path.startsWith('/wrapped')) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        recorded.push(body);
        return json(body);
      };
    }
    next();
  };

  before(async () => {
    store = new SqliteIdempotencyStore(':memory:');
    const app = express();
    app.use(express.json());
    app.use(principal, wrapping);
    app.use(
      idempotency({ store, ttlMs: 60_000, lockMs: 60_000, now: () => Date.now(), logger: silentLogger() }),
    );
    app.post(['/plain/:id', '/wrapped/:id'], (req, res) => {
      res.setHeader('ETag', '"1"');
      res
        .status(201)
        .json({ id: req.params.id, amount: 1500, note: 'çé "quoted"', nested: { list: [1, null] } });
    });
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
  });
  beforeEach(() => (recorded = []));
  after(async () => {
    server.close();
    await store.close();
  });

  const post = async (path: string, key: string) => {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: '{}',
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      etag: response.headers.get('etag'),
      replayed: response.headers.get('idempotent-replayed'),
      body: await response.text(),
    };
  };

  for (const path of ['/plain/pi_1', '/wrapped/pi_1']) {
    it(`answers ${path} and its replay with the same status, headers and bytes`, async () => {
      const first = await post(path, `key-${path}`);
      const again = await post(path, `key-${path}`);
      assert.deepEqual(first, {
        status: 201,
        type: 'application/json; charset=utf-8',
        etag: '"1"',
        replayed: null,
        body: JSON.stringify({ id: 'pi_1', amount: 1500, note: 'çé "quoted"', nested: { list: [1, null] } }),
      });
      assert.deepEqual(again, { ...first, replayed: 'true' });
      if (path.startsWith('/wrapped')) assert.equal(recorded.length, 2, 'the wrapper saw both bodies');
    });
  }
});
