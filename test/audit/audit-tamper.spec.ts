import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCheckpoint, ChainBrokenError } from '../../src/audit/audit-checkpoints';
import type { ChainBreak } from '../../src/audit/chain-verifier';
import { EVENT_SCHEMAS_BY_AGGREGATE } from '../../src/audit/event-catalogue';
import { readExport } from '../../src/audit/export-file';
import { compareReadModels, replayReadModels, snapshotReadModels } from '../../src/audit/replay';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import { rebuildReadModels } from '../../src/projections/rebuild-read-models';
import { loadAuditSigningKey } from '../../src/audit/signing-key';
import type { VerifyReport } from '../../src/audit/verify-history';
import { runAudit } from '../../src/cli/audit/audit.command';
import { systemClock } from '../../src/infrastructure/clock';
import { chainEvents } from '../../src/infrastructure/event-store/hash-chain';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import {
  auditKeyPem,
  cliContextFor,
  copyStore,
  recordGatewayHistory,
  tamper,
  type RecordedGatewayHistory,
} from './audit-history.fixtures';

interface Row {
  position: number;
  stream_name: string;
  revision: number;
  data: string;
}

const audit = async (history: RecordedGatewayHistory, file: string, args: string[]) => {
  const context = cliContextFor(history.dir, file);
  const [subcommand, ...rest] = args;
  const status = await runAudit(subcommand, rest, context);
  return { status, output: context.output.join('\n') };
};

/** `audit verify --store --json` on the file, and `audit export` then `audit verify FILE` of the export. */
const verifyBothWays = async (history: RecordedGatewayHistory, file: string, name: string) => {
  const store = await audit(history, file, ['verify', '--store', '--json']);
  const exported = path.join(history.dir, `${name}.ndjson`);
  assert.equal((await audit(history, file, ['export', '--out', exported, '--json'])).status, 0);
  const fromExport = await audit(history, file, ['verify', exported, '--json']);
  return {
    store: { status: store.status, report: JSON.parse(store.output) as VerifyReport },
    exported: { status: fromExport.status, report: JSON.parse(fromExport.output) as VerifyReport },
  };
};

const where = (breaks: readonly ChainBreak[]) => breaks.map((b) => [b.kind, b.streamName, b.revision]);

const signCheckpoint = (file: string) =>
  withStore(file, (eventStore) =>
    createCheckpoint({ eventStore, signingKey: loadAuditSigningKey(auditKeyPem), clock: systemClock }),
  );

const withStore = async <T>(file: string, work: (store: SqliteEventStore) => Promise<T>): Promise<T> => {
  const store = new SqliteEventStore(file);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
};

const readAllTypes = (file: string) =>
  withStore(file, async (store) => (await store.readAll()).map((event) => event.type));

const rowsOf = (file: string, streamPrefix: string): Row[] => {
  let rows: Row[] = [];
  tamper(file, (db) => {
    rows = db
      .prepare<[string], Row>(
        'SELECT position, stream_name, revision, data FROM events WHERE stream_name LIKE ? ORDER BY position',
      )
      .all(`${streamPrefix}%`);
  });
  return rows;
};

