import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

const clientsLoaded = async (env: Record<string, string>): Promise<string[]> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-cold-'));
  try {
    const { stdout } = await run(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(ROOT, 'test/support/loaded-clients.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', EDGEPAY_DATA_DIR: dataDir, ...env },
        timeout: 60_000,
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

describe('cold start: only the configured adapters are loaded', () => {
  it('loads no production client on the embedded default', async () => {
    assert.deepEqual(await clientsLoaded({ REDIS_URL: '', MONGODB_URL: '', EVENTSTORE_URL: '' }), []);
  });
});
