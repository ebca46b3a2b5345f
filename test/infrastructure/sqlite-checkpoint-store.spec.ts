import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteCheckpointFile } from '../../src/infrastructure/checkpoints/sqlite-checkpoint-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { openInfrastructure } from '../../src/runtime/infrastructure';

describe('subscriber checkpoints on the embedded default', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'edgepay-checkpoints-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each subscriber’s checkpoint in the event file, next to the events, across reopening', async () => {
    const file = path.join(dir, 'edgepay.sqlite');
    const events = new SqliteEventStore(file);
    const first = new SqliteCheckpointFile(file);
    await first.for('dispatcher').save({ position: 9_007_199_254_740_993n, projections: [] });
    await first.for('other').save({ position: 5n, projections: ['a'] });
    first.close();
    const second = new SqliteCheckpointFile(file);
    assert.deepEqual(await second.for('dispatcher').load(), {
      position: 9_007_199_254_740_993n,
      projections: [],
    });
    await second.for('other').clear();
    assert.equal(await second.for('other').load(), undefined);
    assert.equal(await second.for('nobody').load(), undefined);
    second.close();
    assert.equal(await events.headPosition(), undefined, 'the event store still opens and reads its file');
    await events.close();
  });

  it('survives a restart of the embedded gateway, whose read store forgets everything', async () => {
    const config = loadConfig({ EDGEPAY_DATA_DIR: dir });
    const first = await openInfrastructure(config, silentLogger());
    await first.subscriberCheckpoints('webhook-dispatcher').save({ position: 42n, projections: [] });
    await first.close();
    const second = await openInfrastructure(config, silentLogger());
    try {
      assert.equal((await second.subscriberCheckpoints('webhook-dispatcher').load())?.position, 42n);
    } finally {
      await second.close();
    }
  });

  it('stays with the volatile read store for an in-memory event store, which forgets its events too', async () => {
    const config = loadConfig({ EDGEPAY_DATA_DIR: dir, EVENTSTORE_URL: 'sqlite::memory:' });
    const first = await openInfrastructure(config, silentLogger());
    await first.subscriberCheckpoints('webhook-dispatcher').save({ position: 42n, projections: [] });
    await first.close();
    const second = await openInfrastructure(config, silentLogger());
    try {
      assert.equal(await second.subscriberCheckpoints('webhook-dispatcher').load(), undefined);
    } finally {
      await second.close();
    }
  });
});
