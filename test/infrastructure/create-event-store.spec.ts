import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '../../src/infrastructure/event-store/create-event-store';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb-event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';

describe('createEventStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgepay-create-es-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens SQLite at <dataDir>/edgepay.sqlite without a url, creating the folder', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = createEventStore({ dataDir });
    try {
      assert.ok(store instanceof SqliteEventStore);
      assert.ok(existsSync(join(dataDir, 'edgepay.sqlite')));
    } finally {
      await store.close();
    }
  });

  it('opens SQLite at the path of a sqlite: url, creating its folder', async () => {
    const path = join(dir, 'elsewhere', 'events.sqlite');
    const store = createEventStore({ url: `sqlite:${path}`, dataDir: dir, synchronous: 'NORMAL' });
    try {
      assert.ok(store instanceof SqliteEventStore);
      assert.ok(existsSync(path));
    } finally {
      await store.close();
    }
  });

  it('opens an in-memory SQLite store for sqlite::memory:', async () => {
    const store = createEventStore({ url: 'sqlite::memory:', dataDir: join(dir, 'unused') });
    try {
      await store.ping();
      assert.ok(!existsSync(join(dir, 'unused')));
    } finally {
      await store.close();
    }
  });

  it('chooses EventStoreDB for esdb:// and esdb+discover:// urls without connecting yet', async () => {
    for (const url of ['esdb://127.0.0.1:2113?tls=false', 'esdb+discover://127.0.0.1:2113?tls=false']) {
      const store = createEventStore({ url, dataDir: dir });
      try {
        assert.ok(store instanceof EventStoreDbEventStore, url);
      } finally {
        await store.close();
      }
    }
  });

  it('refuses other urls', () => {
    assert.throws(() => createEventStore({ url: 'postgres://localhost/x', dataDir: dir }), /EVENTSTORE_URL/);
    assert.throws(() => createEventStore({ url: 'sqlite:', dataDir: dir }), /needs a path/);
  });
});
