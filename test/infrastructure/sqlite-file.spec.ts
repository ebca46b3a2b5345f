import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteFile } from '../../src/infrastructure/sqlite/sqlite-file';
import { waitUntil } from '../support/wait-until';

describe('SqliteFile write batches (decision 0034)', () => {
  let dir: string;
  let file: SqliteFile;
  const rows = (db: Database.Database) =>
    db.prepare('SELECT id FROM items ORDER BY id').pluck().all() as string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgepay-sqlite-file-'));
    file = new SqliteFile(join(dir, 'batch.sqlite'));
    file.db.exec('CREATE TABLE items (id TEXT PRIMARY KEY)');
  });

  afterEach(async () => {
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: string) => file.db.prepare('INSERT INTO items (id) VALUES (?)').run(id).changes;

  it('commits the writes queued in one turn of the loop together, each with its own result', async () => {
    const before = file.commits;
    const results = await Promise.all(['a', 'b', 'c'].map((id) => file.write(() => insert(id))));
    assert.deepEqual(results, [1, 1, 1]);
    assert.equal(file.commits, before + 1);
    await file.write(() => insert('d'));
    assert.equal(file.commits, before + 2);
    assert.deepEqual(rows(file.db), ['a', 'b', 'c', 'd']);
  });

  it('rolls back a write that throws, alone: the others of its batch commit', async () => {
    const outcomes = await Promise.allSettled([
      file.write(() => insert('a')),
      file.write(() => {
        insert('b');
        insert('a'); // a duplicate: this write's first insert must go too
      }),
      file.write(() => insert('c')),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(rows(file.db), ['a', 'c']);
  });

  it('rolls back a write that throws when it is alone in its turn', async () => {
    await file.write(() => insert('a'));
    const before = file.commits;
    await assert.rejects(
      file.write(() => {
        insert('b');
        insert('a');
      }),
      /UNIQUE/,
    );
    assert.equal(file.commits, before, 'nothing was committed');
    assert.deepEqual(rows(file.db), ['a']);
    assert.equal(file.db.inTransaction, false);
  });

  it('is committed before its promise resolves: another connection sees it, and not before', async () => {
    const other = new Database(join(dir, 'batch.sqlite'));
    try {
      const written = file.write(() => insert('a'));
      assert.deepEqual(rows(other), [], 'queued, not committed yet');
      await written;
      assert.deepEqual(rows(other), ['a']);
    } finally {
      other.close();
    }
  });

  it('holds the write lock only while a batch runs, so another connection can write between batches', async () => {
    const other = new Database(join(dir, 'batch.sqlite'), { timeout: 0 });
    try {
      await file.write(() => insert('a'));
      other.prepare('INSERT INTO items (id) VALUES (?)').run('x');
      await file.write(() => insert('b'));
      assert.deepEqual(rows(file.db), ['a', 'b', 'x']);
    } finally {
      other.close();
    }
  });

  it('commits and syncs writes still queued when it closes; durable() then resolves', async () => {
    const path = join(dir, 'batch.sqlite');
    const written = file.write(() => insert('late'));
    await file.close();
    assert.equal(await written, 1);
    await file.durable();
    const reopened = new Database(path);
    try {
      assert.deepEqual(rows(reopened), ['late']);
    } finally {
      reopened.close();
    }
    await assert.rejects(
      file.write(() => insert('after')),
      /closed/,
    );
  });
});

describe('SqliteFile WAL checkpoints off the event loop (decision 0041)', () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'edgepay-sqlite-checkpoint-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fill = async (file: SqliteFile, rows: number) => {
    file.db.exec('CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = file.db.prepare('INSERT INTO items (body) VALUES (?)');
    for (let at = 0; at < rows; at += 100) {
      await file.write(() => {
        for (let n = 0; n < 100; n++) insert.run('x'.repeat(500));
      });
    }
  };

  it('copies committed WAL frames into the database file from its own thread', async () => {
    const path = join(dir, 'threaded.sqlite');
    const file = new SqliteFile(path, { checkpointIntervalMs: 20 });
    try {
      await fill(file, 2_000);
      // Far below the connection's own threshold: only the thread can have copied these pages.
      await waitUntil(() => file.checkpointedFrames > 100, { timeoutMs: 5_000, message: 'a checkpoint' });
      assert.ok(statSync(path).size > 500 * 1_000, 'the rows are in the database file itself');
    } finally {
      await file.close();
    }
    const reopened = new Database(path, { readonly: true });
    assert.equal(reopened.prepare('SELECT count(*) FROM items').pluck().get(), 2_000);
    reopened.close();
  });

  it('leaves checkpoints to the connection when asked to (checkpointIntervalMs 0), and on a file in memory', async () => {
    const path = join(dir, 'unthreaded.sqlite');
    const file = new SqliteFile(path, { checkpointIntervalMs: 0 });
    const memory = new SqliteFile(':memory:');
    try {
      await fill(file, 1_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(file.checkpointedFrames, 0);
      assert.equal(file.db.pragma('wal_autocheckpoint', { simple: true }), 10_000);
      assert.equal(memory.checkpointedFrames, 0);
    } finally {
      await file.close();
      await memory.close();
    }
  });

  it('keeps a process with nothing else to do alive until close has finished', () => {
    // The walk-through's `edgepay keys create` once exited 0 without printing: closing waited on a thread
    // that no longer held the loop.
    const script = [
      `const { SqliteFile } = require(${JSON.stringify(require.resolve('../../src/infrastructure/sqlite/sqlite-file'))});`,
      `const file = new SqliteFile(${JSON.stringify(join(dir, 'process.sqlite'))}, { checkpointIntervalMs: 20 });`,
      // A write starts the checkpoint thread.
      `file.write(() => file.db.exec('CREATE TABLE t (x)'))`,
      `  .then(() => file.close())`,
      `  .then(() => process.stdout.write('closed'));`,
    ].join('\n');
    const output = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
    });
    assert.equal(output, 'closed');
  });

  it('stops its thread on close, so the last connection removes the WAL', async () => {
    const path = join(dir, 'closed.sqlite');
    const file = new SqliteFile(path, { checkpointIntervalMs: 20 });
    await fill(file, 500);
    await file.close();
    assert.equal(existsSync(`${path}-wal`), false, 'no other connection held the file open');
  });
});
