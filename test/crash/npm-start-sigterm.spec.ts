import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnCommandListening } from '../support/gateway-process';
import { waitUntil } from '../support/wait-until';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start, then SIGTERM to the process it started', function () {
  // `npm start` builds with tsc first, as a user's would.
  this.timeout(180_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-npm-start-'));
  let gatewayPid: number | undefined;
  after(() => {
    // An orphan left by a failing run must not outlive the suite.
    if (gatewayPid !== undefined && alive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the gateway drains and exits, and nothing listens any more', async () => {
    const npm = await spawnCommandListening('npm', ['start'], { EDGEPAY_DATA_DIR: dataDir }, 170_000);
    gatewayPid = npm.pid;
    assert.ok(npm.pid, 'the gateway logs its pid');
    assert.notEqual(npm.pid, npm.child.pid);
    assert.equal((await fetch(`${npm.url}/health/live`)).status, 200);

    npm.child.kill('SIGTERM');
    await npm.exited;
    await waitUntil(() => !alive(npm.pid as number), { message: 'the gateway process to exit' });
    await assert.rejects(fetch(`${npm.url}/health/live`), 'something still listens on the port');
  });
});