/** The stream with the most events among those starting with `prefix`. */
const longestStream = (file: string, prefix: string): string => {
  const counts = new Map<string, number>();
  for (const row of rowsOf(file, prefix)) counts.set(row.stream_name, (counts.get(row.stream_name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
};

describe('audit: a realistic history exports, verifies, replays, and gives away every tampering', function () {
  this.timeout(120_000);
  let history: RecordedGatewayHistory;
  let checkpointFile: string;

  before(async () => {
    history = await recordGatewayHistory();
    const checkpoint = await signCheckpoint(history.file);
    checkpointFile = path.join(history.dir, 'checkpoint-before.json');
    writeFileSync(checkpointFile, JSON.stringify(checkpoint));
  });

  it('exports and verifies clean, by the store and by the export, with only the public key', async () => {
    const pristine = copyStore(history, 'pristine');
    const { store, exported } = await verifyBothWays(history, pristine, 'pristine');
    assert.deepEqual([store.status, store.report.breaks], [0, []]);
    assert.deepEqual([exported.status, exported.report.breaks], [0, []]);
    assert.equal(store.report.eventCount, history.eventCount + 1, 'every event and the checkpoint');
    assert.equal(store.report.checkpoint?.developmentKey, false);
    const categories = new Set(store.report.heads.map((head) => head.streamName.split('-')[0]));
    for (const category of ['payment_intent', 'charge_session', 'terminal', 'webhook_subscription']) {
      assert.ok(categories.has(category), `${category} in ${[...categories].join(', ')}`);
    }

    const catalogued = new Set(
      Object.values(EVENT_SCHEMAS_BY_AGGREGATE).flatMap((schemas) => Object.keys(schemas)),
    );
    const written = new Set((await readAllTypes(pristine)).filter((type) => !catalogued.has(type)));
    assert.deepEqual([...written], [], 'every event type written is in the catalogue of docs/audit.md');

    const publicKeyFile = path.join(history.dir, 'audit-public.pem');
    writeFileSync(publicKeyFile, (await audit(history, pristine, ['public-key'])).output);
    assert.doesNotMatch(readFileSync(publicKeyFile, 'utf8'), /PRIVATE/);
    const auditor = cliContextFor(history.dir, path.join(history.dir, 'no-store.sqlite'));
    auditor.config = { ...auditor.config, AUDIT_SIGNING_KEY: undefined };
    const exported2 = path.join(history.dir, 'pristine.ndjson');
    const status = await runAudit('verify', [exported2, '--public-key', publicKeyFile], auditor);
    assert.equal(status, 0, auditor.output.join('\n'));
    assert.match(auditor.output.join('\n'), /^OK: /);
  });

  it('verifies exports of one category and of a time window against the checkpoint they carry', async () => {
    const pristine = copyStore(history, 'scoped');
    const firstCharge = rowsOf(pristine, 'charge_session-')[0]!;
    let since = '';
    tamper(pristine, (db) => {
      since = db
        .prepare<[number], string>('SELECT recorded_at FROM events WHERE position = ?')
        .pluck()
        .get(firstCharge.position)!;
    });
    for (const [name, args] of [
      ['category', ['--category', 'payment_intent']],
      ['window', ['--since', since]],
      ['stream', ['--stream', firstCharge.stream_name]],
    ] as const) {
      const file = path.join(history.dir, `scoped-${name}.ndjson`);
      const exported = await audit(history, pristine, ['export', ...args, '--out', file, '--json']);
      assert.equal(exported.status, 0, exported.output);
      const verified = await audit(history, pristine, ['verify', file, '--json']);
      const report = JSON.parse(verified.output) as VerifyReport;
      assert.deepEqual([name, verified.status, report.breaks], [name, 0, []]);
      assert.ok(
        report.eventCount > 0 && report.eventCount < history.eventCount,
        `${name}: ${report.eventCount}`,
      );
    }
  });

  it('runs as `edgepay audit verify --store --json` from the command line, exit status and all', () => {
    const file = copyStore(history, 'cli');
    tamper(file, (db) =>
      db.prepare("DELETE FROM events WHERE stream_name LIKE 'terminal-%' AND revision = 0").run(),
    );
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/edgepay.ts', 'audit', 'verify', '--store', '--json'],
      {
        cwd: path.join(__dirname, '..', '..'),
        env: {
          ...process.env,
          EDGEPAY_DATA_DIR: history.dir,
          EVENTSTORE_URL: `sqlite:${file}`,
          AUDIT_SIGNING_KEY: auditKeyPem,
        },
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as VerifyReport;
    assert.ok(
      report.breaks.every((b) => b.streamName?.startsWith('terminal-')),
      run.stdout,
    );
    assert.ok(report.breaks.length > 0);
  });

  it('replays an export into read models identical to the live ones', async () => {
    const exported = path.join(history.dir, 'replay.ndjson');
    assert.equal((await audit(history, history.file, ['export', '--out', exported])).status, 0);
    const replayed = await replayReadModels(readExport(exported), silentLogger());
    assert.deepEqual(compareReadModels(replayed, history.live), []);
    const documents = [...replayed.values()].reduce((sum, docs) => sum + docs.size, 0);
    assert.ok(documents > 10, `${documents} documents`);

    const cli = await audit(history, history.file, ['replay', exported, '--json']);
    const answer = JSON.parse(cli.output) as { identical: boolean; differences: unknown[] };
    assert.deepEqual([cli.status, answer.identical, answer.differences], [0, true, []]);
    const twice = await audit(history, history.file, ['replay', exported, '--against', exported]);
    assert.equal(twice.status, 0, twice.output);
    assert.match(twice.output, /^IDENTICAL: /);
  });

  it('rebuilds stale read models in place into the live ones, with progress', async () => {
    const readStore = new MemoryReadStore();
    await readStore
      .collection('payment_intents')
      .replaceOne({ _id: 'pi_stale' }, { _id: 'pi_stale' }, { upsert: true });
    const seen: bigint[] = [];
    await withStore(history.file, (eventStore) =>
      rebuildReadModels({
        eventStore,
        readStore,
        onProgress: ({ position }) => seen.push(position ?? 0n),
      }),
    );
    assert.deepEqual(compareReadModels(await snapshotReadModels(readStore), history.live), []);
    assert.ok(seen.length > 0);
    await readStore.close();
  });

  it('detects one byte edited in one event, naming stream and revision', async () => {
    const file = copyStore(history, 'edited');
    const stream = longestStream(file, 'payment_intent-');
    const target = rowsOf(file, stream).find((row) => /\d/.test(row.data))!;
    const index = target.data.search(/\d/);
    const digit = target.data[index]!;
    const edited = `${target.data.slice(0, index)}${digit === '9' ? '8' : String(Number(digit) + 1)}${target.data.slice(index + 1)}`;
    tamper(file, (db) =>
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(edited, target.position),
    );

    const { store, exported } = await verifyBothWays(history, file, 'edited');
    for (const { status, report } of [store, exported]) {
      assert.equal(status, 1);
      assert.deepEqual(where(report.breaks), [['edited', stream, target.revision]]);
    }
    await assert.rejects(signCheckpoint(file), ChainBrokenError, 'no checkpoint over a broken chain');
  });

  it('detects a deleted event', async () => {
    const file = copyStore(history, 'deleted');
    const stream = longestStream(file, 'charge_session-');
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE stream_name = ? AND revision = 1').run(stream));
    const { store, exported } = await verifyBothWays(history, file, 'deleted');
    for (const { status, report } of [store, exported]) {
      assert.equal(status, 1);
      assert.deepEqual(where(report.breaks), [['deleted', stream, 2]]);
      assert.match(report.breaks[0]!.detail, /revision 1 is missing/);
    }
  });

  it('detects two events swapped', async () => {
    const file = copyStore(history, 'swapped');
    const stream = longestStream(file, 'charge_session-');
    tamper(file, (db) => {
      const rows = db
        .prepare<
          [string],
          { revision: number; event_id: string; type: string; data: string; metadata: string }
        >(
          'SELECT revision, event_id, type, data, metadata FROM events WHERE stream_name = ? AND revision IN (2, 3)',
        )
        .all(stream);
      const update = db.prepare(
        'UPDATE events SET event_id = ?, type = ?, data = ?, metadata = ? WHERE stream_name = ? AND revision = ?',
      );
      update.run('swap-temporary', 'x', '{}', '{}', stream, 3);
      const [two, three] = rows;
      update.run(three!.event_id, three!.type, three!.data, three!.metadata, stream, 2);
      update.run(two!.event_id, two!.type, two!.data, two!.metadata, stream, 3);
    });
    const { store, exported } = await verifyBothWays(history, file, 'swapped');
    for (const { status, report } of [store, exported]) {
      assert.equal(status, 1);
      assert.deepEqual(where(report.breaks), [
        ['reordered', stream, 2],
        ['reordered', stream, 3],
      ]);
      assert.match(report.breaks[0]!.detail, /written at revision 3/);
    }
  });

  it('detects a whole stream deleted by the checkpoint signed before; one signed after accuses no one', async () => {
    const file = copyStore(history, 'stream-deleted');
    const stream = longestStream(file, 'terminal-');
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE stream_name = ?').run(stream));
    const { store, exported } = await verifyBothWays(history, file, 'stream-deleted');
    for (const { status, report } of [store, exported]) {
      assert.equal(status, 1);
      assert.deepEqual(where(report.breaks), [['stream_deleted', stream, 0]]);
    }

    await signCheckpoint(file);
    const after = await audit(history, file, ['verify', '--store', '--json']);
    assert.deepEqual([after.status, (JSON.parse(after.output) as VerifyReport).breaks], [0, []]);
    const held = await audit(history, file, ['verify', '--store', '--json', '--checkpoint', checkpointFile]);
    assert.deepEqual(where((JSON.parse(held.output) as VerifyReport).breaks), [
      ['stream_deleted', stream, 0],
    ]);
  });

  it('holds an edited history against the checkpoint signed before it, accusing only the edited stream', async () => {
    const file = copyStore(history, 'rewritten');
    const stream = longestStream(file, 'payment_intent-');
    // A forger who knows the hash function rewrites the stream's last event and its hash: the chain holds,
    // the checkpoint does not.
    const last = rowsOf(file, stream).at(-1)!;
    await withStore(file, async (eventStore) => {
      const [event] = await eventStore.readStream(stream, { fromRevision: last.revision });
      const forged = chainEvents(stream, last.revision, event!.metadata.previousHash, [
        {
          id: event!.id,
          type: event!.type,
          data: { ...event!.data, forged: true },
          metadata: event!.metadata,
        },
      ])[0]!;
      tamper(file, (db) =>
        db
          .prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?')
          .run(JSON.stringify(forged.data), JSON.stringify(forged.metadata), last.position),
      );
    });
    const held = await audit(history, file, ['verify', '--store', '--json']);
    assert.equal(held.status, 1);
    assert.deepEqual(where((JSON.parse(held.output) as VerifyReport).breaks), [
      ['rewritten', stream, last.revision],
    ]);
  });
});
