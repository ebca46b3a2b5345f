import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteFile } from '../../src/infrastructure/sqlite/sqlite-file';

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
