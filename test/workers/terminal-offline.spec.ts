import assert from 'node:assert/strict';
import { ManualClock } from '../../src/infrastructure/clock';
import type { JobOptions, JobQueue } from '../../src/infrastructure/job-queue/job-queue';
import { MemoryReadStore } from '../../src/infrastructure/read-store/memory-read-store';
import { UNKNOWN_HEALTH } from '../../src/domain/terminal/terminal-health';
import type { TerminalDocument } from '../../src/projections/terminals/terminal.document';
import { TERMINALS_COLLECTION } from '../../src/projections/terminals/terminal.projection';
import { sweepSilentTerminals, TERMINAL_OFFLINE_QUEUE } from '../../src/workers/terminal-offline';

const terminal = (id: string, overrides: Partial<TerminalDocument>): TerminalDocument => ({
  _id: id,
  id,
  object: 'terminal',
  merchantId: 'mer_1',
  stationId: 'S1',
  serialNumber: id,
  model: 'A920',
  manufacturer: null,
  label: null,
  firmwareVersion: null,
  status: 'active',
  statusReason: null,
  connectivity: 'online',
  lastSeenAt: '2026-03-01T09:00:00.000Z',
  health: UNKNOWN_HEALTH,
  credentialId: 'key_1',
  metadata: {},
  createdAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  version: 3,
  ...overrides,
});

describe('terminal offline sweep', () => {
  it('queues one job per silent online terminal, named by its version', async () => {
    const readStore = new MemoryReadStore();
    const docs = readStore.collection<TerminalDocument>(TERMINALS_COLLECTION);
    await docs.replaceOne({ _id: 'trm_silent' }, terminal('trm_silent', {}), { upsert: true });
    await docs.replaceOne(
      { _id: 'trm_recent' },
      terminal('trm_recent', { lastSeenAt: '2026-03-01T09:58:00.000Z' }),
      { upsert: true },
    );
    await docs.replaceOne({ _id: 'trm_offline' }, terminal('trm_offline', { connectivity: 'offline' }), {
      upsert: true,
    });
    await docs.replaceOne({ _id: 'trm_gone' }, terminal('trm_gone', { status: 'decommissioned' }), {
      upsert: true,
    });
    const queued: { queue: string; data: unknown; options: JobOptions }[] = [];
    const jobQueue = {
      enqueue: async (queue: string, _name: string, data: unknown, options: JobOptions) => {
        queued.push({ queue, data, options });
      },
    } as unknown as JobQueue;

    const count = await sweepSilentTerminals({
      readStore,
      jobQueue,
      clock: new ManualClock(new Date('2026-03-01T10:00:00.000Z')),
      offlineAfterMs: 300_000,
    });
    assert.equal(count, 1);
    assert.deepEqual(queued, [
      {
        queue: TERMINAL_OFFLINE_QUEUE,
        data: { terminalId: 'trm_silent' },
        options: { jobId: 'offline-trm_silent-3' },
      },
    ]);
  });
});
