import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run-cli';
import { OTHER_WRITERS_CHECK_MS } from '../../src/infrastructure/event-store/stream-head-cache';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';

/** `edgepay keys ...` in this process, against the running gateway's SQLite file. */
const keys = async (args: string[], dataDir: string): Promise<Record<string, string>> => {
  const out: string[] = [];
  const code = await runCli(['keys', ...args], COMMANDS, {
    out: (line) => out.push(line),
    err: () => undefined,
    env: { EDGEPAY_DATA_DIR: dataDir, LOG_LEVEL: 'error' },
  });
  assert.equal(code, 0);
  return JSON.parse(out.join('')) as Record<string, string>;
};

describe('edgepay keys against a running gateway (another process)', function () {
  this.timeout(60_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-keys-'));
  let gateway: GatewayProcess;

  before(async () => {
    gateway = await spawnGateway({ EDGEPAY_DATA_DIR: dataDir });
  });
  after(async () => {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const statusWith = async (key: string) =>
    (
      await fetch(`${gateway.url}/v1/payment-intents/pi_01J00000000000000000000000`, {
        headers: { 'x-api-key': key },
      })
    ).status;

  it('a key works the moment it is printed, and is refused once its revocation is, within the check interval', async () => {
    for (let round = 0; round < 10; round++) {
      const { apiKeyId, key } = await keys(
        ['create', '--merchant', 'mer_now', '--scopes', 'payments:read'],
        dataDir,
      );
      assert.equal(await statusWith(key as string), 404, `round ${round}: the new key was refused`);
      await keys(['revoke', apiKeyId as string], dataDir);
      // The gateway looks for other processes' commits at most every OTHER_WRITERS_CHECK_MS (decision 0026).
      await new Promise((resolve) => setTimeout(resolve, OTHER_WRITERS_CHECK_MS + 5));
      assert.equal(await statusWith(key as string), 401, `round ${round}: the revoked key still worked`);
    }
  });
});
